"""The fake shell behind sessions: cd / pwd / export / env per session,
foreground commands that take time, signals to a session (SIGINT ends its
command with 130, an idle session acknowledges), a busy session's conflict."""

from __future__ import annotations

import asyncio

import pytest

from arker_tui.api import models as m
from arker_tui.api.client import ArkerClient
from arker_tui.emulator import Emulator, ManualClock, World
from arker_tui.emulator.shell import ShellContext, parse
from arker_tui.settings import Settings


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def world(clock: ManualClock) -> World:
    w = World(clock)
    w.add_vm("box", files={"/srv/app/main.py": b"print(1)\n"})
    w.foreground_waits = True
    return w


@pytest.fixture
async def http(world: World):
    async with Emulator(world).client() as client:
        yield client


def vm_id(world: World) -> str:
    return world.find_vm_by_name("box").vm_id


async def new_session(http, world, **body) -> str:
    r = await http.post(f"/v1/vms/{vm_id(world)}/sessions", json=body)
    assert r.status_code == 200, r.text
    return r.json()["session_id"]


async def post_run(http, world, command: str, **body):
    return await http.post(f"/v1/vms/{vm_id(world)}/run", json={"command": command, **body})


async def run_ok(http, world, command: str, **body) -> dict:
    r = await post_run(http, world, command, **body)
    assert r.status_code == 200, r.text
    return r.json()


async def session(http, world, sid: str) -> dict:
    return (await http.get(f"/v1/vms/{vm_id(world)}/sessions/{sid}")).json()


def test_ls_of_an_empty_standard_directory_prints_nothing():
    program = parse("cd /tmp && ls", ShellContext())
    assert program.output(0) == (b"", b"") and program.exit_code == 0


def test_cd_export_unset_change_only_the_program_context():
    ctx = ShellContext(env={"A": "1"}, files={"/srv/app/main.py": b""})
    program = parse("cd /srv/app && pwd; export B=2; unset A; env; cd nowhere", ctx)
    out, err = program.output(0)
    assert out == b"/srv/app\nB=2\n"
    assert err == b"sh: cd: nowhere: No such file or directory\n"
    assert (program.cwd, program.env, program.exit_code) == ("/srv/app", {"B": "2"}, 1)
    assert (ctx.cwd, ctx.env) == ("/home/user", {"A": "1"})  # the caller's context is untouched


@pytest.mark.parametrize(("line", "stderr", "code"), [
    ("cd /srv/app/main.py", "sh: cd: /srv/app/main.py: Not a directory\n", 1),
    ("cd /a /b", "sh: cd: too many arguments\n", 1),
    ("export 1X=2", "sh: export: '1X=2': not a valid identifier\n", 1),
    ("ls /srv/nope", "ls: cannot access '/srv/nope': No such file or directory\n", 2),
])
def test_bad_cd_export_and_ls_fail_in_words(line, stderr, code):
    program = parse(line, ShellContext(files={"/srv/app/main.py": b""}))
    assert program.output(0)[1].decode() == stderr and program.exit_code == code
    assert program.cwd == "/home/user"


async def test_cwd_and_env_persist_per_session(http, world):
    a = await new_session(http, world)
    b = await new_session(http, world, cwd="/srv")
    await run_ok(http, world, "cd /tmp; export COLOR=blue", session_id=a)
    got_a = await run_ok(http, world, "pwd; env", session_id=a)
    got_b = await run_ok(http, world, "pwd; env", session_id=b)
    assert got_a["stdout"] == "/tmp\nCOLOR=blue\n"
    assert got_b["stdout"] == "/srv\n"
    assert (await session(http, world, a))["cwd"] == "/tmp"
    assert (await session(http, world, a))["env"] == {"COLOR": "blue"}
    await run_ok(http, world, "cd", session_id=a)
    assert (await session(http, world, a))["cwd"] == "/home/user"


async def test_a_foreground_sleep_takes_time_and_holds_the_session(http, world, clock):
    sid = await new_session(http, world)
    task = asyncio.create_task(run_ok(http, world, "echo start; sleep 5; echo done", session_id=sid))
    await asyncio.sleep(0.05)
    assert not task.done()
    assert (await session(http, world, sid))["state"] == "running"
    busy = await post_run(http, world, "echo hi", session_id=sid)
    assert busy.status_code == 409 and busy.json()["code"] == "conflict"
    assert "busy" in busy.json()["message"]
    clock.advance(5)
    answer = await asyncio.wait_for(task, 2)
    assert (answer["state"], answer["exit_code"], answer["stdout"]) == ("completed", 0, "start\ndone\n")
    assert (await session(http, world, sid))["state"] == "idle"


