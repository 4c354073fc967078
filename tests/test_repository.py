"""Repository cache, refresh chains, pause, backoff and change events,
with counted requests against the in-process emulator and a FakeClock."""

from __future__ import annotations

import asyncio

import pytest

from arker_tui.api.errors import ArkerError
from arker_tui.repository import ChangeEvent, FakeClock, Intervals, Query, Repository
from tests.test_repository_support import Recorder, make_env


@pytest.fixture
async def env():
    e = await make_env()
    yield e
    await e.close()


# --- Query -------------------------------------------------------------------


def test_query_is_a_hashable_key():
    assert Query.vms(region="us-west-2") == Query.vms(region="us-west-2")
    assert Query.vms(region="us-west-2") != Query.vms()
    assert Query.runs("vm_a") == Query.runs("vm_a", state=None)
    assert Query.org_runs(status=["200", "500"]) == Query.org_runs(status=["200", "500"])
    assert len({Query.vm("a"), Query.vm("a"), Query.run("a", "r"), Query.sessions("a")}) == 3
    assert Query.run("vm_a", "run_1").kind == "run"
    with pytest.raises(ValueError):
        Query("nonsense")


# --- single flight and cache ------------------------------------------------------


async def test_concurrent_gets_share_one_request(env):
    values = await asyncio.gather(*(env.repo.get(Query.vms()) for _ in range(20)))
    assert env.count("list_vms") == 1
    assert env.repo.stats.requests == 1
    assert env.repo.stats.saved_by_single_flight == 19
    assert all(v is values[0] for v in values)
    assert sorted(vm.vm_id for vm in values[0]) == ["vm_alpha", "vm_beta", "vm_gamma"]


async def test_get_serves_fresh_entries_from_cache_and_refetches_stale(env):
    q = Query.vm("vm_alpha")
    first = await env.repo.get(q)
    again = await env.repo.get(q)
    assert again is first
    assert env.count("get_vm") == 1 and env.repo.stats.saved_by_cache == 1
    await env.tick(3.0)  # older than the 2 s detail interval: stale
    await env.repo.get(q)
    assert env.count("get_vm") == 2
    await env.repo.get(q, max_age=60)
    assert env.count("get_vm") == 2
    await env.repo.get(q, max_age=0)
    assert env.count("get_vm") == 2  # no time passed: age 0 <= 0
    await env.tick(0.5)
    await env.repo.get(q, max_age=0)
    assert env.count("get_vm") == 3


async def test_refresh_joins_a_fetch_in_flight(env):
    env.em.faults.latency = 0.05  # a real (tiny) delay so the fetch stays in flight
    q = Query.vms()
    first = asyncio.create_task(env.repo.get(q))
    await asyncio.sleep(0)
    assert env.repo.peek(q).loading
    await env.repo.refresh(q)
    await first
    assert env.count("list_vms") == 1
    assert env.repo.stats.saved_by_single_flight == 1


async def test_get_raises_the_api_error_and_peek_keeps_it(env):
    with pytest.raises(ArkerError) as info:
        await env.repo.get(Query.vm("vm_nope"))
    assert info.value.code == "not_found"
    entry = env.repo.peek(Query.vm("vm_nope"))
    assert entry.error is not None and entry.value is None and not entry.loading
    assert env.repo.stats.errors == 1


async def test_a_kept_error_holds_no_frames_of_the_failed_fetch(env):
    # A kept traceback would hold every frame of the fetch and its locals (a
    # page's body, a run's output) until the next success.
    env.em.faults.update({"malformed_rate": 1.0})
    with pytest.raises(ArkerError):
        await env.repo.refresh(Query.vms())
    error = env.repo.peek(Query.vms()).error
    assert error is not None and error.code == "internal"
    assert error.__traceback__ is None and error.__context__ is None and error.__cause__ is None
    assert env.repo.stats.last_error is error


