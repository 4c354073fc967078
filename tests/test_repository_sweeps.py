"""The running sweep (sweeps.py) with the fake clock: while the VM list is slow,
its running VMs are listed on their own (``state=running``) between full
sweeps and merged in; a VM that stops is never left shown as running; the
list's budget is shared, not added to; a small org never gets one."""

from __future__ import annotations

import pytest

from arker_tui.api.models import ResizeRequest
from arker_tui.emulator import Emulator, ManualClock, World
from arker_tui.repository import Intervals, Query
from arker_tui.repository.budget import Budgets
from arker_tui.repository.sweeps import MAX_GET_VM, merge
from tests.test_repository_support import Recorder, build_world, make_env

Q = Query.vms()


def _world(vms: int, running: int) -> World:
    """``vms`` idle VMs, the first ``running`` of them with a long run."""
    world = World(ManualClock())
    for i in range(vms):
        vm = world.add_vm(f"vm-{i:03d}", vm_id=f"vm_{i:03d}")
        if i < running:
            world.add_run(vm, "sleep 100000")
    return world


async def _env(vms: int = 100, running: int = 5, requests_per_min: float = 20.0, page: int = 5,
               share: float | None = None):
    """100 VMs by pages of 5: a full sweep is 20 requests, so at 20 requests a
    minute the list alone would come once a minute; 5 running VMs are one page."""
    shared = {} if share is None else {"running_sweep_share": share}
    budgets = Budgets(list_requests_per_min=requests_per_min, **shared)
    env = await make_env(_world(vms, running), Intervals(lists=2.0, detail=2.0, budgets=budgets))
    env.repo.page_size = page
    return env


def _row(env, vm_id):
    return next((vm for vm in env.repo.peek(Q).value if vm.vm_id == vm_id), None)


def _cancel_all(env, vm_id):
    for run_id in list(env.world.vms[vm_id].active_runs):
        env.world.cancel_run(vm_id, run_id)


async def _loaded(env, recorder=None):
    env.repo.subscribe(Q, recorder or Recorder())
    await env.tick(0)
    assert env.repo.peek(Q).has_value


async def test_a_running_vm_change_shows_within_the_fast_interval_while_the_full_list_is_slow():
    env = await _env()
    try:
        rec = Recorder()
        await _loaded(env, rec)
        sweep_every = env.repo.sweeps.interval(Q)
        full_every = env.repo.interval(Q)
        # 20 requests a sweep at 20 a minute: 60 s alone; half of that left to it, 120 s.
        assert full_every == pytest.approx(120.0)
        assert sweep_every == pytest.approx(6.0)  # one page, at half of 20 requests a minute
        full_sweeps = env.count("list_vms")
        env.world.resize("vm_002", ResizeRequest(vcpu_count=8, memory_mib=16384))
        await env.tick(sweep_every)
        assert _row(env, "vm_002").vcpu_count == 8
        assert env.repo.peek(Q).fetched_at == 0.0  # the data age stays that of the whole list
        assert rec.last.changed.keys() == {"vm_002"} and not rec.last.added and not rec.last.removed
        assert env.count("list_vms") == full_sweeps + 1  # one page of running VMs, no full sweep
        assert env.count("get_vm") == 0
        # An idle VM that starts a run shows as running with the next sweep.
        env.world.add_run(env.world.vms["vm_050"], "sleep 100000")
        sweep_every = env.repo.sweeps.interval(Q)  # now from what the last sweep cost
        assert sweep_every <= 30.0  # at least twice as often as the list alone (60 s)
        await env.tick(sweep_every)
        assert _row(env, "vm_050").state == "running"
    finally:
        await env.close()


async def test_a_vm_that_stops_running_is_not_left_shown_as_running():
    env = await _env()
    try:
        await _loaded(env)
        assert _row(env, "vm_001").state == "running"
        _cancel_all(env, "vm_001")
        env.world.delete_vm("vm_003")  # a running VM deleted elsewhere
        await env.tick(env.repo.sweeps.interval(Q))
        assert _row(env, "vm_001").state == "idle"  # missing from the sweep: fetched on its own
        assert _row(env, "vm_003") is None  # and a 404 removes it
        assert env.count("get_vm") == 2
    finally:
        await env.close()


