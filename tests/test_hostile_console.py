"""Hostile text from the server in the session console: the VM's name and
the session's cwd (prompt, header, scrollback), the session's env (header,
the env view), a run's output, fail_reason and an error message. Nothing
reaches the terminal as an escape, and every line fits."""

from __future__ import annotations

from fault_support import SIZE, make_app, make_backend, screen_text, wait_for
from rich.cells import cell_len

from arker_tui.api import models as m
from arker_tui.api.errors import ArkerError
from arker_tui.emulator import ManualClock, build_demo_world
from arker_tui.ui.console import words
from arker_tui.ui.screens.console import ConsoleScreen
from arker_tui.ui.screens.text_view import TextView
from tests.dashboard_support import main_screen
from tests.test_hostile_and_mutations import HOSTILE_NAMES, HOSTILE_OUTPUT, OSC_CLIPBOARD, OSC_TITLE, assert_inert

HOSTILE = f"[bold red]markup[/] [@click=app.quit]x[/]{OSC_TITLE}\x1b[2J{OSC_CLIPBOARD}\u202e"


async def test_hostile_vm_name_cwd_env_output_and_errors_stay_inert_in_the_console():
    world = build_demo_world(ManualClock())
    name = HOSTILE_NAMES[0]
    vm = world.add_vm(name, vcpu_count=1, memory_mib=1024, files={"/hostile.txt": HOSTILE_OUTPUT.encode()})
    world.add_session(vm, cwd="/" + "deep/" * 40 + HOSTILE, env={"EVIL": HOSTILE, "X" * 300: "y" * 5000})
    app = make_app(make_backend(world))
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        await wait_for(pilot, lambda: screen.vm_tree.get_vm(vm.vm_id) is not None)
        screen.vm_tree.move_cursor_to_key(vm.vm_id)
        await wait_for(pilot, lambda: screen.selected_vm_id == vm.vm_id)
        screen.vm_tree.focus()
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        console = app.screen
        console.input.value = "cat /hostile.txt"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "alt-screen" in " ".join(console.scrollback.plain_lines()))
        console.show_output(m.CompletedRunResponse(state="failed", fail_reason=HOSTILE))
        console.note(words.failure(ArkerError("conflict", HOSTILE)))
        console.note(words.signal_failure(ArkerError("unsupported_operation", HOSTILE), "SIGINT"))
        await pilot.pause(0.05)
        assert_inert(app)
        text = screen_text(app)
        assert "[@click" in text  # shown as the text it is, not run as markup
        assert app.is_running
        for line in text.splitlines():
            assert cell_len(line) <= SIZE[0]
        console.scrollback.focus()
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, TextView))
        assert_inert(app)
        assert "EVIL=" in screen_text(app)
