"""Live runs: polling while running, only appended output handed out,
replaced output detected, polling stops at the end; and RunLog itself."""

from __future__ import annotations

import base64

import pytest

from arker_tui.api.models import Run
from arker_tui.repository import FakeClock, Intervals, Query, Repository
from arker_tui.repository.runlog import HEAD, TAIL, RunLog, is_extension
from tests.test_repository_support import Recorder, make_env


@pytest.fixture
async def env():
    # Lists and the VM refresh rarely here, so a refresh caused by the run
    # ending is visible on its own.
    e = await make_env(intervals=Intervals(lists=100.0, detail=100.0, running_run=1.0))
    yield e
    await e.close()


async def test_running_run_is_polled_and_yields_only_appended_output(env):
    vm = env.world.vms["vm_alpha"]
    run = env.world.add_run(vm, "progress 6 1")
    q = Query.run("vm_alpha", run.run_id)
    rec = Recorder()
    env.repo.subscribe(q, rec)
    env.repo.subscribe(Query.runs("vm_alpha"), Recorder())
    env.repo.subscribe(Query.vm("vm_alpha"), Recorder())
    await env.tick(0)
    assert rec.last.added and rec.last.value.state == "running"
    assert rec.last.stdout_appended == ""
    rec.clear()

    await env.tick(1.0)
    (event,) = rec.events
    assert event.stdout_appended == "progress 1/6 16%\n" and event.stderr_appended == ""
    assert not event.output_replaced and not event.state_changed
    rec.clear()
    await env.tick(1.0)
    assert [e.stdout_appended for e in rec.events] == ["progress 2/6 33%\n"]
    rec.clear()
    await env.tick(3.0)  # three polls: lines 3, 4, 5 (and a stderr note at 5)
    assert "".join(e.stdout_appended for e in rec.events) == (
        "progress 3/6 50%\nprogress 4/6 66%\nprogress 5/6 83%\n")
    assert "".join(e.stderr_appended for e in rec.events) == "note: checkpoint 5\n"
    assert env.count("get_run") == 6
    assert env.count("list_runs") == 1 and env.count("get_vm") == 1
    rec.clear()

    await env.tick(1.0)  # the run ends
    (event,) = rec.events
    assert event.state_changed and event.value.state == "completed" and event.value.exit_code == 0
    assert event.stdout_appended == "progress 6/6 100%\n"
    await env.tick(0)
    # The lists that show it were refreshed once, at once (their interval is 100 s).
    assert env.count("list_runs") == 2 and env.count("get_vm") == 2
    runs = env.repo.peek(Query.runs("vm_alpha")).value
    assert [r.state for r in runs if r.run_id == run.run_id] == ["completed"]
    assert env.repo.peek(Query.vm("vm_alpha")).value.state == "idle"

    polls = env.count("get_run")
    await env.tick(30.0)
    assert env.count("get_run") == polls  # polling stopped; the subscription stays
    entry = env.repo.peek(q)
    assert entry.next_refresh_at is None and entry.subscribed
    assert entry.value.stdout == "".join(f"progress {i}/6 {i * 100 // 6}%\n" for i in range(1, 7))
    # A finished run never goes stale: get() needs no request.
    await env.repo.get(q)
    assert env.count("get_run") == polls


async def test_base64_output_is_decoded(env):
    vm = env.world.vms["vm_beta"]
    run = env.world.add_run(vm, "progress 3 1")
    run.force_encoding = "base64"
    rec = Recorder()
    env.repo.subscribe(Query.run("vm_beta", run.run_id), rec)
    await env.tick(0)
    await env.tick(1.0)
    await env.tick(1.0)
    assert [e.stdout_appended for e in rec.events[1:]] == ["progress 1/3 33%\n", "progress 2/3 66%\n"]
    assert rec.last.value.stdout_encoding == "utf-8"


async def test_a_run_already_finished_is_fetched_once(env):
    vm = env.world.vms["vm_alpha"]
    run = env.world.add_run(vm, "echo hi", started_at=env.world.now() - 10)
    rec = Recorder()
    env.repo.subscribe(Query.run("vm_alpha", run.run_id), rec)
    await env.tick(0)
    assert rec.last.value.state == "completed" and rec.last.stdout_appended == "hi\n"
    await env.tick(20)
    assert env.count("get_run") == 1 and env.count("list_runs") == 0