async def test_more_vms_stopping_than_fetched_one_by_one_bring_the_full_sweep_forward():
    running = MAX_GET_VM + 5
    env = await _env(vms=200, running=running, requests_per_min=40.0, page=10)
    try:
        await _loaded(env)
        assert env.repo.sweeps.interval(Q) is not None  # 2 pages of running VMs against 20 of all
        for i in range(running):
            _cancel_all(env, f"vm_{i:03d}")
        before = env.count("list_vms")
        await env.tick(env.repo.sweeps.interval(Q))
        await env.tick(0)
        assert env.count("get_vm") == MAX_GET_VM  # bounded
        assert env.count("list_vms") >= before + 1 + 20  # the sweep (empty), then the full sweep early
        assert [vm.vm_id for vm in env.repo.peek(Q).value if vm.state == "running"] == []
        # The running sweep paid for the early full sweep: its next one waits longer than the list
        # alone would have (60 s), so mass stops cannot make the list cost more than without it.
        assert env.repo.sweeps.interval(Q) > 60.0
    finally:
        await env.close()


async def test_a_deleted_vm_disappears_within_one_full_sweep():
    env = await _env()
    try:
        rec = Recorder()
        await _loaded(env, rec)
        env.world.delete_vm("vm_080")  # idle: the running sweep cannot see it
        created = env.world.add_vm("fresh", vm_id="vm_fresh")
        full_every = env.repo.interval(Q)
        await env.tick(full_every - 1.0)
        assert _row(env, "vm_080") is not None  # sweeps of running VMs came and went meanwhile
        await env.tick(1.0)
        assert _row(env, "vm_080") is None and _row(env, created.vm_id) is not None
        assert "vm_080" in rec.last.removed and created.vm_id in rec.last.added
    finally:
        await env.close()


async def _list_traffic_per_min(share: float | None) -> tuple[float, float, int]:
    """(requests, bytes) a minute of the VM list over ten minutes after the
    first, and the running sweeps sent."""
    env = await _env(share=share)
    try:
        await _loaded(env)
        await env.tick(60.0)
        requests, received = env.count("list_vms"), env.client.stats.bytes_received
        for _ in range(10):
            await env.tick(60.0)
        sweep = env.repo.sweeps.sweep_of(Q)
        return ((env.count("list_vms") - requests) / 10, (env.client.stats.bytes_received - received) / 10,
                sweep.sent if sweep is not None else 0)
    finally:
        await env.close()


async def test_what_the_list_costs_is_shared_not_added_to():
    before = await _list_traffic_per_min(share=0)
    after = await _list_traffic_per_min(share=None)
    assert before[2] == 0 and after[2] >= 60  # running sweeps: none, then at least one every 10 s
    # One full sweep of 20 requests (a minute alone, every other minute with the sweep);
    # no more requests or bytes a minute than without it (one full sweep's worth of slack: windows).
    assert before[0] == pytest.approx(20.0)
    assert after[0] <= before[0] + 2
    assert after[1] <= before[1] * 1.1


async def test_a_small_org_sends_no_running_sweep():
    env = await make_env(build_world(), Intervals(lists=2.0))  # default budgets, 3 VMs: one page
    try:
        env.world.add_run(env.world.vms["vm_alpha"], "sleep 100000")
        await _loaded(env)
        assert env.repo.interval(Q) == 2.0
        assert env.repo.sweeps.interval(Q) is None
        await env.tick(60.0)
        assert env.repo.sweeps.sweep_of(Q) is None
        assert env.count("list_vms") == 31  # the full list every 2 s, nothing else
    finally:
        await env.close()


async def test_no_running_sweep_when_most_vms_run_or_it_is_switched_off():
    for env in (await _env(running=60), await _env(share=0)):
        try:
            await _loaded(env)
            assert env.repo.sweeps.interval(Q) is None
            assert env.repo.interval(Q) == pytest.approx(60.0)  # the whole budget is the full sweep's
            sent = env.count("list_vms")
            await env.tick(59.0)
            assert env.count("list_vms") == sent
        finally:
            await env.close()


