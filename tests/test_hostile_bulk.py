"""Hostile names and error messages in the bulk confirmation and its summary:
shown as inert text, never as markup or escape sequences."""

from __future__ import annotations

from fault_support import SIZE, make_app, make_backend, notifications, screen_text, wait_for
from rich.cells import cell_len

from arker_tui.ui.screens.confirm import BulkConfirmDialog
from tests.dashboard_support import main_screen
from tests.test_hostile_and_mutations import HOSTILE_NAMES, OBEYED, assert_inert, hostile_world


async def test_hostile_names_and_errors_in_a_bulk_delete_are_inert():
    world, *_ = hostile_world()
    b = make_backend(world)
    app = make_app(b)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        tree = screen.vm_tree
        await wait_for(pilot, lambda: sum(v.name in HOSTILE_NAMES for v in tree.vms()) == len(HOSTILE_NAMES))
        hostile = [v.vm_id for v in tree.vms() if v.name in HOSTILE_NAMES]
        tree.set_marked(hostile)
        tree.focus()
        await pilot.pause()
        assert_inert(app)  # the marks gutter and the title's count
        refused = hostile[0]
        b.emulator.faults.update({"path_prefix": f"/v1/vms/{refused}", "methods": ["DELETE"], "error_rate": 1.0,
                                  "error_status": 409,
                                  "error_message": "[bold red]busy[/] \x1b]0;pwned-title\x07\x1b[2J"})
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, BulkConfirmDialog))
        assert_inert(app)
        for line in screen_text(app).splitlines():
            assert cell_len(line) <= SIZE[0]
        await pilot.press("y")
        done = f"deleted {len(hostile) - 1} of {len(hostile)} VMs"
        await wait_for(pilot, lambda: any(done in n for n in notifications(app)))
        await pilot.pause(0.1)
        assert_inert(app)
        said = "\n".join(notifications(app))
        assert "[bold red]busy[/]" in said  # the server's words, as text
        assert not OBEYED.search(said)
        assert tree.marked_keys() == [refused]
