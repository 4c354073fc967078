"""The session console, through the real app on the demo world (manual clock):
keys pressed, then what the emulator received and what the console shows."""

from __future__ import annotations

from arker_tui.api import models as m
from arker_tui.ui.screens.confirm import ConfirmDialog
from arker_tui.ui.screens.console import ConsoleScreen
from arker_tui.ui.screens.main import MainScreen
from tests.dashboard_support import main_screen, wait_for
from tests.forms_support import running_app, screen_text, select_vm


def spy_runs(world) -> list[tuple[str, m.RunRequest, str | None]]:
    """Every run request the world receives (vm_id, request, Idempotency-Key)."""
    sent: list[tuple[str, m.RunRequest, str | None]] = []
    original = world.run

    def run(vm_id, req, idempotency_key=None):
        sent.append((vm_id, req, idempotency_key))
        return original(vm_id, req, idempotency_key)

    world.run = run
    return sent


async def open_from_sessions(app, pilot, world, name: str, idx: int = 0) -> ConsoleScreen:
    """Select the VM, open Sessions, put the cursor on session ``idx``, press enter."""
    vm = await select_vm(app, pilot, world, name)
    main = main_screen(app)
    await pilot.press("3")
    pane = main.workspace.sessions_pane
    await wait_for(pilot, lambda: pane.cursor_item is not None, what="the sessions list")
    wanted = next(s for s in vm.sessions.values() if s.session_idx == idx)
    while pane.cursor_item.session_id != wanted.session_id:
        await pilot.press("down")
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, ConsoleScreen), what="the console")
    console = app.screen
    assert console.session_id == wanted.session_id
    return console


async def type_line(pilot, console: ConsoleScreen, line: str) -> None:
    console.input.value = line
    await pilot.press("enter")


def lines(console: ConsoleScreen) -> list[str]:
    return console.scrollback.plain_lines()


async def wait_lines(pilot, console: ConsoleScreen, *wanted: str) -> None:
    await wait_for(pilot, lambda: all(w in lines(console) for w in wanted), what=f"lines {wanted}")


async def test_pwd_cd_pwd_shows_the_new_cwd_in_the_prompt_and_the_output():
    async with running_app() as (app, pilot, emulator, world):
        sent = spy_runs(world)
        console = await open_from_sessions(app, pilot, world, "worker-1")
        await type_line(pilot, console, "pwd")
        await wait_lines(pilot, console, "worker-1:/home/user$ pwd", "/home/user")
        await type_line(pilot, console, "cd /tmp")
        await wait_for(pilot, lambda: console.session.cwd == "/tmp", what="the session read back")
        await type_line(pilot, console, "pwd")
        await wait_lines(pilot, console, "worker-1:/tmp$ pwd", "/tmp")
        assert lines(console)[-3:] == ["worker-1:/home/user$ cd /tmp", "worker-1:/tmp$ pwd", "/tmp"]
        assert "worker-1:/tmp$" in screen_text(app).splitlines()[-3]  # the prompt line
        commands = [(r.command, r.session_id, r.background) for _, r, _ in sent]
        assert commands == [(c, console.session_id, False) for c in ("pwd", "cd /tmp", "pwd")]
        keys = [key for _, _, key in sent]
        assert all(keys) and len(set(keys)) == 3  # one Idempotency-Key per line


async def test_stderr_non_zero_exit_and_fail_reason_are_shown():
    async with running_app() as (app, pilot, emulator, world):
        console = await open_from_sessions(app, pilot, world, "worker-1")
        await type_line(pilot, console, "echo out; ls /nope")
        await wait_lines(pilot, console, "✖ exit 2")
        streams = console.scrollback.line_streams()
        assert lines(console)[1:] == ["out", "ls: cannot access '/nope': No such file or directory", "✖ exit 2"]
        assert streams[1] == "stdout" and streams[2] == "stderr"
        await type_line(pilot, console, "sleep infinity")  # the gateway's one-hour cap fails it
        await wait_lines(pilot, console, "✖ the platform failed the run: timeout after 3600s")


