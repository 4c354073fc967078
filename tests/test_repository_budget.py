"""Budgets with the fake clock: a list over its budget refreshes less often
(in proportion to what its last refresh cost), one under it does not; what
the user looks at stays fast; nothing is lost; `r`, 429 and pause."""

from __future__ import annotations

import pytest

from arker_tui.api.models import ResizeRequest
from arker_tui.repository import Intervals, Query
from arker_tui.repository.budget import Budgets, Cost, Usage, list_interval, run_interval
from tests.test_repository_support import Recorder, build_world, make_env


def _ids(env, query):
    return {vm.vm_id for vm in env.repo.peek(query).value}


async def _slow_list_env(requests_per_min: float = 6.0):
    """Three VMs paged one per request: a refresh of the VM list costs 3 requests."""
    budgets = Budgets(list_requests_per_min=requests_per_min)
    env = await make_env(intervals=Intervals(lists=2.0, detail=2.0, budgets=budgets))
    env.repo.page_size = 1
    return env


# --- the arithmetic -----------------------------------------------------------------


def test_interval_stretches_in_proportion_to_the_cost():
    budgets = Budgets(list_mb_per_min=6.0, list_requests_per_min=60.0)
    assert list_interval(2.0, Cost(1, 80_000), budgets) == 2.0  # 100 VMs: far under
    assert list_interval(2.0, Cost(100, 8_000_000), budgets) == pytest.approx(100.0)  # 10k VMs, 100 per page
    assert list_interval(2.0, Cost(200, 16_000_000), budgets) == pytest.approx(200.0)  # twice the cost, twice the wait
    assert list_interval(2.0, Cost(10, 60_000_000), budgets) == pytest.approx(600.0)  # bytes decide
    assert run_interval(1.0, Cost(1, 50_000_000), Budgets(run_output_mb_per_s=1.0)) == pytest.approx(50.0)
    assert run_interval(1.0, Cost(1, 200_000), Budgets()) == 1.0


def test_usage_says_when_one_more_refresh_fits_under_the_cap():
    usage = Usage()
    usage.record(0.0, Cost(4, 100))
    usage.record(10.0, Cost(4, 100))
    assert usage.in_window(10.0) == Cost(8, 200)
    assert usage.wait_for_cap(10.0, cap=12) == 0.0
    assert usage.wait_for_cap(10.0, cap=8) == pytest.approx(50.0)  # the refresh at 0 leaves the window at 60
    assert usage.in_window(61.0) == Cost(4, 100)


# --- lists ---------------------------------------------------------------------------


async def test_an_over_budget_list_stretches_and_an_under_budget_one_does_not():
    env = await _slow_list_env(requests_per_min=6.0)
    try:
        q = Query.vms()
        env.repo.subscribe(q, Recorder())
        await env.tick(0)
        entry = env.repo.peek(q)
        pages = entry.cost.requests
        assert pages >= 3 and entry.cost.bytes > 0
        assert env.repo.interval(q) == pytest.approx(60.0 * pages / 6.0)  # 10 s per page
        assert entry.next_refresh_at - env.clock.now() == pytest.approx(10.0 * pages)
        before = env.count("list_vms")
        await env.tick(10.0 * pages - 0.5)
        assert env.count("list_vms") == before  # nothing while it waits
        await env.tick(0.5)
        assert env.count("list_vms") == before + pages  # never dropped: one full sweep, on time

        # The same org under the default budgets (one page a refresh): the plain 2 s interval.
        under = await make_env(intervals=Intervals(lists=2.0))
        try:
            under.repo.subscribe(q, Recorder())
            await under.tick(0)
            assert under.repo.interval(q) == 2.0
            sweeps = under.count("list_vms")
            await under.tick(2.0)
            assert under.count("list_vms") == 2 * sweeps
        finally:
            await under.close()
    finally:
        await env.close()


async def test_a_list_over_its_byte_budget_stretches_by_bytes():
    # No running sweep (sweeps.py), which would take half the budget: the plain stretch.
    env = await make_env(intervals=Intervals(lists=2.0, budgets=Budgets(list_mb_per_min=0.001, running_sweep_share=0)))
    try:
        q = Query.vms()
        env.repo.subscribe(q, Recorder())
        await env.tick(0)
        cost = env.repo.peek(q).cost
        assert cost.requests == 1
        assert env.repo.interval(q) == pytest.approx(60.0 * cost.bytes / 1000)
    finally:
        await env.close()


async def test_the_selected_vm_stays_fast_while_the_list_is_slow():
    env = await _slow_list_env(requests_per_min=1.0)  # the list: a minute per page
    try:
        lists = Recorder()
        env.repo.subscribe(Query.vms(), lists)
        env.repo.subscribe(Query.vm("vm_beta"), Recorder())
        await env.tick(0)
        assert env.repo.interval(Query.vms()) >= 180.0
        assert env.repo.interval(Query.vm("vm_beta")) == 2.0
        sweeps = env.count("list_vms")
        env.world.resize("vm_beta", ResizeRequest(vcpu_count=4, memory_mib=8192))
        await env.tick(2.0)  # one interval of the selected VM
        assert env.count("list_vms") == sweeps  # the list did not refresh...
        beta = next(vm for vm in env.repo.peek(Query.vms()).value if vm.vm_id == "vm_beta")
        assert beta.vcpu_count == 4  # ...yet its row shows the change
        assert lists.last.changed.keys() == {"vm_beta"}
    finally:
        await env.close()


