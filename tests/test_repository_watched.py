"""Watched runs at the repository level: polled on the running-run interval
with no view subscribed, the end announced once, polling stopped after it,
unwatching, snapshot / restore, and runs opened after they ended."""

from __future__ import annotations

import pytest

from arker_tui.repository import Intervals, Query
from arker_tui.repository.watched import MAX_ENDED, WatchedRun
from tests.test_repository_support import make_env


@pytest.fixture
async def env():
    e = await make_env(intervals=Intervals(lists=100.0, detail=100.0, running_run=1.0))
    yield e
    await e.close()


def ended_recorder(registry):
    ended: list[WatchedRun] = []
    registry.on_ended(ended.append)
    return ended


async def test_a_watched_run_is_polled_without_a_view_and_its_end_told_once(env):
    vm = env.world.vms["vm_alpha"]
    run = env.world.add_run(vm, "progress 3 1")
    watched = env.repo.watched
    ended = ended_recorder(watched)
    changes = []
    watched.listen(lambda: changes.append(len(watched)))
    await env.repo.get(Query.vms())  # the VM's name comes from the cached list
    watched.watch("vm_alpha", run.run_id)
    await env.tick(0)
    (seen,) = watched.runs()
    assert seen.state == "running" and seen.seen_running and seen.command == "progress 3 1"
    assert seen.vm_name == "alpha"
    assert env.count("get_run") == 1
    await env.tick(1.0)
    await env.tick(1.0)
    assert env.count("get_run") == 3  # every running-run interval, no view subscribed
    assert ended == []
    await env.tick(1.5)
    (done,) = ended
    assert done.run_id == run.run_id and done.state == "completed" and done.exit_code == 0 and not done.failed
    polls = env.count("get_run")
    await env.tick(5.0)
    await env.tick(5.0)
    assert env.count("get_run") == polls  # an ended run is not polled again
    assert len(ended) == 1 and watched.get("vm_alpha", run.run_id).ended  # still listed, with its result
    assert changes  # listeners heard of the changes


async def test_a_failing_run_is_failed_and_unwatching_stops_polling(env):
    vm = env.world.vms["vm_beta"]
    failing = env.world.add_run(vm, "sleep 2; exit 3")
    quiet = env.world.add_run(vm, "sleep 100")
    watched = env.repo.watched
    ended = ended_recorder(watched)
    watched.watch("vm_beta", failing.run_id)
    watched.watch("vm_beta", quiet.run_id)
    await env.tick(0)
    assert watched.unwatch("vm_beta", quiet.run_id) is True
    assert watched.unwatch("vm_beta", quiet.run_id) is False
    assert not watched.is_watched("vm_beta", quiet.run_id)
    await env.tick(1.0)
    await env.tick(1.0)
    await env.tick(1.0)
    (done,) = ended
    assert done.exit_code == 3 and done.failed
    before = env.count("get_run")
    await env.tick(3.0)
    assert env.count("get_run") == before  # neither is polled any more
    assert env.repo.peek(Query.run("vm_beta", quiet.run_id)).subscribed is False


async def test_a_run_opened_after_it_ended_is_not_kept_but_one_started_here_is_told(env):
    vm = env.world.vms["vm_alpha"]
    old = env.world.add_run(vm, "true")
    quick = env.world.add_run(vm, "true")
    await env.tick(1.0)
    watched = env.repo.watched
    ended = ended_recorder(watched)
    watched.watch("vm_alpha", old.run_id)  # its log opened long after
    watched.watch("vm_alpha", quick.run_id, command="true", origin="started")  # ended before the first poll
    await env.tick(0)
    assert not watched.is_watched("vm_alpha", old.run_id)
    assert [r.run_id for r in ended] == [quick.run_id]
    with pytest.raises(ValueError):
        watched.watch("vm_alpha", old.run_id, origin="somewhere")


async def test_snapshot_and_restore_watch_again_and_tell_an_end_that_came_meanwhile(env):
    vm = env.world.vms["vm_alpha"]
    run = env.world.add_run(vm, "sleep 3")
    watched = env.repo.watched
    watched.watch("vm_alpha", run.run_id, vm_name="alpha")
    await env.tick(0)
    saved = watched.snapshot()
    assert saved[0]["run_id"] == run.run_id and saved[0]["seen_running"] is True
    watched.close()
    await env.tick(5.0)  # the run ends while nobody watches (another profile is on)
    other = await make_env(world=env.world, intervals=Intervals(running_run=1.0))
    try:
        ended = ended_recorder(other.repo.watched)
        assert other.repo.watched.restore(saved + [{"vm_id": 3}, {"nonsense": True}]) == 1
        await other.tick(0)
        (done,) = ended
        assert done.run_id == run.run_id and done.vm_name == "alpha" and done.state == "completed"
    finally:
        await other.close()


async def test_a_run_that_is_gone_stops_polling_and_says_so(env):
    watched = env.repo.watched
    watched.watch("vm_alpha", "run_missing")
    await env.tick(0)
    gone = watched.get("vm_alpha", "run_missing")
    assert gone.state == "gone" and "no longer exists" in gone.error
    before = env.count("get_run")
    await env.tick(10.0)
    assert env.count("get_run") == before
    assert watched.unwatch_ended() == 1 and len(watched) == 0


async def test_ended_runs_kept_are_bounded(env):
    vm = env.world.vms["vm_alpha"]
    runs = [env.world.add_run(vm, "sleep 1") for _ in range(MAX_ENDED + 5)]
    watched = env.repo.watched
    for run in runs:
        watched.watch("vm_alpha", run.run_id)
    await env.tick(0)
    await env.tick(2.0)
    assert len(watched) == MAX_ENDED
    assert watched.runs()[-1].run_id == runs[-1].run_id