async def test_ctrl_c_during_sleep_sends_one_sigint_to_the_session_and_the_command_ends_interrupted():
    async with running_app() as (app, pilot, emulator, world):
        world.foreground_waits = True
        sent = spy_runs(world)
        console = await open_from_sessions(app, pilot, world, "worker-1")
        vm = world.find_vm_by_name("worker-1")
        await type_line(pilot, console, "echo before; sleep 30")
        await wait_for(pilot, lambda: vm.session_state(console.session_id, world.now()) == "running",
                       what="the command running")
        assert console.running is not None
        await wait_for(pilot, lambda: "● running" in screen_text(app), what="the running prompt")
        assert "worker-1:/home/user$ echo before; sleep 30" in lines(console)
        await pilot.press("ctrl+c")
        await wait_lines(pilot, console, "^C interrupted (SIGINT, exit 130)")
        signals = [(vid, r) for vid, r, _ in sent if r.signal]
        assert len(signals) == 1
        assert signals[0][0] == vm.vm_id and signals[0][1].signal == "SIGINT"
        assert signals[0][1].session_id == console.session_id
        assert "before" in lines(console)
        assert console.running is None and isinstance(app.screen, ConsoleScreen)


async def test_a_second_ctrl_c_offers_sigkill_and_sends_it_only_after_yes():
    async with running_app() as (app, pilot, emulator, world):
        world.foreground_waits = True
        sent = spy_runs(world)
        console = await open_from_sessions(app, pilot, world, "worker-1")
        await type_line(pilot, console, "trap '' INT; sleep 30")
        await wait_for(pilot, lambda: console.running is not None)
        await pilot.press("ctrl+c")
        await wait_lines(pilot, console, f"SIGINT sent to session {console.session_id}")
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the SIGKILL question")
        text = screen_text(app)
        assert "SIGKILL" in text and console.session_id in text and "worker-1" in text
        assert [r.signal for _, r, _ in sent if r.signal] == ["SIGINT"]  # nothing more yet
        await pilot.press("y")
        await wait_lines(pilot, console, "✖ ended by SIGKILL (exit 137)")
        assert [r.signal for _, r, _ in sent if r.signal] == ["SIGINT", "SIGKILL"]


async def test_history_up_down_and_ctrl_r():
    async with running_app() as (app, pilot, emulator, world):
        console = await open_from_sessions(app, pilot, world, "worker-1")
        for line in ("echo one", "echo two", "hostname"):
            await type_line(pilot, console, line)
            await wait_lines(pilot, console, f"worker-1:/home/user$ {line}")
        console.input.value = "draft"
        await pilot.press("up")
        assert console.input.value == "hostname"
        await pilot.press("up", "up")
        assert console.input.value == "echo one"
        await pilot.press("up")
        assert console.input.value == "echo one"  # the oldest stays
        await pilot.press("down", "down", "down")
        assert console.input.value == "draft"
        console.input.value = "echo"
        await pilot.press("ctrl+r")
        assert console.input.value == "echo two"
        await pilot.press("ctrl+r")
        assert console.input.value == "echo one"
        await pilot.press("escape")  # ends the search, the typed text comes back
        assert console.input.value == "echo" and isinstance(app.screen, ConsoleScreen)
        # History is per VM: another VM's console starts empty.
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        other = await open_from_sessions(app, pilot, world, "worker-2")
        await pilot.press("up")
        assert other.input.value == ""


