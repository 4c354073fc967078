"""Start-up leaves other packages' modules alone: what the command line
builds before the app runs is made of modules that were really imported (no
module of ours standing in for one of httpx's or pydantic's), and pydantic's
plugin scan is switched off only through its own setting."""

from __future__ import annotations

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Builds the demo app as ``arker-tui --demo`` does, validates a model (when
# pydantic loads its plugin loader) and lists every module without an import
# spec, outside the standard library (``typing`` makes two such itself): a
# module put into sys.modules by hand has none.
BUILD = """
import json, os, sys
from arker_tui import cli
app = cli._build_app(cli.build_parser().parse_args(["--demo"]))
from arker_tui.api.models import Vm
try:
    Vm.model_validate({})
except Exception:
    pass
import pydantic.plugin._loader as loader
made_by_hand = sorted(name for name, module in list(sys.modules.items())
                      if module is not None and name.split(".")[0] not in sys.stdlib_module_names
                      and name != "__main__" and getattr(module, "__spec__", None) is None)
on_open = sorted(name for name in sys.modules if name.startswith(("arker_tui.ui.forms.", "arker_tui.ui.console"))
                 or name == "arker_tui.ui.screens.console")
print(json.dumps({"app": type(app).__name__, "made_by_hand": made_by_hand, "loaded_on_open": on_open,
                  "loader_file": loader.__file__, "plugins": os.environ.get("PYDANTIC_DISABLE_PLUGINS")}))
"""


def _build(env_extra: dict[str, str]) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYDANTIC_DISABLE_PLUGINS", "ARKER_API_KEY")}
    env.update(env_extra)
    done = subprocess.run([sys.executable, "-c", BUILD], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_start_up_puts_no_module_of_its_own_in_place_of_another_packages():
    out = _build({})
    assert out["app"] == "ArkerApp"
    assert out["made_by_hand"] == []
    assert out["loader_file"].endswith(os.path.join("pydantic", "plugin", "_loader.py"))
    assert out["plugins"] == "__all__"  # pydantic's documented switch, set only when not given


def test_no_form_or_console_is_imported_before_one_is_opened():
    # The forms and the session console (and the Textual widgets only they use) load when one opens.
    assert _build({})["loaded_on_open"] == []


def test_an_explicit_pydantic_plugin_setting_is_kept():
    assert _build({"PYDANTIC_DISABLE_PLUGINS": "some_plugin"})["plugins"] == "some_plugin"