# --- a scripted client, for output the emulator never produces ------------------------------


class ScriptedClient:
    """``get_run`` answers from a list of Runs (the last one repeats)."""

    def __init__(self, runs: list[Run]) -> None:
        self.runs = runs
        self.calls = 0

    async def get_run(self, vm_id: str, run_id: str) -> Run:
        run = self.runs[min(self.calls, len(self.runs) - 1)]
        self.calls += 1
        return run


def _run(stdout: str = "", state: str = "running", encoding: str = "utf-8", stderr: str = "") -> Run:
    return Run(run_id="run_1", state=state, stdout=stdout, stdout_encoding=encoding, stderr=stderr)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


async def test_replaced_output_is_flagged_and_appends_after_it():
    client = ScriptedClient([
        _run("abc"), _run("abcdef"), _run("xyz"), _run("xyz"),
        _run(_b64("xyz!"), encoding="base64"), _run("xyz!", stderr="oops"),
    ])
    clock = FakeClock()
    repo = Repository(client, clock=clock)
    rec = Recorder()
    repo.subscribe(Query.run("vm_1", "run_1"), rec)
    for _ in range(5):
        await clock.advance(1.0)
    events = rec.events
    assert client.calls == 6
    assert events[0].stdout_appended == "abc" and events[0].added
    assert events[1].stdout_appended == "def" and not events[1].output_replaced
    assert events[2].output_replaced and events[2].stdout_appended == "" and events[2].value.stdout == "xyz"
    # "xyz" again: no event; then the same text base64-encoded plus "!": an append
    assert events[3].stdout_appended == "!" and not events[3].output_replaced
    assert events[4].stderr_appended == "oops" and events[4].stdout_appended == ""
    assert len(events) == 5
    await repo.aclose()


async def test_large_unchanged_output_is_polled_less_often():
    big = "x" * 1_200_000
    client = ScriptedClient([_run(big)] * 6 + [_run(big + "more")] + [_run(big + "more")] * 3)
    clock = FakeClock()
    repo = Repository(client, clock=clock, intervals=Intervals(running_run=1.0, max_run_interval=5.0))
    q = Query.run("vm_1", "run_1")
    rec = Recorder()
    repo.subscribe(q, rec)
    await clock.advance(0)
    delays = []
    for _ in range(7):
        entry = repo.peek(q)
        delay = entry.next_refresh_at - clock.now()
        delays.append(delay)
        await clock.advance(delay)
    # first poll is new output (1 s); then unchanged: 2, 4, 5 (cap), 5, 5;
    # the poll that brings "more" resets to 1 s.
    assert delays == [1.0, 2.0, 4.0, 5.0, 5.0, 5.0, 1.0]
    assert rec.last.stdout_appended == "more"
    await repo.aclose()


# --- RunLog -------------------------------------------------------------------------------------


def test_runlog_append_detection_on_long_output():
    log = RunLog()
    text = "".join(f"line {i}\n" for i in range(100_000))
    _, delta = log.update(_run(text))
    assert delta.stdout_appended == text
    _, delta = log.update(_run(text + "tail\n"))
    assert delta.stdout_appended == "tail\n" and not delta.output_replaced
    # Same length, different end: replaced.
    _, delta = log.update(_run(text[:-5] + "TAIL\n"))
    assert delta.output_replaced
    # Shorter: replaced (a restarted run).
    _, delta = log.update(_run("fresh\n"))
    assert delta.output_replaced
    _, delta = log.update(_run("fresh\n"))
    assert not delta.output_changed


def test_is_extension_checks_head_and_tail():
    old = "a" * (HEAD + TAIL + 1000)
    assert is_extension(old, old + "b")
    assert not is_extension(old, "b" + old)  # head moved
    assert not is_extension(old, old[:-1] + "b" + "c")  # tail changed
    assert is_extension("short", "short and more")
    assert not is_extension("short", "shirt and more")
