"""The benchmark scripts are not run by the suite (they print figures, and
take minutes), but every one of them must still import: a rename elsewhere
must not leave a script that fails on its first line."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

SCRIPTS = sorted(p.stem for p in (Path(__file__).resolve().parent.parent / "benchmarks").glob("*.py")
                 if p.stem != "__init__")


def test_there_are_benchmark_scripts():
    assert {"run", "soak", "traffic", "run_log_search"} <= set(SCRIPTS)


@pytest.mark.parametrize("name", SCRIPTS)
def test_the_script_imports(name):
    module = importlib.import_module(f"benchmarks.{name}")
    assert module.__name__ == f"benchmarks.{name}"
