"""Settings: one table of defaults, environment overrides, booleans parsed strictly, all documented."""

from __future__ import annotations

from pathlib import Path

import pytest

import config

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1", True),
        ("on", True),
        ("YES", True),
        ("true", True),
        ("0", False),
        ("off", False),
        ("no", False),
        ("False", False),
    ],
)
def test_booleans_accept_the_usual_words(raw: str, value: bool):
    assert config.load({"TRACKER_SCHEDULER": raw}).scheduler is value


def test_anything_else_stops_start_up_naming_the_setting():
    with pytest.raises(config.SettingError, match="TRACKER_ALLOW_PRIVATE_NETWORKS"):
        config.load({"TRACKER_ALLOW_PRIVATE_NETWORKS": "maybe"})


def test_numbers_are_parsed_and_checked():
    assert config.load({"TRACKER_BATCH_SIZE": "600", "TRACKER_HOST_DELAY": "0.5"}).batch_size == 600
    with pytest.raises(config.SettingError, match="TRACKER_TICK_SECONDS"):
        config.load({"TRACKER_TICK_SECONDS": "soon"})


def test_defaults_are_the_embedded_set_up():
    settings = config.load({})
    assert settings.database_url.startswith("sqlite:///") and settings.database_url.endswith(
        "instance/tracker.sqlite"
    )
    assert (settings.scheduler, settings.public_read, settings.allow_private_networks) == (True, False, False)
    assert (settings.intervals, settings.tick_seconds, settings.host_delay) == (
        "6h=5m,1d=15m,3d=1h,14d=6h,*=1d",
        5,
        1.0,
    )


def test_the_secret_key_is_generated_once_and_kept(tmp_path: Path):
    first = config.secret_key(config.load({}), instance=tmp_path)
    assert first == config.secret_key(config.load({}), instance=tmp_path) and len(first) == 64


@pytest.mark.parametrize("name", sorted(config.DEFAULTS))
def test_every_setting_is_in_the_readme(name: str):
    assert config.env_name(name) in README
