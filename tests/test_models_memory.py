"""List items keep their memory small (api/models/base.py): repeated values
are one object, a VM's set of fields set is sized for its content, and the
models behave as before."""

from __future__ import annotations

import json

from arker_tui.api.models import ListVmsResponse, Vm

PAYLOAD = {
    "vm_id": "vm_7", "owner_org_id": "org_acme", "created_at": "2025-12-28T23:20:42.889Z", "name": "db-7",
    "public": False, "root_source_vm_id": "vm_f7", "root_source_vm_name": "ubuntu", "state": "idle",
    "region": "us-west-2", "provider": "aws-burst", "started_at": "2025-12-28T23:20:47.889Z", "vcpu_count": 8,
    "memory_mib": 16384, "disk_mib": 81920, "network": True, "max_vcpus": 8, "max_memory_mib": 16384,
    "min_memory_mib": 512, "worker_id": "wrk-7",
    "sessions": [{"session_id": "ses_7", "state": "idle", "cwd": "/home/user", "region": "us-west-2"}],
    "tunnels": [{"vm_id": "vm_7", "port": 8000, "state": "open", "protocol": "http", "region": "us-west-2"}],
}


def page(n: int) -> ListVmsResponse:
    # Each VM from its own JSON text: no string is shared by the parser.
    return ListVmsResponse(vms=[Vm.model_validate(json.loads(json.dumps({**PAYLOAD, "vm_id": f"vm_{i}"})))
                                for i in range(n)])


def test_repeated_values_are_one_object_and_unique_ones_stay_equal():
    a, b = page(2).vms
    for name in ("region", "provider", "state", "owner_org_id", "root_source_vm_id", "worker_id"):
        assert getattr(a, name) == PAYLOAD[name]
        assert getattr(a, name) is getattr(b, name), name
    assert a.sessions[0].region is b.sessions[0].region and a.sessions[0].cwd is b.sessions[0].cwd
    assert a.tunnels[0].state is b.tunnels[0].state == "open"
    assert (a.vm_id, b.vm_id) == ("vm_0", "vm_1")
    assert Vm(vm_id="vm_x").region is None  # a missing value stays None


def test_a_vms_fields_set_is_what_was_sent():
    vm = page(1).vms[0]
    assert vm.model_fields_set == set(PAYLOAD)
    assert "name" not in Vm(vm_id="vm_x").model_fields_set


def test_models_still_compare_dump_and_copy_as_before():
    a, b = page(2).vms
    assert a == Vm.model_validate(json.loads(json.dumps({**PAYLOAD, "vm_id": "vm_0"})))
    assert a != b
    assert a.model_dump(exclude_unset=True).keys() == PAYLOAD.keys()
    moved = a.model_copy(update={"region": "eu-central-1"})
    assert moved.region == "eu-central-1" and a.region == "us-west-2"
    assert "region" in moved.model_fields_set
    assert Vm.model_validate({**PAYLOAD, "state": None}).state == "unknown"
