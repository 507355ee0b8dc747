"""The layering rules of ../shared/DESIGN.md and STYLE.md, read from the imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TRACKER = ROOT / "tracker"
PURE = [
    "addresses",
    "atom",
    "diff",
    "digests",
    "errors",
    "extract",
    "feeds",
    "htmlblocks",
    "intervals",
    "labels",
    "languages",
    "noise",
    "normalize",
    "pacing",
    "pagekind",
    "pagemeta",
    "rules",
    "snapshot",
    "textunits",
    "timeline",
    "trouble",
    "urls",
]
SERVICES = sorted(path.stem for path in (TRACKER / "services").glob("*.py") if path.stem != "__init__")
ALL_MODULES = sorted(str(path.relative_to(ROOT)) for path in TRACKER.rglob("*.py"))


def imported_names(relative: str) -> set[str]:
    """Return the absolute module names a file imports."""
    tree = ast.parse((ROOT / relative).read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{relative}: relative import"
            names.add(node.module or "")
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def imports(relative: str, forbidden: str) -> bool:
    return any(name == forbidden or name.startswith(f"{forbidden}.") for name in imported_names(relative))


RULES = (
    [
        (f"tracker/{module}.py", lib)
        for module in PURE
        for lib in (
            "flask",
            "sqlalchemy",
            "requests",
            "tracker.models",
            "tracker.db",
            "tracker.services",
            "config",
        )
    ]
    + [
        (f"tracker/services/{module}.py", lib)
        for module in SERVICES
        for lib in (
            "flask",
            "requests",
            "tracker.web",
            "tracker.cli",
            "tracker.worker",
            "config",
            "apscheduler",
        )
    ]
    + [
        (module, "flask")
        for module in ALL_MODULES
        if not module.startswith("tracker/web/") and module not in ("tracker/__init__.py", "tracker/cli.py")
    ]
    + [(module, "apscheduler") for module in ALL_MODULES if module != "tracker/worker.py"]
    + [
        (module, "requests")
        for module in ALL_MODULES
        if module not in ("tracker/outbound.py", "tracker/webhooks.py")
    ]
    + [
        (module, "urllib3")
        for module in ALL_MODULES
        if module not in ("tracker/fetch.py", "tracker/headwatch.py")
    ]
    + [(module, "playwright") for module in ALL_MODULES if module != "tracker/render.py"]
    + [(module, "feedparser") for module in ALL_MODULES if module != "tracker/feeds.py"]
    + [(module, "feedgen") for module in ALL_MODULES if module != "tracker/atom.py"]
    + [(module, "py3langid") for module in ALL_MODULES if module != "tracker/languages.py"]
    + [
        (module, "prometheus_client")
        for module in ALL_MODULES
        if module not in ("tracker/metrics.py", "tracker/web/prometheus.py")
    ]
    + [(module, "pythonjsonlogger") for module in ALL_MODULES if module != "tracker/logs.py"]
    + [
        (module, "sqlalchemy")
        for module in (
            "tracker/fetch.py",
            "tracker/outbound.py",
            "tracker/web/pages.py",
            "tracker/web/api.py",
        )
    ]
)


@pytest.mark.parametrize(("module", "forbidden"), RULES)
def test_module_does_not_import(module: str, forbidden: str) -> None:
    assert not imports(module, forbidden), f"{module} must not import {forbidden}"


@pytest.mark.parametrize("module", [f"tracker/services/{name}.py" for name in SERVICES])
def test_services_never_commit(module: str) -> None:
    source = (ROOT / module).read_text()
    assert ".commit()" not in source


def test_create_app_starts_no_scheduler() -> None:
    assert not imports("tracker/__init__.py", "tracker.worker")