async def test_the_running_share_follows_the_list_when_most_runs_end():
    # The share of running VMs is counted once per list received, not on every
    # scheduling pass: a new list counts again.
    env = await _env(running=60)
    try:
        await _loaded(env)
        assert env.repo.sweeps.interval(Q) is None
        for i in range(5, 60):
            _cancel_all(env, f"vm_{i:03d}")
        await env.tick(61.0)  # the full list again, with 5 VMs running
        assert sum(vm.state == "running" for vm in env.repo.peek(Q).value) == 5
        assert env.repo.sweeps.interval(Q) is not None
    finally:
        await env.close()


async def test_a_429_to_the_running_sweep_holds_the_whole_list():
    env = await _env()
    try:
        await _loaded(env)
        every = env.repo.sweeps.interval(Q)
        env.em.faults.update({"error_rate": 1.0, "error_status": 429, "retry_after": 300})
        await env.tick(every)
        sweep = env.repo.sweeps.sweep_of(Q)
        assert sweep.sent == 1 and sweep.failures == 1
        assert env.repo.sweeps.interval(Q) >= 300.0
        calls = env.count("list_vms")
        await env.tick(299.0)  # past the full sweep's own time (120 s): nothing sent
        assert env.count("list_vms") == calls
        env.em.faults.reset()
        await env.tick(2.0)
        assert env.count("list_vms") > calls
    finally:
        await env.close()


async def test_pause_stops_the_running_sweep_and_resume_starts_it_again():
    env = await _env()
    try:
        await _loaded(env)
        env.repo.pause()
        sent = env.count("list_vms")
        await env.tick(300.0)
        assert env.count("list_vms") == sent
        env.repo.resume()
        await env.tick(env.repo.sweeps.interval(Q))
        assert env.repo.sweeps.sweep_of(Q).sent >= 1
    finally:
        await env.close()


async def test_the_emulator_honours_the_state_filter_as_time_ends_runs():
    world = _world(20, 0)
    world.add_run(world.vms["vm_004"], "sleep 30")
    world.add_run(world.vms["vm_007"], "sleep 100000")
    for pages_once in (False, True):
        if pages_once:
            world.serve_pages_once()
        async with Emulator(world).client() as http:
            running = (await http.get("/v1/vms", params={"state": "running", "limit": 2})).json()
            assert [vm["vm_id"] for vm in running["vms"]] == ["vm_004", "vm_007"]
            assert all(vm["state"] == "running" for vm in running["vms"])
            idle = (await http.get("/v1/vms", params={"state": "idle", "limit": 500})).json()["vms"]
            assert len(idle) == 18
    world.clock.advance(31.0)  # the short run ends by itself
    async with Emulator(world).client() as http:
        running = (await http.get("/v1/vms", params={"state": "running"})).json()["vms"]
        assert [vm["vm_id"] for vm in running] == ["vm_007"]


def test_merge_replaces_adds_and_removes_by_id():
    class Vm:
        def __init__(self, vm_id, state="idle", v=0):
            self.vm_id, self.state, self.v = vm_id, state, v

        def __eq__(self, other):
            return (self.vm_id, self.state, self.v) == (other.vm_id, other.state, other.v)

    a, b, c = Vm("a", "running"), Vm("b"), Vm("c", "running")
    items = [a, b, c]
    index = {vm.vm_id: vm for vm in items}
    out, new_index, added, changed, removed = merge(items, index, [Vm("a", "running", 1), Vm("d", "running")],
                                                    {"c": None})
    assert [vm.vm_id for vm in out] == ["a", "b", "d"] and out[0].v == 1
    assert list(new_index) == ["a", "b", "d"]
    assert set(added) == {"d"} and set(changed) == {"a"} and removed == {"c"}
    same = merge(items, index, [a, c], {})
    assert same[0] is items and not (same[2] or same[3] or same[4])