async def test_a_busy_session_is_said_in_words_and_the_line_comes_back():
    async with running_app() as (app, pilot, emulator, world):
        world.foreground_waits = True
        console = await open_from_sessions(app, pilot, world, "worker-1")
        vm = world.find_vm_by_name("worker-1")
        session = vm.sessions[console.session_id]
        world.add_run(vm, "sleep 100", session=session, background=False)  # someone else's command
        await type_line(pilot, console, "echo hi")
        await wait_for(pilot, lambda: any("The session is busy" in line for line in lines(console)))
        assert console.input.value == "echo hi"
        assert isinstance(app.screen, ConsoleScreen) and console.running is None


async def test_read_only_opens_and_refuses_to_run_saying_so():
    async with running_app(readonly=True) as (app, pilot, emulator, world):
        before = world.runs_created
        console = await open_from_sessions(app, pilot, world, "worker-1")
        assert "READ-ONLY" in screen_text(app)
        await type_line(pilot, console, "echo hi")
        await wait_for(pilot, lambda: any("nothing is sent" in line for line in lines(console)))
        assert console.input.value == "echo hi" and world.runs_created == before
        await pilot.press("ctrl+b")
        assert world.runs_created == before


async def test_a_vm_deleted_while_the_console_is_open():
    async with running_app() as (app, pilot, emulator, world):
        console = await open_from_sessions(app, pilot, world, "worker-1")
        world.delete_vm(world.find_vm_by_name("worker-1").vm_id)
        await type_line(pilot, console, "pwd")
        await wait_for(pilot, lambda: any("is gone" in line for line in lines(console)), what="the words")
        assert console.input.value == "pwd"
        assert isinstance(app.screen, ConsoleScreen) and "gone" in screen_text(app)


async def test_unsupported_signals_are_said_in_words():
    async with running_app() as (app, pilot, emulator, world):
        world.foreground_waits = True
        world.features.discard("signals")
        console = await open_from_sessions(app, pilot, world, "worker-1")
        await type_line(pilot, console, "sleep 30")
        await wait_for(pilot, lambda: console.running is not None)
        await pilot.press("ctrl+c")
        await wait_for(pilot, lambda: any("does not support signals" in line for line in lines(console)))
        assert console.running is not None  # still running; the console stays
        world.clock.advance(30)
        await wait_for(pilot, lambda: console.running is None)


async def test_builtins_are_never_sent():
    async with running_app() as (app, pilot, emulator, world):
        sent = spy_runs(world)
        console = await open_from_sessions(app, pilot, world, "worker-1")
        await type_line(pilot, console, "echo hi")
        await wait_lines(pilot, console, "hi")
        await type_line(pilot, console, "clear")
        await wait_for(pilot, lambda: lines(console) == [])
        await type_line(pilot, console, "exit")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        assert [r.command for _, r, _ in sent] == ["echo hi"]


async def test_ctrl_l_clears_and_y_copies_the_last_output():
    async with running_app() as (app, pilot, emulator, world):
        console = await open_from_sessions(app, pilot, world, "worker-1")
        await type_line(pilot, console, "seq 3")
        await wait_lines(pilot, console, "3")
        copied: list[str] = []
        app.copy_to_clipboard = copied.append  # what would go out as OSC 52
        console.scrollback.focus()
        await pilot.press("y")
        assert copied == ["1\n2\n3"]
        await pilot.press("ctrl+l")
        assert lines(console) == []


async def test_the_scrollback_is_capped():
    async with running_app() as (app, pilot, emulator, world):
        app.run_log_cap = 50
        console = await open_from_sessions(app, pilot, world, "worker-1")
        await type_line(pilot, console, "seq 200")
        await wait_lines(pilot, console, "200")
        assert console.scrollback.line_count == 50 and console.scrollback.dropped_count > 0


async def test_ctrl_b_before_it_starts_runs_it_in_the_background_in_the_session():
    async with running_app() as (app, pilot, emulator, world):
        sent = spy_runs(world)
        console = await open_from_sessions(app, pilot, world, "worker-1")
        console.input.value = "sleep 300"
        await pilot.press("ctrl+b")
        await wait_for(pilot, lambda: any("in the background as run" in line for line in lines(console)))
        assert [(r.command, r.background, r.session_id) for _, r, _ in sent] == [
            ("sleep 300", True, console.session_id)]
        vm = world.find_vm_by_name("worker-1")
        assert any(r.command == "sleep 300" and r.background for r in vm.runs.values())


