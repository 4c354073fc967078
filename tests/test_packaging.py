"""The package as users install it: one version, every import declared,
every test dependency used, license and type marker shipped."""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions, version
from pathlib import Path

import arker_tui
from arker_tui.cli import main

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
# Imported only where an extra is needed (and said so when it is missing).
EXTRA_OF_MODULE = {"uvicorn": "serve", "keyring": "keyring"}


def _name(requirement: str) -> str:
    for stop in "<>=!~[; ":
        requirement = requirement.split(stop)[0]
    return requirement.lower().replace("_", "-")


def test_the_version_is_written_once_and_is_what_the_cli_and_metadata_say(capsys):
    assert "version" not in PROJECT and "version" in PROJECT["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "arker_tui.__version__"}
    assert version("arker-tui") == arker_tui.__version__
    try:
        main(["--version"])
    except SystemExit as done:
        assert done.code == 0
    assert capsys.readouterr().out.strip() == f"arker-tui {arker_tui.__version__}"


def _third_party_imports() -> set[str]:
    found = set()
    for path in (ROOT / "arker_tui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {name for name in found if name not in sys.stdlib_module_names and name != "arker_tui"}


def test_every_package_the_code_imports_is_declared():
    declared = {_name(r) for r in PROJECT["dependencies"]}
    extras = {extra: {_name(r) for r in reqs} for extra, reqs in PROJECT["optional-dependencies"].items()}
    dists = packages_distributions()
    imported = _third_party_imports()
    assert {"textual", "httpx", "pydantic", "rich"} <= imported
    for module in imported:
        names = {_name(d) for d in dists.get(module, [module])}
        where = extras[EXTRA_OF_MODULE[module]] if module in EXTRA_OF_MODULE else declared
        assert names & where, f"{module} is imported but {names} is not declared"


def test_every_test_dependency_is_used():
    tests = "\n".join(p.read_text() for p in (ROOT / "tests").glob("*.py"))
    readme = (ROOT / "README.md").read_text()
    uses = {
        "pytest": "def test_" in tests,
        "pytest-asyncio": PYPROJECT["tool"]["pytest"]["ini_options"].get("asyncio_mode") == "auto",
        "pytest-textual-snapshot": "snap_compare" in tests,
        "pytest-xdist": "pytest -n" in readme,  # the README's parallel run
        "uvicorn": '"emulator"' in tests,  # the served emulator
        "keyring": 'importorskip("keyring")' in tests,
    }
    test_deps = {_name(r) for r in PROJECT["optional-dependencies"]["test"]}
    assert test_deps == set(uses), test_deps ^ set(uses)
    assert all(uses.values()), {name: used for name, used in uses.items() if not used}


def test_the_license_is_mit_and_ships_with_the_type_marker():
    assert PROJECT["license"] == "MIT" and PROJECT["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert (ROOT / "arker_tui" / "py.typed").exists()
    assert "py.typed" in PYPROJECT["tool"]["setuptools"]["package-data"]["arker_tui"]
    assert {"keywords", "classifiers", "urls", "readme", "description"} <= PROJECT.keys()


def test_the_sdist_manifest_carries_the_snapshots_the_tests_compare_with():
    manifest = (ROOT / "MANIFEST.in").read_text().split()
    assert "graft" in manifest and "tests" in manifest
    assert any((ROOT / "tests" / "__snapshots__").rglob("*.svg"))
