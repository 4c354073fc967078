"""The models package: every name is read from ``arker_tui.api.models``; the
modules start-up does not need load the first time one of their names is read."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

from arker_tui.api import models as m


def test_lazy_table_matches_each_module():
    for module, names in m.LAZY.items():
        loaded = importlib.import_module(f"arker_tui.api.models.{module}")
        assert list(names) == loaded.__all__, module


@pytest.mark.parametrize("name", m.__all__)
def test_every_exported_name_is_read_from_the_package(name):
    value = getattr(m, name)
    defined_in = next(module for module in ("base", "compact", "listing", *m.LAZY)
                      if name in importlib.import_module(f"arker_tui.api.models.{module}").__all__)
    assert value is getattr(importlib.import_module(f"arker_tui.api.models.{defined_in}"), name)
    assert name in dir(m)


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_model"):
        m.no_such_model  # noqa: B018
    with pytest.raises(ImportError):
        from arker_tui.api.models import NoSuchModel  # noqa: F401


def test_start_up_loads_no_lazy_module():
    # In a fresh interpreter: what the demo start-up imports and builds leaves
    # the lazy modules unloaded, and a lazy name still imports by name.
    code = """
import json, sys
from arker_tui.backend import open_demo
from arker_tui.config import load_config
from arker_tui.settings import settings_from_env
open_demo(settings_from_env({}))
before = sorted(k for k in sys.modules if k.startswith("arker_tui.api.models."))
from arker_tui.api.models import ForkRequest, ListOrgRunsResponse, SyncWriteResponse
print(json.dumps([before, ForkRequest.__name__, ListOrgRunsResponse.__name__, SyncWriteResponse.__name__]))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    before, *names = json.loads(out)
    assert before == ["arker_tui.api.models.base", "arker_tui.api.models.compact", "arker_tui.api.models.listing"]
    assert names == ["ForkRequest", "ListOrgRunsResponse", "SyncWriteResponse"]


def test_list_and_dict_defaults_are_not_shared_between_instances():
    # Plain [] / {} defaults (pydantic copies them per instance): a
    # default_factory=list made pydantic parse list's text signature with
    # tokenize on the first validation, milliseconds of every cold start.
    first, second = m.ListVmsResponse(), m.ListVmsResponse()
    first.vms.append(m.Vm(vm_id="vm_1"))
    assert second.vms == [] and m.ListVmsResponse().vms == []
    status = m.InboundStatus()
    status.ports["80"] = m.InboundPortStatus.model_validate({})
    assert m.InboundStatus().ports == {}
