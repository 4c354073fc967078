"""List items keep their memory small (api/models/compact.py): VMs, sessions
and tunnels are slotted dataclasses, repeated values are one object, and the
models behave as the others do (unknown fields kept, nulls take defaults,
compare, dump and copy)."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from arker_tui.api.models import ListVmsResponse, Session, Tunnel, Vm

PAYLOAD = {
    "vm_id": "vm_7", "owner_org_id": "org_acme", "created_at": "2025-12-28T23:20:42.889Z", "name": "db-7",
    "public": False, "root_source_vm_id": "vm_f7", "root_source_vm_name": "ubuntu", "state": "idle",
    "region": "us-west-2", "provider": "aws-burst", "started_at": "2025-12-28T23:20:47.889Z", "vcpu_count": 8,
    "memory_mib": 16384, "disk_mib": 81920, "network": True, "max_vcpus": 8, "max_memory_mib": 16384,
    "min_memory_mib": 512, "worker_id": "wrk-7",
    "sessions": [{"session_id": "ses_7", "state": "idle", "cwd": "/home/user", "region": "us-west-2"}],
    "tunnels": [{"vm_id": "vm_7", "port": 8000, "state": "open", "protocol": "http", "region": "us-west-2"}],
}


def page(n: int, **extra: object) -> ListVmsResponse:
    # Each VM from its own JSON text: no string is shared by the parser.
    return ListVmsResponse.model_validate(
        {"vms": [json.loads(json.dumps({**PAYLOAD, **extra, "vm_id": f"vm_{i}"})) for i in range(n)]})


def test_a_vm_its_sessions_and_tunnels_hold_no_dict_per_instance():
    vm = page(1).vms[0]
    for item in (vm, vm.sessions[0], vm.tunnels[0]):
        assert not hasattr(item, "__dict__"), type(item).__name__
    assert vm.extras is None  # nothing unknown: no dict at all


def test_repeated_values_are_one_object_and_unique_ones_stay_equal():
    a, b = page(2).vms
    for name in ("region", "provider", "state", "owner_org_id", "root_source_vm_id", "worker_id"):
        assert getattr(a, name) == PAYLOAD[name]
        assert getattr(a, name) is getattr(b, name), name
    assert a.sessions[0].region is b.sessions[0].region and a.sessions[0].cwd is b.sessions[0].cwd
    assert a.tunnels[0].state is b.tunnels[0].state == "open"
    assert (a.vm_id, b.vm_id) == ("vm_0", "vm_1")
    assert Vm(vm_id="vm_x").region is None  # a missing value stays None


def test_unknown_fields_are_kept_in_the_servers_order_whatever_their_name():
    vm = page(1, zeta=1, extras="sent by the server", alpha={"x": [1]}).vms[0]
    assert list(vm.extra_fields) == ["zeta", "extras", "alpha"]
    assert vm.extra_fields["extras"] == "sent by the server"
    dumped = vm.model_dump()
    assert dumped["alpha"] == {"x": [1]} and dumped["extras"] == "sent by the server"
    assert Vm(vm_id="v", notes="n").extra_fields == {"notes": "n"}  # the constructor keeps them too
    assert Session.model_validate({"session_id": "s", "pid": 7}).extra_fields == {"pid": 7}


def test_nulls_take_defaults_and_a_null_id_is_refused():
    vm = Vm.model_validate({**PAYLOAD, "state": None, "sessions": None, "public": None})
    assert (vm.state, vm.sessions, vm.public) == ("unknown", [], False)
    assert Vm(vm_id="v", state=None).state == "unknown"
    with pytest.raises(ValidationError):
        Vm.model_validate({"vm_id": None})
    with pytest.raises(ValidationError):
        Tunnel.model_validate({"vm_id": "v", "port": "eighty"})


def test_models_compare_dump_and_copy():
    a, b = page(2).vms
    assert a == Vm.model_validate(json.loads(json.dumps({**PAYLOAD, "vm_id": "vm_0"})))
    assert a != b
    assert a.model_dump(exclude_none=True).keys() == PAYLOAD.keys()
    assert a.model_dump(exclude={"sessions"}).keys() == PAYLOAD.keys() - {"sessions"}
    assert json.dumps(a.model_dump(mode="json"))  # plain JSON all the way down
    moved = a.model_copy(update={"region": "eu-central-1"})
    assert moved.region == "eu-central-1" and a.region == "us-west-2"
    assert moved.sessions == a.sessions and moved.vm_id == a.vm_id
    assert Vm.field_names()[:2] == ("vm_id", "owner_org_id") and "extras" not in Vm.field_names()


def test_a_tunnels_token_never_shows_in_its_repr():
    tunnel = Tunnel(vm_id="v", port=1, auth_token="tok_secret_123")
    assert "tok_secret_123" not in repr(tunnel) and "tok_secret_123" not in repr(Vm(vm_id="v", tunnels=[tunnel]))