async def test_vm_list_collects_every_page_and_filters():
    from tests.test_repository_support import build_world
    world = build_world()
    for i in range(120):
        world.add_vm(f"extra-{i:03d}")
    e = await make_env(world)
    e.repo.page_size = 50
    try:
        vms = await e.repo.get(Query.vms())
        assert len(vms) == 123 and len({v.vm_id for v in vms}) == 123
        assert e.count("list_vms") == 3  # 50 + 50 + 23
        eu = await e.repo.get(Query.vms(region="eu-central-1"))
        assert [v.vm_id for v in eu] == ["vm_gamma"]
    finally:
        await e.close()


# --- subscriptions and the fixed-delay chain -----------------------------------------


async def test_only_subscribed_queries_refresh_on_their_interval(env):
    watched, unwatched = Query.vms(), Query.vm("vm_beta")
    sub = env.repo.subscribe(watched, Recorder())
    await env.repo.get(unwatched)
    await env.tick(0)
    assert env.count("list_vms") == 1 and env.count("get_vm") == 1
    await env.tick(1.9)
    assert env.count("list_vms") == 1
    await env.tick(0.1)
    assert env.count("list_vms") == 2
    await env.tick(2.0)
    await env.tick(2.0)
    assert env.count("list_vms") == 4
    assert env.count("get_vm") == 1  # never refreshed on its own
    sub.close()
    await env.tick(20)
    assert env.count("list_vms") == 4
    assert env.clock.sleepers == 0  # no timer left behind


async def test_each_kind_has_its_own_interval():
    e = await make_env(intervals=Intervals(lists=2.0, filesystems=10.0))
    try:
        e.repo.subscribe(Query.vms(), Recorder())
        e.repo.subscribe(Query.filesystems(), Recorder())
        await e.tick(0)
        await e.tick(10.0)
        assert e.count("list_vms") == 6  # at 0, 2, 4, 6, 8, 10
        assert e.count("list_filesystems") == 2  # at 0, 10
    finally:
        await e.close()


async def test_subscribing_to_a_fresh_entry_does_not_fetch_again(env):
    q = Query.vm("vm_alpha")
    await env.repo.get(q)
    env.repo.subscribe(q, Recorder())
    await env.tick(1.0)
    assert env.count("get_vm") == 1
    assert env.repo.peek(q).next_refresh_at == pytest.approx(2.0)
    await env.tick(1.0)
    assert env.count("get_vm") == 2


async def test_a_slow_fetch_is_never_doubled(env):
    env.em.faults.latency = 0.2  # real seconds; the fake clock runs far past it
    q = Query.vms()
    env.repo.subscribe(q, Recorder())
    for _ in range(5):
        await env.tick(10.0)  # five intervals overdue, fetch still in flight
    assert env.count("list_vms") == 1
    assert env.repo.peek(q).loading and env.repo.peek(q).next_refresh_at is None
    env.em.faults.latency = 0
    await env.repo.refresh(q)  # joins the slow one
    assert env.count("list_vms") == 1
    # The next fetch is planned one interval after the slow one ended.
    assert env.repo.peek(q).next_refresh_at == pytest.approx(env.clock.now() + 2.0)
    await env.tick(2.0)
    assert env.count("list_vms") == 2


async def test_refresh_subscribed_fetches_everything_watched_now(env):
    env.repo.subscribe(Query.vms(), Recorder())
    env.repo.subscribe(Query.sessions("vm_alpha"), Recorder())
    await env.repo.get(Query.vm("vm_gamma"))  # not watched
    await env.tick(0)
    env.repo.refresh_subscribed()
    await env.tick(0)
    assert env.count("list_vms") == 2 and env.count("list_sessions") == 2
    assert env.count("get_vm") == 1


# --- pause / resume ------------------------------------------------------------------


async def test_pause_makes_zero_requests_and_resume_restarts(env):
    env.repo.subscribe(Query.vms(), Recorder())
    env.repo.subscribe(Query.vm("vm_alpha"), Recorder())
    await env.tick(0)
    before = env.http
    assert before == 2
    env.repo.pause()
    assert env.repo.paused and env.repo.state == "paused"
    for _ in range(10):
        await env.tick(30.0)
    assert env.http == before
    assert env.clock.sleepers == 0
    env.repo.resume()
    await env.tick(0)  # both overdue: fetched at once
    assert env.http == before + 2 and env.repo.state == "live"
    await env.tick(2.0)
    assert env.http == before + 4