async def test_ctrl_b_while_running_asks_then_interrupts_and_runs_it_again_in_the_background():
    async with running_app() as (app, pilot, emulator, world):
        world.foreground_waits = True
        sent = spy_runs(world)
        console = await open_from_sessions(app, pilot, world, "worker-1")
        await type_line(pilot, console, "progress 100 1")
        await wait_for(pilot, lambda: console.running is not None)
        await pilot.press("ctrl+b")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "twice" in screen_text(app)
        await pilot.press("n")  # backing out sends nothing
        await wait_for(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        assert [r.signal for _, r, _ in sent if r.signal] == []
        await pilot.press("ctrl+b")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_for(pilot, lambda: any("in the background as run" in line for line in lines(console)))
        assert [(r.command, bool(r.background), r.signal) for _, r, _ in sent] == [
            ("progress 100 1", False, None), ("", False, "SIGINT"), ("progress 100 1", True, None)]


async def test_the_vm_key_opens_the_first_idle_session():
    async with running_app() as (app, pilot, emulator, world):
        vm = await select_vm(app, pilot, world, "api-dev")  # session 0 runs a dev server
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        idle = next(s for s in vm.sessions.values() if s.session_idx == 1)
        assert app.screen.session_id == idle.session_id
        assert "api-dev:/workspace$" in screen_text(app)


async def test_the_vm_key_offers_a_session_when_there_is_none():
    async with running_app() as (app, pilot, emulator, world):
        vm = await select_vm(app, pilot, world, "worker-2")
        vm.sessions.clear()
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the offer")
        assert "worker-2" in screen_text(app) and vm.vm_id in screen_text(app)
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        assert list(vm.sessions) == [app.screen.session_id]


async def test_the_console_is_in_the_palette_and_the_help():
    async with running_app() as (app, pilot, emulator, world):
        await select_vm(app, pilot, world, "worker-1")
        titles = [a.command for a in main_screen(app).palette_actions()]
        assert "Open a console on the selected VM…" in titles
        await pilot.press("question_mark")
        await pilot.pause()
        assert "a console on the VM's first idle session" in screen_text(app)


async def test_a_line_typed_right_after_cd_gets_the_new_cwd():
    """The next line waits for the session's read-back after a command."""
    async with running_app() as (app, pilot, emulator, world):
        sent = spy_runs(world)
        console = await open_from_sessions(app, pilot, world, "worker-1")
        await type_line(pilot, console, "cd /tmp")
        await wait_for(pilot, lambda: console.running is None and console.settling)
        await type_line(pilot, console, "pwd")  # while the read-back is pending
        await wait_lines(pilot, console, "worker-1:/tmp$ pwd", "/tmp")
        assert [r.command for _, r, _ in sent] == ["cd /tmp", "pwd"]


async def test_slash_in_the_scrollback_searches_it_as_the_run_log_does():
    async with running_app() as (app, pilot, emulator, world):
        console = await open_from_sessions(app, pilot, world, "worker-1")
        await type_line(pilot, console, "seq 30")
        await wait_lines(pilot, console, "30")
        console.scrollback.focus()
        await pilot.press("slash", "2")
        status = console.search_bar.status
        # 2, 12, 20..29: one match per occurrence of "2", in 12 lines (22 counts twice)
        await wait_for(pilot, lambda: "of 13" in str(status.render()))
        await pilot.press("enter")  # back to the scrollback, the search kept
        await pilot.press("n")
        await wait_for(pilot, lambda: "match 2 of 13" in str(status.render()))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not console.search_bar.display and console.scrollback.search is None)
        assert console.input.value == ""  # nothing of the search went into the command line
