"""The fork tree against the emulator: the demo's fork rows nest its VMs."""

from __future__ import annotations

from arker_tui.emulator.demo import DEMO_FORK_ROW_MISSING
from arker_tui.repository import Query
from arker_tui.ui.lineage import PARENT_UNKNOWN
from tests.dashboard_support import demo_app, demo_backend, wait_for
from tests.fault_support import notifications


def vm_id_of(tree, name: str) -> str:
    return next(vm.vm_id for vm in tree.vms() if vm.name == name)


def shown_line(tree, vm_id: str) -> str:
    """The row of a VM as drawn (the tree is tall enough to show every row)."""
    row = tree.items().index(tree.get_vm(vm_id)) + 1
    return tree.render_line(row - tree.scroll_offset.y).text


async def nested(pilot, app):
    tree = app.screen.vm_tree
    await wait_for(pilot, lambda: tree.vm_count > 0 and tree.fork_tree_known, what="the fork rows")
    return tree


async def test_forks_nest_three_deep_and_a_vm_without_its_row_stays_under_its_root():
    backend = demo_backend()
    app = demo_app(backend)
    async with app.run_test(size=(120, 60)) as pilot:
        tree = await nested(pilot, app)
        ids = {name: vm_id_of(tree, name) for name in ("ci-runner-1", "ci-runner-3", "ci-runner-4",
                                                       "api-dev", "api-dev-fork", DEMO_FORK_ROW_MISSING)}
        # arkuntu -> ci-runner-1 -> ci-runner-3 -> ci-runner-4
        assert [tree.depth_of(ids[n]) for n in ("ci-runner-1", "ci-runner-3", "ci-runner-4")] == [0, 1, 2]
        assert tree.parent_row_of(ids["ci-runner-4"]) == ids["ci-runner-3"]
        assert tree.parent_row_of(ids["ci-runner-3"]) == ids["ci-runner-1"]
        order = [vm.vm_id for vm in tree.items() if hasattr(vm, "vm_id")]
        assert order.index(ids["ci-runner-1"]) + 1 == order.index(ids["ci-runner-3"])
        assert order.index(ids["ci-runner-3"]) + 1 == order.index(ids["ci-runner-4"])
        # Depth shows as indentation.
        lines = {n: shown_line(tree, ids[n]) for n in ids}
        glyph = [min(i for i in (line.find("○"), line.find("●")) if i >= 0)
                 for line in (lines["ci-runner-1"], lines["ci-runner-3"], lines["ci-runner-4"])]
        assert glyph[0] < glyph[1] < glyph[2], lines
        # The VM whose fork row is gone: at the top of its root's group, said so, no parent made up.
        lost = ids[DEMO_FORK_ROW_MISSING]
        assert tree.depth_of(lost) == 0 and tree.parent_row_of(lost) is None
        assert tree.note_of(lost) == PARENT_UNKNOWN
        assert tree.cursor_group is not None  # sanity: the tree has groups
        tree.move_cursor_to_key(lost)
        assert tree.cursor_group.label == "ubuntu (golden)"
        assert "? ○ metrics-age" in lines[DEMO_FORK_ROW_MISSING]
        await wait_for(pilot, lambda: app.screen.workspace.vm_pane.border_subtitle is not None)
        assert PARENT_UNKNOWN in str(app.screen.workspace.vm_pane.border_subtitle)  # the words, under the tree
        assert tree.note_of(ids["api-dev-fork"]) == "" and tree.parent_row_of(ids["api-dev-fork"]) == ids["api-dev"]


async def test_collapsing_a_parent_collapses_its_subtree():
    backend = demo_backend()
    app = demo_app(backend)
    async with app.run_test(size=(120, 60)) as pilot:
        tree = await nested(pilot, app)
        top, mid, leaf = (vm_id_of(tree, n) for n in ("ci-runner-1", "ci-runner-3", "ci-runner-4"))
        tree.focus()
        tree.move_cursor_to_key(top)
        await pilot.press("left")
        shown = {getattr(item, "vm_id", None) for item in tree.items()}
        assert top in shown and mid not in shown and leaf not in shown
        assert "▸2" in shown_line(tree, top)
        await pilot.press("right")
        shown = {getattr(item, "vm_id", None) for item in tree.items()}
        assert {top, mid, leaf} <= shown
        # left on a fork goes to its parent first
        tree.move_cursor_to_key(leaf)
        await pilot.press("left")
        assert tree.cursor_key == mid


async def test_fork_rows_are_watched_only_while_grouped_by_lineage():
    backend = demo_backend()
    app = demo_app(backend)
    async with app.run_test(size=(120, 40)) as pilot:
        tree = await nested(pilot, app)
        entry = app.repository.peek(Query.fork_rows())
        assert entry is not None and entry.subscribed
        tree.focus()
        await pilot.press("g")  # by region
        await wait_for(pilot, lambda: not app.repository.peek(Query.fork_rows()).subscribed)
        assert all(tree.depth_of(vm.vm_id) == 0 for vm in tree.vms())
        await pilot.press("g", "g")  # state, then lineage again
        await wait_for(pilot, lambda: app.repository.peek(Query.fork_rows()).subscribed)


async def test_a_server_without_the_fork_log_groups_by_root_and_says_so_once():
    backend = demo_backend()
    backend.emulator.world.features.discard("org_runs")
    app = demo_app(backend)
    async with app.run_test(size=(120, 40)) as pilot:
        tree = app.screen.vm_tree
        await wait_for(pilot, lambda: any("Fork tree unavailable" in n for n in notifications(app)),
                       what="the fallback notice")
        assert not tree.fork_tree_known
        assert all(tree.depth_of(vm.vm_id) == 0 and tree.note_of(vm.vm_id) == "" for vm in tree.vms())
        await pilot.pause(1.0)  # several refresh intervals (0.2 s) later
        assert sum("Fork tree unavailable" in n for n in notifications(app)) == 1
