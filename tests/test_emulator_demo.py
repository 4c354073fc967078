"""The demo and scale worlds, read through the HTTP API."""

from __future__ import annotations

import base64
import random
from collections import Counter

import pytest

from arker_tui.api.models import ARKER_ORG_ID, PUBLIC_GOLDENS, ListOrgRunsResponse, Run
from arker_tui.emulator import Emulator, ManualClock, build_demo_world, build_scale_world
from arker_tui.emulator.demo import (
    DEMO_RUNNING_VMS,
    DEMO_VM_NAMES,
    LONG_RUN_COMMAND,
    LONG_RUN_VM,
    _big_log,
    _random_bytes,
)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def emulator(clock) -> Emulator:
    return Emulator(build_demo_world(clock))


@pytest.fixture
async def http(emulator):
    async with emulator.client() as client:
        yield client


async def all_vms(http, **params) -> list[dict]:
    vms, cursor = [], None
    while True:
        body = (await http.get("/v1/vms", params={**params, **({"cursor": cursor} if cursor else {}),
                                                  "limit": 10})).json()
        vms += body["vms"]
        cursor = body["next_cursor"]
        if not cursor:
            return vms


async def test_goldens_are_public_forkable_and_not_listed(http):
    org_vms = await all_vms(http)
    assert 25 <= len(org_vms) <= 35
    assert not {v["name"] for v in org_vms} & set(PUBLIC_GOLDENS)
    goldens = (await http.get("/v1/vms", params={"source_org_id": ARKER_ORG_ID})).json()["vms"]
    assert {g["name"] for g in goldens} == set(PUBLIC_GOLDENS)
    assert all(g["public"] and g["owner_org_id"] == ARKER_ORG_ID for g in goldens)
    r = await http.post("/v1/fork", json={"source_vm_name": "arkuntu", "source_org_id": ARKER_ORG_ID,
                                          "name": "mine"})
    assert r.status_code == 200 and r.json()["root_source_vm_name"] == "arkuntu"


async def test_org_vms_cover_regions_providers_chains_and_states(http):
    vms = await all_vms(http)
    assert {v["region"] for v in vms} == {"us-west-2", "eu-central-1"}
    assert {v["provider"] for v in vms} == {"aws", "aws-burst"}
    roots = Counter(v["root_source_vm_name"] for v in vms)
    assert roots[None] >= 2 and set(PUBLIC_GOLDENS) <= set(roots)
    by_name = {v["name"]: v for v in vms}
    assert by_name["worker-3"]["root_source_vm_name"] == "ubuntu"  # fork of a fork
    assert {v["state"] for v in vms} == {"idle", "running"}
    assert by_name[LONG_RUN_VM]["state"] == "running"
    assert sorted(n for n, v in by_name.items() if v["state"] == "running") == sorted(DEMO_RUNNING_VMS)
    assert set(by_name) == set(DEMO_VM_NAMES)
    shapes = {type(v["network"]).__name__ for v in vms}
    assert {"bool", "str", "dict"} <= shapes
    assert all(v["sessions"] and v["worker_id"] for v in vms)
    assert any(s["env"] for v in vms for s in v["sessions"])
    for v in vms:
        assert 1 <= v["vcpu_count"] <= v["max_vcpus"]
        assert v["min_memory_mib"] <= v["memory_mib"] <= v["max_memory_mib"]


async def test_runs_in_every_state(http, emulator):
    demo = emulator.world.demo
    seen = {}
    for key in ["long_run", "nonzero_exit_run", "failed_run", "cancelled_run", "retried_run",
                "timeout_run", "exit_127_run", "base64_run"]:
        vm_id, run_id = demo[key]
        seen[key] = Run.model_validate((await http.get(f"/v1/vms/{vm_id}/runs/{run_id}")).json())
    assert seen["long_run"].state == "running" and seen["long_run"].command == LONG_RUN_COMMAND
    assert (seen["nonzero_exit_run"].state, seen["nonzero_exit_run"].exit_code) == ("completed", 2)
    assert seen["failed_run"].state == "failed" and seen["failed_run"].fail_reason == "host died: wrk-7"
    assert seen["failed_run"].stdout  # partial output kept
    assert seen["cancelled_run"].state == "cancelled" and seen["cancelled_run"].completed_at
    assert seen["retried_run"].retry_count == 2
    assert seen["timeout_run"].fail_reason == "timeout after 300s"
    assert seen["exit_127_run"].exit_code == 127
    b64 = seen["base64_run"]
    assert b64.stdout_encoding == "base64"
    vm = emulator.world.vms[demo["base64_run"][0]]
    assert base64.b64decode(b64.stdout) == vm.files["/home/user/data.bin"]


async def test_long_run_keeps_printing_as_the_clock_moves(http, emulator, clock):
    vm_id, run_id = emulator.world.demo["long_run"]
    url = f"/v1/vms/{vm_id}/runs/{run_id}"
    first = (await http.get(url)).json()
    lines = first["stdout"].count("\n")
    assert lines > 400  # 4 minutes at 2 lines/s
    assert "\x1b[32mok\x1b[0m" in first["stdout"] and "warning" in first["stderr"]
    assert "epoch 000480 loss=" in first["stdout"]
    clock.advance(30)
    later = (await http.get(url)).json()
    assert later["state"] == "running" and later["stdout"].count("\n") == lines + 60
    assert later["stdout"].startswith(first["stdout"])
    assert (await http.post(url + "/cancel")).json() == {"cancelled": True}
    clock.advance(30)
    done = (await http.get(url)).json()
    assert done["state"] == "cancelled" and done["stdout"] == later["stdout"]


