"""doctor's reading of an answer against the models: unknown fields,
unknown enum values, missing required fields, unreadable fields, by path."""

from __future__ import annotations

from arker_tui.api import models as m
from arker_tui.doctor_schema import audit


def vm(**extra):
    return {"vm_id": "vm_1", "name": "api", "state": "idle", "provider": "aws", "region": "us-west-2", **extra}


def test_an_answer_as_the_models_expect_has_no_findings():
    parsed, findings = audit(m.ListVmsResponse, {"vms": [vm()], "next_cursor": None})
    assert parsed is not None and not findings.unreadable and not findings.dialect
    assert findings.sentences() == []


def test_unknown_fields_are_named_by_path_once_for_every_item():
    data = {"vms": [vm(gpu=1), vm(vm_id="vm_2", gpu=2, sessions=[{"session_id": "s", "shell": "zsh"}])],
            "total": 2}
    parsed, findings = audit(m.ListVmsResponse, data)
    assert parsed is not None and not findings.unreadable
    assert findings.unknown_fields == {"total", "vms[].gpu", "vms[].sessions[].shell"}


def test_unknown_enum_values_are_named_with_their_value():
    data = {"vms": [vm(state="paused", provider="gcp", tunnels=[{"vm_id": "vm_1", "port": 80, "state": "dying"}])]}
    _, findings = audit(m.ListVmsResponse, data)
    assert findings.unknown_values == {"vms[].state = 'paused'", "vms[].provider = 'gcp'",
                                       "vms[].tunnels[].state = 'dying'"}
    assert any(s.startswith("unknown enum values:") for s in findings.sentences())


def test_a_missing_required_field_makes_the_answer_unreadable():
    parsed, findings = audit(m.ListRunsResponse, {"runs": [{"state": "running"}]})
    assert parsed is None and findings.unreadable
    assert findings.missing_fields == {"runs[].run_id"}
    assert findings.sentences() == ["missing required field: runs[].run_id"]


def test_a_field_of_the_wrong_type_is_unreadable_and_says_which():
    parsed, findings = audit(m.Vm, vm(vcpu_count="many"))
    assert parsed is None
    assert [f.split(":")[0] for f in findings.invalid_fields] == ["vcpu_count"]
