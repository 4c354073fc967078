"""SVG snapshots of marks in the VM tree and in Runs, and of the bulk
confirmation (80x24, the smallest size)."""

from __future__ import annotations

import pytest

from arker_tui.ui.screens.confirm import BulkConfirmDialog
from tests.dashboard_support import demo_app, demo_backend, picture_settled, select_vm, wait_for
from tests.test_snapshots_dashboard import fixed_data_age  # noqa: F401  (autouse: the data's age is pinned)


def marks_app(view: str):
    backend = demo_backend()
    backend.repository.pause()  # nothing changes while the picture is taken
    app = demo_app(backend)

    async def run_before(pilot) -> None:
        screen = app.screen
        tree = screen.vm_tree
        await wait_for(pilot, lambda: tree.vm_count > 0)
        app.repository.resume()
        for name in ("scratch", "scratch-2", "ci-runner-1"):
            await select_vm(pilot, app, name)
            tree.focus()
            await pilot.press("space")
        await select_vm(pilot, app, "ml-train")
        if view == "runs":
            await pilot.press("2")
            runs = screen.workspace.runs_pane.data_list
            await wait_for(pilot, lambda: runs.total_count > 0)
            await pilot.press("space", "o")  # a run marked, sorted by the next column
        else:
            tree.focus()
            await pilot.press("d")
            await wait_for(pilot, lambda: isinstance(app.screen, BulkConfirmDialog))
        app.repository.pause()
        await wait_for(pilot, lambda: app.repository.stats.in_flight == 0)
        app.clear_notifications()
        await pilot.wait_for_scheduled_animations()
        await picture_settled(pilot, app)

    return app, run_before


@pytest.mark.parametrize("view", ["confirm", "runs"])
def test_marks_and_bulk_confirmation(snap_compare, view):
    app, run_before = marks_app(view)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