async def test_tunnels_in_every_state_and_both_auth_modes(http, emulator, clock):
    tunnels = emulator.world.demo["tunnels"]
    states, modes = {}, set()
    for name, (vm_id, key) in tunnels.items():
        t = (await http.get(f"/v1/vms/{vm_id}/tunnels/{key}")).json()
        assert "auth_token" not in t
        states[name] = t["state"]
        modes.add(t["auth_mode"])
    assert states == {"open": "open", "open_public": "open", "starting": "starting",
                      "closed": "closed", "jupyter": "open"}
    assert modes == {"open", "authenticated"}
    clock.advance(3)
    vm_id, key = tunnels["starting"]
    assert (await http.get(f"/v1/vms/{vm_id}/tunnels/{key}")).json()["state"] == "open"


async def test_filesystems_syncs_and_files(http, emulator):
    fss = (await http.get("/v1/filesystems")).json()["filesystems"]
    assert 3 <= len(fss) <= 5 and any(f["size_bytes"] > 10**10 for f in fss)
    ml = emulator.world.find_vm_by_name(LONG_RUN_VM)
    syncs = (await http.get(f"/v1/vms/{ml.vm_id}/syncs")).json()["syncs"]
    assert {s["path"] for s in syncs} == {"/mnt/datasets", "/mnt/models"}
    url = f"/v1/vms/{ml.vm_id}/sync"
    assert (await http.post(url, json={"path": "/etc/hostname"})).json()["content"] == "ml-train\n"
    readme = (await http.post(url, json={"path": "/home/user/README.md"})).json()
    assert readme["encoding"] == "utf-8" and "ml-train" in readme["content"]
    binary = (await http.post(url, json={"path": "/home/user/data.bin"})).json()
    assert binary["encoding"] == "base64" and binary["size"] == 4096
    log = (await http.post(url, json={"path": "/var/log/app.log"})).json()
    assert log["size"] > 256 * 1024 and "presigned_url" in log
    assert len((await http.get(log["presigned_url"])).content) == log["size"]


async def test_org_activity_over_the_last_hour(http, clock):
    body = ListOrgRunsResponse.model_validate(
        (await http.get("/v1/runs", params={"limit": 1000, "since": clock.now_ms() - 3_600_000})).json())
    rows = body.rows
    assert 190 <= len(rows) <= 210
    assert {r.endpoint for r in rows} == {"run", "fork", "sync"}
    assert any(400 <= r.status < 500 for r in rows) and any(r.status >= 500 for r in rows)
    assert all(r.total_ms >= r.queue_ms for r in rows)
    assert [r.t_ms for r in rows] == sorted((r.t_ms for r in rows), reverse=True)
    errors = (await http.get("/v1/runs", params={"status": "5xx", "limit": 1000})).json()["rows"]
    assert errors and all(r["status"] >= 500 for r in errors)
    by_total = (await http.get("/v1/runs", params={"sort": "total", "dir": "desc", "limit": 5})).json()["rows"]
    assert [r["total_ms"] for r in by_total] == sorted((r["total_ms"] for r in by_total), reverse=True)


def test_demo_world_is_deterministic():
    a = build_demo_world(ManualClock())
    b = build_demo_world(ManualClock())
    assert list(a.vms) == list(b.vms) and a.demo == b.demo
    assert [r["request_id"] for r in a.org_rows] == [r["request_id"] for r in b.org_rows]


@pytest.mark.parametrize("seed", [0, 7, 2026])
def test_demo_fast_draws_match_the_plain_random_calls(seed):
    # The demo world draws on after these, so the generator must end where the plain calls leave it.
    plain, fast = random.Random(seed), random.Random(seed)
    levels = ["INFO"] * 8 + ["WARN", "ERROR"]
    log = "".join(f"2026-01-01T00:{i // 60 % 60:02d}:{i % 60:02d}Z {plain.choice(levels):5} "
                  f"worker[{plain.randint(1, 9)}] handled request id={plain.getrandbits(32):08x} "
                  f"in {plain.randint(1, 900)}ms\n" for i in range(4200)).encode()
    data = bytes(plain.getrandbits(8) for _ in range(4096))
    assert _big_log(fast) == log
    assert _random_bytes(fast, 4096) == data
    assert fast.getstate() == plain.getstate()


async def test_scale_world_pages_through_every_vm(clock):
    world = build_scale_world(clock, vms=2000, runs_per_vm=2, output_lines=50, seed=1)
    again = build_scale_world(ManualClock(), vms=2000, runs_per_vm=2, output_lines=50, seed=1)
    assert list(world.vms) == list(again.vms)
    em = Emulator(world)
    async with em.client() as http:
        names, cursor = [], None
        while True:
            params = {"limit": 500, **({"cursor": cursor} if cursor else {})}
            body = (await http.get("/v1/vms", params=params)).json()
            names += [v["name"] for v in body["vms"]]
            cursor = body["next_cursor"]
            if not cursor:
                break
        assert len(names) == len(set(names)) == 2000
        vm = world.find_vm_by_name(names[0])
        runs = (await http.get(f"/v1/vms/{vm.vm_id}/runs")).json()["runs"]
        assert len(runs) == 2
        done = [r for r in runs if r["state"] == "completed"][0]
        full = (await http.get(f"/v1/vms/{vm.vm_id}/runs/{done['run_id']}")).json()
        assert full["stdout"].count("\n") >= 50
        running = (await http.get("/v1/vms", params={"state": "running", "limit": 500})).json()["vms"]
        assert len(running) == 200


def test_make_emulator_for_serve():
    from arker_tui.emulator.server import make_emulator

    em = make_emulator(demo=True)
    assert em.world.find_vm_by_name(LONG_RUN_VM) is not None
