"""SVG snapshot of the fork tree (80x24): forks nested under their parents,
a collapsed subtree, and the VM whose fork row is missing under its root."""

from __future__ import annotations

import pytest

from arker_tui.emulator.demo import DEMO_FORK_ROW_MISSING
from arker_tui.ui.widgets.status_bar import StatusBar
from tests.dashboard_support import demo_app, demo_backend, picture_settled, wait_for


@pytest.fixture(autouse=True)
def fixed_data_age(monkeypatch):
    monkeypatch.setattr(StatusBar, "age_text", lambda self: "2 s ago")


def test_nested_fork_tree(snap_compare):
    backend = demo_backend()
    backend.repository.pause()  # nothing changes while the picture is taken
    app = demo_app(backend)

    async def run_before(pilot) -> None:
        tree = app.screen.vm_tree
        await wait_for(pilot, lambda: tree.vm_count > 0 and tree.fork_tree_known)
        by_name = {vm.name: vm.vm_id for vm in tree.vms()}
        tree.focus()
        tree.set_vm_collapsed(by_name["scratch"], True)  # scratch -> scratch-2, folded
        tree.move_cursor_to_key(by_name[DEMO_FORK_ROW_MISSING])
        await wait_for(pilot, lambda: app.screen.selected_vm_id == by_name[DEMO_FORK_ROW_MISSING])
        await wait_for(pilot, lambda: app.repository.stats.in_flight == 0)
        app.clear_notifications()
        await pilot.wait_for_scheduled_animations()
        await picture_settled(pilot, app)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
