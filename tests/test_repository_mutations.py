"""Mutations: pending marks, the answer applied at once, rollback on failure."""

from __future__ import annotations

import asyncio

import pytest

from arker_tui.api import models as m
from arker_tui.api.errors import ArkerError
from arker_tui.repository import Intervals, Query
from tests.test_repository_support import Recorder, make_env


@pytest.fixture
async def env():
    e = await make_env(intervals=Intervals(lists=100.0, detail=100.0, filesystems=100.0))
    yield e
    await e.close()


async def test_delete_vm_marks_pending_then_removes_it(env):
    q = Query.vms()
    rec = Recorder()
    env.repo.subscribe(q, rec)
    await env.tick(0)
    rec.clear()
    seen = []
    env.repo.listen(lambda: seen.append(env.repo.is_pending("vm", "vm_beta")))
    env.em.faults.latency = 0.05  # real seconds: keep the call in flight a moment
    task = asyncio.create_task(env.repo.delete_vm("vm_beta"))
    await asyncio.sleep(0.01)
    assert env.repo.is_pending("vm", "vm_beta") == "deleting"
    assert seen[0] == "deleting"  # listeners heard it at once
    result = await task
    assert result.deleted
    assert env.repo.is_pending("vm", "vm_beta") is None
    # The answer is applied before any refresh: the first event is the removal.
    assert rec.events[0].removed == {"vm_beta"} and not rec.events[0].changed
    assert "vm_beta" not in {v.vm_id for v in env.repo.peek(q).value}
    await env.tick(0)  # the refresh that follows agrees: no further event
    env.em.faults.latency = 0
    await env.tick(0)
    assert env.count("list_vms") == 2 and len(rec.events) == 1


async def test_failed_delete_rolls_back_the_pending_mark_and_keeps_the_cache(env):
    q = Query.vms()
    rec = Recorder()
    env.repo.subscribe(q, rec)
    await env.tick(0)
    value = env.repo.peek(q).value
    rec.clear()
    env.em.faults.update({"fail_next": 1, "methods": ["DELETE"], "error_status": 503, "latency": 0.05})
    task = asyncio.create_task(env.repo.delete_vm("vm_beta"))
    await asyncio.sleep(0.01)
    assert env.repo.is_pending("vm", "vm_beta") == "deleting"
    with pytest.raises(ArkerError) as info:
        await task
    assert info.value.code == "unavailable"
    assert env.repo.is_pending("vm", "vm_beta") is None
    assert env.repo.peek(q).value is value and rec.events == []
    assert "vm_beta" in env.world.vms
    assert env.repo.stats.mutation_errors == 1


async def test_deleted_vm_detail_entries_stop_refreshing(env):
    rec = Recorder()
    env.repo.subscribe(Query.vm("vm_gamma"), rec)
    env.repo.subscribe(Query.sessions("vm_gamma"), Recorder())
    await env.tick(0)
    await env.repo.delete_vm("vm_gamma")
    assert rec.last.removed == {"vm_gamma"}
    calls = env.http
    await env.tick(500)
    assert env.http == calls  # no 404 storm for a VM we deleted


async def test_cancel_is_applied_at_once_and_polling_stops(env):
    vm = env.world.vms["vm_alpha"]
    run = env.world.add_run(vm, "sleep 100")
    rq, lq = Query.run("vm_alpha", run.run_id), Query.runs("vm_alpha")
    run_events, list_events = [], []
    env.repo.subscribe(rq, lambda e: run_events.append((e, env.count("get_run"))))
    env.repo.subscribe(lq, lambda e: list_events.append((e, env.count("list_runs"))))
    await env.tick(0)
    await env.tick(1.0)
    polls = env.count("get_run")
    n_run, n_list = len(run_events), len(list_events)
    env.em.faults.update({"latency": 0.05, "methods": ["POST"]})
    task = asyncio.create_task(env.repo.cancel_run("vm_alpha", run.run_id))
    await asyncio.sleep(0.01)
    assert env.repo.is_pending("run", run.run_id) == "cancelling"
    assert (await task).cancelled
    assert env.repo.is_pending("run", run.run_id) is None
    # Both entries show `cancelled` from the cancel's answer, before any new fetch.
    event, fetched = run_events[n_run]
    assert event.state_changed and event.value.state == "cancelled" and fetched == polls
    event, fetched = list_events[n_list]
    assert set(event.changed) == {run.run_id} and fetched == 1
    assert event.changed[run.run_id].state == "cancelled"
    await env.tick(0)  # the affected entries are refreshed once
    assert env.count("list_runs") == 2
    after = env.count("get_run")
    await env.tick(30)
    assert env.count("get_run") == after  # a cancelled run is not polled
    assert env.repo.peek(rq).value.state == "cancelled"


