"""The architecture: the folders are the layers, and `.importlinter` (checked by `make lint`) states
what each may import. These tests keep that file honest about the tree, and hold the rules that are
not about imports."""

from __future__ import annotations

import configparser
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TRACKER = ROOT / "tracker"
LAYER_PACKAGES = ("domain", "adapters", "services", "engine", "web")
TOP_MODULES = {"__init__.py", "cli.py", "factory.py"}


def contracts() -> configparser.ConfigParser:
    parser = configparser.ConfigParser()
    parser.read(ROOT / ".importlinter")
    return parser


def test_every_module_lives_in_a_layer() -> None:
    flat = {path.name for path in TRACKER.glob("*.py")} - TOP_MODULES
    packages = {path.name for path in TRACKER.iterdir() if path.is_dir() and path.name != "__pycache__"}
    assert not flat, f"put {sorted(flat)} in a layer package"
    assert packages == set(LAYER_PACKAGES), "a new package needs its place in .importlinter's layers"


def test_the_layers_contract_names_every_layer() -> None:
    layers = contracts()["importlinter:contract:layers"]["layers"]
    named = {name.strip() for line in layers.splitlines() for name in line.split("|") if name.strip()}
    expected = {f"tracker.{name}" for name in LAYER_PACKAGES} | {"tracker.cli", "tracker.factory"}
    assert named == expected


def test_import_linter_breaks_on_an_upward_import(tmp_path: Path) -> None:
    """The contracts bite: a copy of the tree where the domain imports a service fails the check."""
    subprocess.run(["cp", "-r", str(TRACKER), str(tmp_path / "tracker")], check=True)
    (tmp_path / ".importlinter").write_text((ROOT / ".importlinter").read_text())
    diff = tmp_path / "tracker" / "domain" / "diff.py"
    diff.write_text(diff.read_text() + "\nfrom tracker.services import queue  # noqa\n")
    linter = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run(
        [str(linter), "--no-logo", "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Each layer imports only the layers below it BROKEN" in run.stdout


@pytest.mark.parametrize("module", sorted((TRACKER / "services").glob("*.py")), ids=lambda path: path.stem)
def test_services_never_commit(module: Path) -> None:
    assert ".commit()" not in module.read_text()