# --- errors, backoff, recovery ---------------------------------------------------------


async def test_failing_query_backs_off_doubling_to_the_cap_then_recovers():
    e = await make_env(intervals=Intervals(lists=2.0, max_backoff=60.0))
    try:
        q = Query.vms()
        rec = Recorder()
        e.repo.subscribe(q, rec)
        await e.tick(0)
        good = e.repo.peek(q).value
        assert len(good) == 3
        e.em.faults.error_rate = 1.0
        await e.tick(2.0)  # first failure
        entry = e.repo.peek(q)
        assert entry.error is not None and entry.error.status == 500
        assert entry.value is good  # last good value kept
        assert rec.last.error is entry.error and rec.last.value is good
        assert e.repo.state == "error"
        delays = []
        for _ in range(6):
            delay = entry.next_refresh_at - e.clock.now()
            delays.append(delay)
            calls = e.count("list_vms")
            await e.tick(delay - 0.25)
            assert e.count("list_vms") == calls  # not a moment early
            await e.tick(0.25)
            assert e.count("list_vms") == calls + 1
        assert delays == pytest.approx([4.0, 8.0, 16.0, 32.0, 60.0, 60.0])
        e.em.faults.error_rate = 0.0
        rec.clear()
        await e.tick(entry.next_refresh_at - e.clock.now())
        assert entry.error is None and e.repo.state == "live"
        assert len(rec.events) == 1 and rec.last.recovered and rec.last.error is None
        assert entry.next_refresh_at - e.clock.now() == pytest.approx(2.0)  # back to its interval
        assert e.repo.stats.errors == 7
    finally:
        await e.close()


async def test_retry_after_is_honoured(env):
    q = Query.vm("vm_alpha")
    env.repo.subscribe(q, Recorder())
    await env.tick(0)
    env.em.faults.update({"error_rate": 1.0, "error_status": 429, "retry_after": 30})
    await env.tick(2.0)
    entry = env.repo.peek(q)
    assert entry.error.code == "resource_pressure" and entry.error.retry_after == 30
    assert entry.next_refresh_at - env.clock.now() == pytest.approx(30.0)
    calls = env.count("get_vm")
    await env.tick(29.0)
    assert env.count("get_vm") == calls
    env.em.faults.reset()
    await env.tick(1.0)
    assert env.count("get_vm") == calls + 1 and entry.error is None


async def test_one_failing_query_does_not_slow_the_others(env):
    env.em.faults.update({"error_rate": 1.0, "path_prefix": "/v1/vms/vm_alpha"})
    env.repo.subscribe(Query.vm("vm_alpha"), Recorder())
    env.repo.subscribe(Query.vms(), Recorder())
    await env.tick(0)
    for _ in range(10):
        await env.tick(2.0)
    assert env.count("list_vms") == 11  # every 2 s, undisturbed
    assert env.count("get_vm") == 3  # at 0, 4, 12 (backing off); next at 28
    assert env.repo.peek(Query.vms()).error is None
    assert env.repo.state == "error"


async def test_dropped_connections_are_errors_that_recover(env):
    q = Query.sessions("vm_beta")
    env.repo.subscribe(q, Recorder())
    env.em.faults.drop_rate = 1.0
    await env.tick(0)
    entry = env.repo.peek(q)
    assert entry.error.code == "network_error" and entry.value is None
    env.em.faults.drop_rate = 0.0
    await env.tick(4.0)
    assert entry.error is None and len(entry.value) == 1


# --- change events ------------------------------------------------------------------------


async def test_events_name_exactly_what_changed(env):
    q = Query.vms()
    rec = Recorder()
    env.repo.subscribe(q, rec)
    await env.tick(0)
    assert set(rec.last.added) == {"vm_alpha", "vm_beta", "vm_gamma"}
    rec.clear()

    await env.tick(2.0)  # nothing changed
    assert env.count("list_vms") == 2 and rec.events == []

    env.world.delete_vm("vm_beta")  # deleted elsewhere
    await env.tick(2.0)
    (event,) = rec.events
    assert event.removed == {"vm_beta"} and not event.added and not event.changed
    assert [v.vm_id for v in event.value] == ["vm_alpha", "vm_gamma"]
    rec.clear()

    env.world.vms["vm_alpha"].vcpu_count = 4
    await env.tick(2.0)
    (event,) = rec.events
    assert set(event.changed) == {"vm_alpha"} and not event.added and not event.removed
    assert event.changed["vm_alpha"].vcpu_count == 4
    rec.clear()

    env.world.add_vm("delta", vm_id="vm_delta")
    await env.tick(2.0)
    (event,) = rec.events
    assert set(event.added) == {"vm_delta"} and not event.changed and not event.removed