async def test_fork_adds_the_new_vm_at_once(env):
    rec = Recorder()
    env.repo.subscribe(Query.vms(), rec)
    env.repo.subscribe(Query.vms(region="eu-central-1"), Recorder())
    await env.tick(0)
    rec.clear()
    vm = await env.repo.fork(m.ForkRequest(source_vm_id="vm_alpha", name="alpha-fork"))
    assert rec.events[0].added == {vm.vm_id: vm}
    assert vm.vm_id not in env.repo.peek(Query.vms(region="eu-central-1"))._index  # filter says no
    await env.tick(0)
    assert env.repo.peek(Query.vms()).value[-1].vm_id == vm.vm_id


async def test_background_run_shows_in_the_runs_list_at_once(env):
    q = Query.runs("vm_beta")
    rec = Recorder()
    env.repo.subscribe(q, rec)
    await env.tick(0)
    rec.clear()
    answer = await env.repo.run("vm_beta", m.RunRequest(command="sleep 5", background=True))
    assert answer.run_id and answer.state == "running"
    assert set(rec.events[0].added) == {answer.run_id}
    assert env.repo.peek(q).value[0].run_id == answer.run_id  # newest first
    await env.tick(0)
    assert env.repo.peek(q).value[0].command == "sleep 5"


async def test_sessions_tunnels_syncs_filesystems_round_trip(env):
    sq, tq, yq, fq = (Query.sessions("vm_alpha"), Query.tunnels("vm_alpha"), Query.syncs("vm_alpha"),
                      Query.filesystems())
    for q in (sq, tq, yq, fq):
        env.repo.subscribe(q, Recorder())
    await env.tick(0)

    session = await env.repo.create_session("vm_alpha", m.CreateSessionRequest(cwd="/tmp"))
    assert session.session_id in env.repo.peek(sq)._index
    await env.repo.delete_session("vm_alpha", session.session_id)
    assert session.session_id not in env.repo.peek(sq)._index

    tunnel = await env.repo.create_tunnel("vm_alpha", m.TunnelRequest(ports=[8080]))
    key = tunnel.tunnel_key or str(tunnel.port)
    assert key in env.repo.peek(tq)._index
    await env.repo.delete_tunnel("vm_alpha", key)
    assert key not in env.repo.peek(tq)._index

    fs = await env.repo.create_filesystem("data")
    assert fs.filesystem_id in env.repo.peek(fq)._index
    sync = await env.repo.create_sync("vm_alpha", m.SyncCreateRequest(filesystem_id=fs.filesystem_id,
                                                                       path="/mnt/data"))
    assert sync.sync_id in env.repo.peek(yq)._index
    await env.repo.delete_sync("vm_alpha", sync.sync_id)
    assert sync.sync_id not in env.repo.peek(yq)._index
    await env.repo.delete_filesystem(fs.filesystem_id)
    assert fs.filesystem_id not in env.repo.peek(fq)._index
    await env.tick(0)
    assert env.repo.pending == {}


async def test_resize_refreshes_the_vm(env):
    q = Query.vm("vm_alpha")
    rec = Recorder()
    env.repo.subscribe(q, rec)
    await env.tick(0)
    await env.repo.resize("vm_alpha", m.ResizeRequest(vcpu_count=4))
    await env.tick(0)
    assert rec.last.changed["vm_alpha"].vcpu_count == 4
    assert env.count("get_vm") == 2


async def test_read_file_passes_through(env):
    env.world.vms["vm_alpha"].files["/etc/motd"] = b"hello\n"
    assert await env.repo.read_file("vm_alpha", "/etc/motd") == b"hello\n"
