"""Sort in every list: o cycles the column, O flips the direction, the header
shows both, the sort is kept per pane, and the VM tree sorts within groups."""

from __future__ import annotations

from fault_support import SIZE, make_app, make_backend, wait_for

from arker_tui.api.models import Vm
from arker_tui.emulator import ManualClock, build_demo_world
from arker_tui.repository import Intervals
from arker_tui.ui.widgets.data_list import Column, DataList
from arker_tui.ui.widgets.vm_tree import VmTree
from tests.dashboard_support import main_screen

CALM = Intervals(lists=2.0, detail=2.0, filesystems=2.0, running_run=1.0)


def demo():
    world = build_demo_world(ManualClock())
    return world, make_app(make_backend(world, intervals=CALM))


def values_in_order(data_list: DataList) -> list:
    column = data_list.columns[data_list.sort_column]
    return [column.sort(item) for item in data_list.items()]


def is_sorted(values: list, descending: bool) -> bool:
    present = [v for v in values if v is not None]
    if any(v is not None for v in values[len(present):]):
        return False  # rows without a value come last
    return present == sorted(present, reverse=descending)


def header(data_list: DataList) -> str:
    return "".join(segment.text for segment in data_list.render_line(0))


async def check_sorts(pilot, data_list: DataList, cycle_key: str = "o") -> None:
    """Every column in turn: the rows follow it, both ways, and the header says so."""
    data_list.focus()
    await pilot.pause()
    seen = set()
    for _ in range(len(data_list.shown_columns())):
        before = data_list.sort_column
        await pilot.press(cycle_key)
        assert data_list.sort_column != before
        seen.add(data_list.sort_label)
        for _flip in range(2):
            arrow = "↓" if data_list.descending else "↑"
            assert arrow in header(data_list)
            assert is_sorted(values_in_order(data_list), data_list.descending), data_list.sort_label
            await pilot.press("O")
    assert seen == set(data_list.shown_columns())


async def test_every_list_sorts_by_each_of_its_columns_both_ways():
    world, app = demo()
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        await wait_for(pilot, lambda: screen.vm_tree.vm_count > 0)
        vm_id = next(v.vm_id for v in world.vms.values() if v.name == "ml-train")
        screen.vm_tree.move_cursor_to_key(vm_id)
        await wait_for(pilot, lambda: screen.selected_vm_id == vm_id)
        workspace = screen.workspace
        for number, pane in (("2", workspace.runs_pane), ("3", workspace.sessions_pane),
                             ("4", workspace.tunnels_pane), ("5", workspace.filesystems_pane),
                             ("5", workspace.syncs_pane)):
            await screen.action_focus_pane(number)
            await wait_for(pilot, lambda: pane.data_list.total_count > 0, what=pane.id)
            # In Tunnels o opens the URL; s sorts there (and everywhere).
            await check_sorts(pilot, pane.data_list, "s" if pane is workspace.tunnels_pane else "o")
        await screen.action_focus_pane("4")
        await pilot.pause()
        assert app.focused is workspace.tunnels_pane.data_list
        assert app.screen.active_bindings["o"].binding.id == "tunnels.open"
        # The sort is kept per pane: back in Runs, it is as it was left.
        runs = workspace.runs_pane.data_list
        kept = (runs.sort_column, runs.descending)
        await screen.action_focus_pane("2")
        assert (runs.sort_column, runs.descending) == kept


async def test_the_tree_sorts_within_groups():
    world, app = demo()
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        tree = screen.vm_tree
        await wait_for(pilot, lambda: tree.vm_count > 0)
        groups_before = [row.label for row in tree.items() if not isinstance(row, Vm)]
        tree.focus()
        await pilot.press("o")  # NAME -> CPU MEM
        assert tree.sort_label == "CPU MEM" and not tree.descending
        await pilot.press("O")
        assert tree.descending and "CPU MEM↓" in header(tree)
        rows = tree.items()
        assert [row.label for row in rows if not isinstance(row, Vm)] == groups_before  # groups stay put
        # Within a group, the VMs under one parent (the group itself, or the VM
        # they were forked from) are in the sort's order; the root VM leads.
        siblings: dict = {}
        group = None
        for row in rows:
            if not isinstance(row, Vm):
                group = row.key
            elif row.vm_id not in tree._roots or row.vm_id in tree._parent_row:
                siblings.setdefault((group, tree._parent_row.get(row.vm_id)), []).append(row)
        assert any(len(kids) > 2 for kids in siblings.values())
        for kids in siblings.values():
            cpus = [(v.vcpu_count, v.memory_mib) for v in kids]
            assert cpus == sorted(cpus, reverse=True)


def test_missing_values_sort_last_and_ties_keep_the_natural_order():
    rows = [("a", 3), ("b", None), ("c", 1), ("d", 3)]
    data_list = DataList([Column("NAME", sort=lambda r: r[0]), Column("N", sort=lambda r: r[1])],
                         key_of=lambda r: r[0], render_row=lambda r: [r[0], str(r[1])], sort_key=lambda r: r[0],
                         sort_by="N")
    data_list.set_items(rows)
    assert [r[0] for r in data_list.items()] == ["c", "a", "d", "b"]
    data_list.descending = True
    data_list.set_items(rows)
    assert [r[0] for r in data_list.items()] == ["a", "d", "c", "b"]


def test_a_tree_keeps_marks_and_sort_through_updates():
    vms = [Vm(vm_id=f"vm_{i}", name=f"n{i}", root_source_vm_id="g", root_source_vm_name="ubuntu", vcpu_count=i % 3)
           for i in range(6)]
    tree = VmTree(vms)
    tree.set_marked(["vm_1", "vm_2", ("group", "lineage", "name", "ubuntu")])
    assert tree.marked_keys() == ["vm_1", "vm_2"]  # a group row is never marked
    tree.set_vms(vms[1:])  # an update keeps marks of VMs still there
    assert tree.marked_keys() == ["vm_1", "vm_2"]
    tree.set_vms(vms[2:])
    assert tree.marked_keys() == ["vm_2"]


def test_a_change_of_the_sorted_value_moves_the_row():
    vms = [Vm(vm_id=f"vm_{i}", name=f"n{i}", root_source_vm_id="g", root_source_vm_name="ubuntu", vcpu_count=i + 1)
           for i in range(4)]
    tree = VmTree(vms)
    tree.sort_column = 1  # CPU MEM, as o chooses it
    tree.set_vms(vms)
    assert [v.vm_id for v in tree.items() if isinstance(v, Vm)] == ["vm_0", "vm_1", "vm_2", "vm_3"]
    tree.apply_vm_changes(changed={"vm_0": vms[0].model_copy(update={"vcpu_count": 9})})  # resized
    assert [v.vm_id for v in tree.items() if isinstance(v, Vm)] == ["vm_1", "vm_2", "vm_3", "vm_0"]
    runs = DataList([Column("STATE", sort=lambda r: r[1])], key_of=lambda r: r[0], render_row=lambda r: list(r),
                    sort_by="STATE")
    runs.set_items([("a", "completed"), ("b", "running")])
    runs.apply_changes(changed={"b": ("b", "cancelled")})
    assert [r[0] for r in runs.items()] == ["b", "a"]