async def test_sigint_ends_the_foreground_command_with_130(http, world, clock):
    sid = await new_session(http, world)
    other = await new_session(http, world)
    task = asyncio.create_task(run_ok(http, world, "echo before; sleep 30; echo after", session_id=sid))
    await asyncio.sleep(0.05)
    clock.advance(2)
    elsewhere = await run_ok(http, world, "", signal="SIGINT", session_id=other)
    assert elsewhere["state"] == "completed" and not task.done()  # another session's signal is not ours
    ack = await run_ok(http, world, "", signal="SIGINT", session_id=sid)
    assert ack["state"] == "completed" and ack.get("run_id") is None
    answer = await asyncio.wait_for(task, 2)
    assert (answer["state"], answer["exit_code"], answer["stdout"]) == ("completed", 130, "before\n")


async def test_a_signal_to_an_idle_session_is_acknowledged(http, world):
    sid = await new_session(http, world)
    for sig in ("SIGINT", "SIGTERM", "SIGKILL", "SIGHUP"):
        ack = await run_ok(http, world, "", signal=sig, session_id=sid)
        assert (ack["state"], ack["exit_code"]) == ("completed", 0)


async def test_signals_can_be_unsupported(http, world):
    world.features.discard("signals")
    sid = await new_session(http, world)
    r = await post_run(http, world, "", signal="SIGINT", session_id=sid)
    assert r.status_code == 501 and r.json()["code"] == "unsupported_operation"


async def test_a_replayed_idempotency_key_joins_the_waiting_run(http, world, clock):
    sid = await new_session(http, world)
    headers = {"Idempotency-Key": "k-wait"}
    body = {"command": "sleep 3; echo once", "session_id": sid}
    url = f"/v1/vms/{vm_id(world)}/run"
    first = asyncio.create_task(http.post(url, json=body, headers=headers))
    await asyncio.sleep(0.05)
    again = asyncio.create_task(http.post(url, json=body, headers=headers))
    await asyncio.sleep(0.05)
    clock.advance(3)
    a, b = await asyncio.wait_for(asyncio.gather(first, again), 2)
    assert a.json() == b.json() and a.json()["stdout"] == "once\n"
    assert world.runs_created == 1


async def test_deleting_the_vm_ends_a_waiting_foreground_run(http, world):
    sid = await new_session(http, world)
    task = asyncio.create_task(post_run(http, world, "sleep 30", session_id=sid))
    await asyncio.sleep(0.05)
    assert (await http.delete(f"/v1/vms/{vm_id(world)}")).status_code == 200
    r = await asyncio.wait_for(task, 2)
    assert r.status_code == 404 and r.json()["code"] == "not_found"


def test_a_manual_clock_answers_foreground_runs_at_once_unless_told():
    assert World(ManualClock()).foreground_waits is False
    assert World().foreground_waits is True


async def test_the_client_waits_for_a_foreground_command_longer_than_its_timeout(world):
    """A foreground run's answer comes when the command ends, not within the
    usual request timeout; background runs and signals keep the usual one."""
    settings = Settings(timeout=0.2, control_url="http://emulator")
    client = ArkerClient(settings, transport=Emulator(world).transport())
    assert client.run_timeout(m.RunRequest(command="sleep 1", timeout=5)) == pytest.approx(5.2)
    assert client.run_timeout(m.RunRequest(command="x", background=True)) is None
    assert client.run_timeout(m.RunRequest(command="", signal="SIGINT")) is None
    sid = world.add_session(world.find_vm_by_name("box")).session_id
    task = asyncio.create_task(client.run(vm_id(world), m.RunRequest(command="sleep 1; echo late",
                                                                      session_id=sid)))
    await asyncio.sleep(0.5)  # past the 0.2 s request timeout
    world.clock.advance(1)
    answer = await asyncio.wait_for(task, 2)
    assert answer.stdout == "late\n"
    await client.aclose()


async def test_a_trapped_sigint_is_ignored_but_sigkill_ends_it(http, world):
    sid = await new_session(http, world)
    task = asyncio.create_task(run_ok(http, world, "trap '' INT; sleep 30", session_id=sid))
    await asyncio.sleep(0.05)
    await run_ok(http, world, "", signal="SIGINT", session_id=sid)
    await asyncio.sleep(0.05)
    assert not task.done()
    await run_ok(http, world, "", signal="SIGKILL", session_id=sid)
    answer = await asyncio.wait_for(task, 2)
    assert answer["exit_code"] == 137