async def test_a_vm_deleted_or_created_elsewhere_shows_within_one_full_sweep():
    env = await _slow_list_env(requests_per_min=6.0)
    try:
        q = Query.vms()
        rec = Recorder()
        env.repo.subscribe(q, rec)
        await env.tick(0)
        assert "vm_gamma" in _ids(env, q)
        env.world.delete_vm("vm_gamma")
        created = env.world.add_vm("delta", vm_id="vm_delta")
        await env.tick(env.repo.interval(q))  # one (stretched) interval: one full sweep
        assert "vm_gamma" not in _ids(env, q) and "vm_delta" in _ids(env, q)
        assert "vm_gamma" in rec.last.removed and created.vm_id in rec.last.added
    finally:
        await env.close()


async def test_r_refreshes_now_within_the_request_cap():
    env = await _slow_list_env(requests_per_min=8.0)
    try:
        q = Query.vms()
        env.repo.subscribe(q, Recorder())
        await env.tick(0)
        pages = env.repo.peek(q).cost.requests  # 3: under the cap of 8 twice, not three times
        before = env.count("list_vms")
        assert env.repo.refresh_subscribed() == {}
        await env.tick(0)
        assert env.count("list_vms") == before + pages  # `r`: now
        held = env.repo.refresh_subscribed()  # a third sweep within the minute would pass 8
        assert held.keys() == {q} and held[q] == pytest.approx(60.0)
        await env.tick(0)
        assert env.count("list_vms") == before + pages
        await env.tick(held[q])
        assert env.count("list_vms") == before + 2 * pages  # as soon as the cap allowed
    finally:
        await env.close()


async def test_pause_sends_nothing_whatever_the_budgets():
    env = await _slow_list_env(requests_per_min=6.0)
    try:
        env.repo.subscribe(Query.vms(), Recorder())
        env.repo.subscribe(Query.vm("vm_alpha"), Recorder())
        await env.tick(0)
        env.repo.pause()
        sent = env.http
        await env.tick(600.0)
        assert env.http == sent
    finally:
        await env.close()


async def test_429_retry_after_wins_over_budgets_and_r():
    env = await make_env(intervals=Intervals(lists=2.0))  # the budget alone would say 2 s
    try:
        q = Query.vms()
        env.repo.subscribe(q, Recorder())
        await env.tick(0)
        env.em.faults.update({"error_rate": 1.0, "error_status": 429, "retry_after": 30})
        await env.tick(2.0)
        entry = env.repo.peek(q)
        assert entry.error.code == "resource_pressure"
        calls = env.count("list_vms")
        held = env.repo.refresh_subscribed()  # `r` does not cut a Retry-After short
        assert held[q] == pytest.approx(30.0)
        await env.tick(29.0)
        assert env.count("list_vms") == calls
        env.em.faults.reset()
        await env.tick(1.0)
        assert env.count("list_vms") == calls + 1 and entry.error is None
    finally:
        await env.close()


# --- a followed run ---------------------------------------------------------------------


async def test_a_big_run_slows_down_and_r_still_fetches():
    world = build_world()
    budgets = Budgets(run_output_mb_per_s=0.001)  # 1,000 bytes of output re-fetched per second
    env = await make_env(world, intervals=Intervals(running_run=1.0, budgets=budgets))
    try:
        vm = world.vms["vm_alpha"]
        run = world.add_run(vm, "seq 5000; sleep 1000")
        q = Query.run("vm_alpha", run.run_id)
        rec = Recorder()
        env.repo.subscribe(q, rec)
        await env.tick(0)
        entry = env.repo.peek(q)
        assert entry.value.state == "running" and entry.cost.bytes > 20_000
        interval = env.repo.interval(q)
        assert interval == pytest.approx(entry.cost.bytes / 1000)  # ~24 s instead of 1 s
        polls = env.count("get_run")
        await env.tick(interval - 1.0)
        assert env.count("get_run") == polls
        assert env.repo.refresh_subscribed() == {}  # `r`: at once
        await env.tick(0)
        assert env.count("get_run") == polls + 1

        small = await make_env(build_world(), intervals=Intervals(running_run=1.0, budgets=budgets))
        try:
            short = small.world.add_run(small.world.vms["vm_alpha"], "echo hi; sleep 1000")
            small.repo.subscribe(Query.run("vm_alpha", short.run_id), Recorder())
            await small.tick(0)
            assert small.repo.interval(Query.run("vm_alpha", short.run_id)) == 1.0  # small output: fast
        finally:
            await small.close()
    finally:
        await env.close()
