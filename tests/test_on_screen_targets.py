"""Actions act on what the user sees: the two repros of a user who deleted
another VM's tunnel and was offered a cancel from a hidden list, and the
keys that say why they do nothing."""

from __future__ import annotations

from arker_tui.ui.screens.confirm import ConfirmDialog
from arker_tui.ui.screens.help import HelpScreen
from tests.dashboard_support import demo_app, demo_backend, mutating_requests, select_vm, wait_for


def toasts(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def palette(pilot, words: str) -> None:
    await pilot.press("colon")
    await pilot.pause(0.2)
    await pilot.press(*words)
    await pilot.pause(0.5)
    await pilot.press("enter")
    await pilot.pause(0.3)


async def test_palette_delete_never_reaches_a_tunnel_of_another_vm():
    backend = demo_backend()
    app = demo_app(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await select_vm(pilot, app, "ml-train")
        await pilot.press("4")  # ml-train's tunnel 6006 under the cursor
        await wait_for(pilot, lambda: screen.workspace.tunnels_pane.data_list.total_count > 0)
        await pilot.press("6", "1")
        await select_vm(pilot, app, "ci-runner-1")  # no tunnels
        await palette(pilot, "delete the selected tunnel")
        assert not isinstance(app.screen, ConfirmDialog)
        assert "Select a tunnel first" in toasts(app)
        assert screen.workspace.active_tab == "tunnels"  # the pane is opened to pick from
        assert mutating_requests(backend) == []
    await backend.client.aclose()


async def test_a_confirmation_names_the_vm_and_the_target():
    backend = demo_backend()
    app = demo_app(backend)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await select_vm(pilot, app, "ml-train")
        vm_id = screen.selected_vm_id
        await pilot.press("4")
        pane = screen.workspace.tunnels_pane
        await wait_for(pilot, lambda: pane.data_list.total_count > 0)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        title = app.screen.request.title
        assert "6006" in title and "ml-train" in title and vm_id[:7] in title
        await pilot.press("escape")
        await pilot.pause()
        assert mutating_requests(backend) == []
    await backend.client.aclose()


async def test_after_the_log_closes_focus_is_on_a_pane_that_is_shown():
    backend = demo_backend()
    app = demo_app(backend)
    async with app.run_test(size=(200, 60)) as pilot:
        screen = app.screen
        await select_vm(pilot, app, "ml-train")
        await pilot.press("2")
        runs = screen.workspace.runs_pane
        await wait_for(pilot, lambda: runs.data_list.total_count > 0)
        await pilot.press("enter")  # the log docks
        await wait_for(pilot, lambda: screen.workspace.run_view_open)
        await pilot.press("4", "1", "escape")
        await pilot.pause(0.2)
        focused = app.focused
        assert focused is not None
        node = focused
        while node is not None and node is not screen:  # nothing hidden on the way up
            assert node.display, node
            node = node.parent
        assert not runs.data_list.has_focus  # the Runs list is not on screen
        await pilot.press("c")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, ConfirmDialog)
        assert "does nothing here" in toasts(app)
    await backend.client.aclose()


async def test_ctrl_p_and_colon_open_the_palette_and_question_mark_the_help():
    backend = demo_backend()
    app = demo_app(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.screen.selected_vm_id is not None)
        for key in ("ctrl+p", "colon"):
            await pilot.press(key)
            await pilot.pause(0.2)
            assert type(app.screen).__name__ == "CommandPalette", key
            await pilot.press("escape")
            await pilot.pause(0.2)
        await pilot.press("question_mark")
        await pilot.pause(0.2)
        assert isinstance(app.screen, HelpScreen)
    await backend.client.aclose()
