"""Hostile answers as the user meets them in the app: the screen says what
was done about them, and nothing freezes."""

from __future__ import annotations

from fault_support import screen_text

from arker_tui.api import models as m
from arker_tui.ui.screens.text_view import TextView
from tests.dashboard_support import demo_app, demo_backend, select_vm, wait_for

SIZE = (120, 40)
MIB = 1024 * 1024


async def test_endless_pages_leave_a_line_under_the_vm_tree_saying_the_list_is_incomplete():
    backend = demo_backend()
    app = demo_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: screen.vm_tree.vm_count > 0)
        backend.emulator.faults.update({"endless_cursors": True})
        line = screen.workspace.vm_pane.error_line

        def said() -> str:
            return str(line.render()) if line.display and line.has_class("visible") else ""

        await wait_for(pilot, lambda: "list incomplete" in said(), timeout=10)
        assert "stopped after 5 empty pages in a row" in said()
        # on screen, not only in the widget (painted a frame later)
        await wait_for(pilot, lambda: "list incomplete" in screen_text(app), timeout=10)
        backend.emulator.faults.update({"endless_cursors": False})
        await wait_for(pilot, lambda: said() == "" and screen.vm_tree.vm_count > 0, timeout=10)


async def test_a_10_mb_field_shows_trimmed_with_its_size_and_whole_in_the_viewer():
    """The server's 10 MB field (the repository keeps it whole, see
    test_hostile_server) costs Details one trimmed row; enter shows it all."""
    backend = demo_backend()
    app = demo_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await select_vm(pilot, app, "ml-train")
        await pilot.press("6")
        detail = screen.query_one("#vm-detail")
        await wait_for(pilot, lambda: detail.vm is not None)
        app.repository.pause()  # no refresh puts the list's copy of the VM back meanwhile
        huge = m.Vm.model_validate({**detail.vm.model_dump(mode="json"), "notes": "x" * (10 * MIB)})
        detail.show(huge)
        await wait_for(pilot, lambda: "enter shows it whole" in screen_text(app))
        assert "10.0 MiB" in screen_text(app)
        notes = next(f for f in detail.items() if f.name == "notes")
        detail.focus()
        detail.move_cursor_to_key(notes.order)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TextView), timeout=10)
        assert app.screen.body == "x" * (10 * MIB)  # nothing lost
        await pilot.press("q")  # the viewer still answers keys
        await wait_for(pilot, lambda: not isinstance(app.screen, TextView))
