"""SVG snapshots of the dashboard's main views at 80x24 and 120x40.

The demo world runs on a ManualClock and relative times follow it, so every
snapshot is the same from run to run."""

from __future__ import annotations

import pytest

from arker_tui.ui.widgets.status_bar import StatusBar
from tests.dashboard_support import demo_app, demo_backend, picture_settled, select_vm, wait_for

SIZES = [(80, 24), (120, 40)]


@pytest.fixture(autouse=True)
def fixed_data_age(monkeypatch):
    monkeypatch.setattr(StatusBar, "age_text", lambda self: "2 s ago")


def snapshot_app(view: str):
    """An app plus the steps that bring it to ``view``, ready to be captured."""
    backend = demo_backend()
    backend.repository.pause()  # nothing changes while the picture is taken
    app = demo_app(backend)

    async def run_before(pilot) -> None:
        screen = app.screen
        await wait_for(pilot, lambda: screen.vm_tree.vm_count > 0 and screen.vm_tree.fork_tree_known)
        app.repository.resume()
        await select_vm(pilot, app, "ml-train")
        if view in ("runs", "runlog"):
            await pilot.press("2")
            pane = screen.query_one("#runs-pane")
            await wait_for(pilot, lambda: pane.data_list.total_count > 0)
        elif view in ("sessions", "tunnels", "filesystems"):
            await pilot.press({"sessions": "3", "tunnels": "4", "filesystems": "5"}[view])
            pane = screen.query_one(f"#{view}-pane")
            await wait_for(pilot, lambda: pane.data_list.total_count > 0)
            if view == "filesystems":
                syncs = screen.query_one("#syncs-pane")
                await wait_for(pilot, lambda: syncs.data_list.total_count > 0)
        elif view == "details":
            await pilot.press("6")
        elif view == "confirm":
            screen.vm_tree.focus()
            await pilot.press("d")
        elif view == "filtered":
            screen.vm_tree.focus()
            await pilot.press("slash", *"ml-", "enter")
        elif view == "help":
            await pilot.press("question_mark")
        if view == "runlog":
            await pilot.press("enter")
            await wait_for(pilot, lambda: screen.run_view.run is not None and screen.run_view.log_view.line_count > 0)
        app.repository.pause()
        await wait_for(pilot, lambda: app.repository.stats.in_flight == 0)
        app.clear_notifications()
        await pilot.wait_for_scheduled_animations()
        await picture_settled(pilot, app)

    return app, run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("view", ["runs", "runlog", "sessions", "tunnels", "filesystems", "details", "confirm",
                                  "filtered", "help"])
def test_main_views(snap_compare, view, size):
    app, run_before = snapshot_app(view)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_the_control_plane_refusing_the_key_fills_the_main_area(snap_compare):
    """No VMs could be loaded: the main area says why, names the host and
    the setting to check, instead of "No VMs." (80x24, the smallest size)."""
    backend = demo_backend()
    backend.emulator.faults.update({"error_rate": 1.0, "error_status": 401})
    app = demo_app(backend)

    async def run_before(pilot) -> None:
        screen = app.screen
        await wait_for(pilot, lambda: "refused the API key" in str(screen.workspace.problem.render()))
        assert screen.workspace.problem.display
        assert screen.focused is None  # the tree is hidden: it does not keep the focus
        app.repository.pause()
        await wait_for(pilot, lambda: app.repository.stats.in_flight == 0)
        # the panel's next tick says refresh is paused (it promises no retry then)
        await wait_for(pilot, lambda: "paused" in str(screen.workspace.problem.render()))
        # the demo notice comes a frame after the first: clear it once it is there
        await wait_for(pilot, lambda: any(n.title == "Demo mode" for n in app._notifications))
        app.clear_notifications()
        await picture_settled(pilot, app)  # the footer follows the focus leaving the tree a frame later

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