async def test_unchanged_refresh_keeps_the_value_object(env):
    q = Query.vm("vm_alpha")
    rec = Recorder()
    env.repo.subscribe(q, rec)
    await env.tick(0)
    value = env.repo.peek(q).value
    assert rec.last.added == {"vm_alpha": value}
    await env.tick(2.0)
    assert env.repo.peek(q).value is value and len(rec.events) == 1
    env.world.vms["vm_alpha"].memory_mib = 8192
    await env.tick(2.0)
    assert rec.last.changed["vm_alpha"].memory_mib == 8192


async def test_a_broken_subscriber_does_not_stop_the_others(env):
    def broken(event: ChangeEvent) -> None:
        raise RuntimeError("view bug")

    rec = Recorder()
    env.repo.subscribe(Query.vms(), broken)
    env.repo.subscribe(Query.vms(), rec)
    await env.tick(0)
    assert len(rec.events) == 1


# --- status listeners ------------------------------------------------------------------------


async def test_listeners_hear_status_changes_until_closed(env):
    calls = []
    handle = env.repo.listen(lambda: calls.append(env.repo.state))
    with_repo = []
    env.repo.listen(lambda repo: with_repo.append(repo))
    env.repo.subscribe(Query.vms(), Recorder())
    await env.tick(0)
    assert calls and with_repo[-1] is env.repo
    env.repo.pause()
    assert calls[-1] == "paused"
    handle.close()
    n = len(calls)
    env.repo.resume()
    await env.tick(2.0)
    assert len(calls) == n


# --- the clock ----------------------------------------------------------------------------------


async def test_fake_clock_wakes_sleepers_in_order_and_chains():
    clock = FakeClock(100.0)
    woke = []

    async def sleeper(name, seconds, then=None):
        await clock.sleep(seconds)
        woke.append((name, clock.now()))
        if then:
            await clock.sleep(then)
            woke.append((name + "'", clock.now()))

    tasks = [asyncio.create_task(sleeper("a", 5, then=1)), asyncio.create_task(sleeper("b", 3))]
    await clock.advance(2)
    assert woke == []
    await clock.advance(5)
    assert woke == [("b", 103.0), ("a", 105.0), ("a'", 106.0)]
    assert clock.now() == 107.0
    await asyncio.gather(*tasks)


async def test_aclose_stops_every_timer(env):
    env.repo.subscribe(Query.vms(), Recorder())
    await env.tick(0)
    assert env.clock.sleepers == 1
    await env.repo.aclose()
    await env.tick(0)
    assert env.clock.sleepers == 0
    calls = env.http
    await env.tick(10)
    assert env.http == calls


async def test_repository_works_with_the_real_clock(env):
    repo = Repository(env.client)  # MonotonicClock
    value = await repo.get(Query.vm("vm_alpha"))
    assert value.vm_id == "vm_alpha" and repo.peek(Query.vm("vm_alpha")).fetched_at > 0
    await repo.aclose()


async def test_resubscribing_does_not_bypass_backoff(env):
    q = Query.vm("vm_alpha")
    env.em.faults.update({"error_rate": 1.0, "error_status": 429, "retry_after": 30})
    sub = env.repo.subscribe(q, Recorder())
    await env.tick(0)
    assert env.count("get_vm") == 1
    sub.close()
    env.repo.subscribe(q, Recorder())  # a view reopened at once
    await env.tick(10)
    assert env.count("get_vm") == 1
    env.em.faults.reset()
    await env.tick(20)
    assert env.count("get_vm") == 2 and env.repo.peek(q).error is None
