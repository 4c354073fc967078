"""Behaviour of VmTree: grouping, collapse, cursor, selection, filter, scale, safety."""

from __future__ import annotations

import re

from textual.app import App, ComposeResult

from arker_tui.api.models import Vm
from arker_tui.ui.widgets.vm_tree import GroupRow, VmTree
from benchmarks.hooks import RowCounter

CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def vm(vm_id, name=None, *, root=None, root_name=None, state="idle", region="us-west-2", cpu=2, mem=4096, **kw):
    return Vm(
        vm_id=vm_id, name=name, root_source_vm_id=root, root_source_vm_name=root_name, state=state,
        region=region, vcpu_count=cpu, memory_mib=mem, **kw,
    )


def org() -> list[Vm]:
    return [
        vm("vm_api", "api-dev", root="g_ubuntu", root_name="ubuntu", state="running"),
        vm("vm_fork", "api-dev-fork", root="g_ubuntu", root_name="ubuntu"),
        vm("vm_w1", "worker-1", root="g_ubuntu", root_name="ubuntu", cpu=4, mem=8192, region="eu-west-1"),
        vm("vm_scr", "scratch", root="g_ark", root_name="arkuntu", cpu=1, mem=2048),
        vm("vm_base", "base", state="running", region="eu-west-1"),  # a root of others, in the org
        vm("vm_b1", "base-child", root="vm_base", root_name="base"),
        vm("vm_b2", "another-child", root="vm_base", root_name="base", state="running"),
        vm("vm_img1", "from-image-1", region=None),
        vm("vm_img2", None),  # no name: shown by id
    ]


class TreeApp(App):
    def __init__(self, vms: list[Vm]) -> None:
        super().__init__()
        self.initial = vms
        self.selected: list[str | None] = []
        self.groupings: list[str] = []
        self.chosen: list = []

    def compose(self) -> ComposeResult:
        tree = VmTree(id="tree")
        self.rows = RowCounter(tree)  # counts from the first paint on
        yield tree

    def on_mount(self) -> None:
        tree = self.query_one(VmTree)
        tree.set_vms(self.initial)
        tree.focus()

    def on_vm_tree_vm_selected(self, message: VmTree.VmSelected) -> None:
        self.selected.append(message.vm_id)

    def on_data_list_selected(self, message: VmTree.Selected) -> None:
        self.chosen.append(message.key)

    def on_vm_tree_grouping_changed(self, message: VmTree.GroupingChanged) -> None:
        self.groupings.append(message.grouping)


def layout(tree: VmTree) -> list[str]:
    """The visible rows as compact strings: "G label count" / "V key"."""
    rows = []
    for item in tree.items():
        if isinstance(item, GroupRow):
            rows.append(f"G {item.label} {item.count}{'' if item.expanded else ' +'}")
        else:
            rows.append(f"V {item.vm_id}")
    return rows


def screen_lines(tree: VmTree) -> list[str]:
    return [tree.render_line(y).text for y in range(tree.size.height)]


async def test_lineage_grouping_with_goldens_roots_and_images():
    app = TreeApp(org())
    async with app.run_test(size=(60, 20)) as pilot:
        tree = app.query_one(VmTree)
        await pilot.pause()
        assert tree.grouping == "lineage"
        assert layout(tree) == [
            "G arkuntu (golden) 1",
            "V vm_scr",
            "G ubuntu (golden) 3",
            "V vm_api",
            "V vm_fork",
            "V vm_w1",
            "G base 3",
            "V vm_base",  # the root comes first in its own group
            "V vm_b2",
            "V vm_b1",
            "G from images 2",
            "V vm_img1",
            "V vm_img2",
        ]
        assert tree.vm_count == 9 and tree.group_count == 4
        lines = screen_lines(tree)
        assert "NAME · by lineage" in lines[0]
        assert lines[1].strip().startswith("▾ arkuntu (golden)") and lines[1].rstrip().endswith("1")
        base_line = next(line for line in lines if "○" in line or "●" in line if " base " in line + " ")
        assert "● base root" in base_line and "2c 4G" in base_line
        assert any("vm_img2" in line for line in lines)  # unnamed VM shown by its id
        worker = next(line for line in lines if "worker-1" in line)
        assert "4c 8G" in worker and "○ worker-1" in worker


async def test_name_only_roots_join_their_id_group_and_unknown_roots_are_plain():
    vms = [
        vm("a", "a", root="g_u", root_name="ubuntu"),
        vm("b", "b", root=None, root_name="ubuntu"),  # name only: joins the same lineage
        vm("c", "c", root="gone_vm", root_name="deleted-base"),
        vm("d", "d", root="x_other", root_name=None),
    ]
    app = TreeApp(vms)
    async with app.run_test(size=(60, 20)) as pilot:
        tree = app.query_one(VmTree)
        await pilot.pause()
        assert layout(tree) == [
            "G ubuntu (golden) 2", "V a", "V b",
            "G deleted-base 1", "V c",
            "G x_other 1", "V d",
        ]


async def test_g_cycles_region_and_state_grouping_and_keeps_the_cursor():
    app = TreeApp(org())
    async with app.run_test(size=(60, 20)) as pilot:
        tree = app.query_one(VmTree)
        await pilot.pause()
        assert tree.move_cursor_to_key("vm_w1")
        await pilot.press("g")
        await pilot.pause()
        assert tree.grouping == "region" and app.groupings == ["region"]
        assert layout(tree) == [
            "G eu-west-1 2", "V vm_base", "V vm_w1",
            "G us-west-2 6", "V vm_b2", "V vm_api", "V vm_fork", "V vm_b1", "V vm_scr", "V vm_img2",
            "G no region 1", "V vm_img1",
        ]
        assert tree.cursor_key == "vm_w1"
        assert "by region" in screen_lines(tree)[0]
        assert "root" not in " ".join(screen_lines(tree))  # the root mark is a lineage thing
        await pilot.press("g")
        await pilot.pause()
        assert tree.grouping == "state"
        assert [row for row in layout(tree) if row.startswith("G")] == ["G running 3", "G idle 6"]
        assert tree.cursor_key == "vm_w1"
        await pilot.press("g")
        await pilot.pause()
        assert tree.grouping == "lineage" and app.groupings == ["region", "state", "lineage"]
        assert tree.cursor_key == "vm_w1"
        assert any("base root" in line for line in screen_lines(tree))


async def test_collapse_and_expand_with_enter_space_left_right():
    app = TreeApp(org())
    async with app.run_test(size=(60, 20)) as pilot:
        tree = app.query_one(VmTree)
        await pilot.pause()
        assert tree.move_cursor_to_key(("group", "lineage", "id", "g_ubuntu"))
        await pilot.press("enter")
        assert "G ubuntu (golden) 3 +" in layout(tree) and "V vm_api" not in layout(tree)
        assert screen_lines(tree)[3].strip().startswith("▸ ubuntu (golden)")
        await pilot.press("space")
        assert "V vm_api" in layout(tree)
        await pilot.press("left")
        assert "V vm_api" not in layout(tree)
        await pilot.press("right")
        assert "V vm_api" in layout(tree)
        await pilot.press("right")  # on an expanded group: go into it
        assert tree.cursor_key == "vm_api"
        await pilot.press("down", "left")  # on a VM: go to its group row
        assert tree.cursor_key == ("group", "lineage", "id", "g_ubuntu")
        # Collapse state survives a refresh of the data.
        await pilot.press("left")
        tree.set_vms(org())
        assert "V vm_api" not in layout(tree) and tree.cursor_key == ("group", "lineage", "id", "g_ubuntu")


async def test_enter_on_a_vm_posts_selected():
    app = TreeApp(org())
    async with app.run_test(size=(60, 20)) as pilot:
        tree = app.query_one(VmTree)
        await pilot.pause()
        tree.move_cursor_to_key("vm_scr")
        await pilot.press("enter")
        await pilot.pause()
        assert app.chosen == ["vm_scr"]
        assert "V vm_scr" in layout(tree)  # enter on a VM does not collapse anything


async def test_cursor_hidden_by_a_collapse_of_its_group_moves_to_the_group():
    app = TreeApp(org())
    async with app.run_test(size=(60, 20)) as pilot:
        tree = app.query_one(VmTree)
        await pilot.pause()
        tree.move_cursor_to_key("vm_fork")
        tree.set_collapsed(("group", "lineage", "id", "g_ubuntu"), True)
        assert tree.cursor_key == ("group", "lineage", "id", "g_ubuntu")


async def test_cursor_stays_on_the_same_vm_across_reordered_and_changed_data():
    app = TreeApp(org())
    async with app.run_test(size=(60, 20)) as pilot:
        tree = app.query_one(VmTree)
        await pilot.pause()
        tree.move_cursor_to_key("vm_b1")
        await pilot.pause()
        data = list(reversed(org()))
        data = [v.model_copy(update={"name": "zzz-last"}) if v.vm_id == "vm_b1" else v for v in data]
        data.append(vm("vm_new", "aaa-first", root="vm_base"))
        tree.set_vms(data)
        await pilot.pause()
        assert tree.cursor_key == "vm_b1"
        assert tree.selected_vm is not None and tree.selected_vm.name == "zzz-last"
        assert layout(tree)[layout(tree).index("V vm_base") + 1] == "V vm_new"
        # A diff that moves it to another group (new root) keeps it too.
        moved = tree.get_vm("vm_b1").model_copy(update={"root_source_vm_id": "g_ark", "root_source_vm_name": "arkuntu"})
        tree.apply_vm_changes(changed={"vm_b1": moved})
        assert tree.cursor_key == "vm_b1"
        assert layout(tree)[:3] == ["G arkuntu (golden) 2", "V vm_scr", "V vm_b1"]
        assert app.selected[-1] == "vm_b1"


async def test_vm_selected_posted_on_move_but_not_for_group_rows():
    app = TreeApp(org())
    async with app.run_test(size=(60, 20)) as pilot:
        tree = app.query_one(VmTree)
        await pilot.pause()
        assert tree.cursor_key == ("group", "lineage", "id", "g_ark")
        assert app.selected == [] and tree.selected_vm is None
        await pilot.press("down")
        await pilot.pause()
        assert app.selected == ["vm_scr"] and tree.selected_vm.vm_id == "vm_scr"
        await pilot.press("down")  # group row: nothing new is selected
        await pilot.pause()
        assert app.selected == ["vm_scr"] and tree.selected_vm is None and tree.selected_vm_id == "vm_scr"
        await pilot.press("down")
        await pilot.pause()
        assert app.selected == ["vm_scr", "vm_api"]
        # Data refreshes that leave the cursor where it is post nothing.
        tree.set_vms(org())
        tree.apply_vm_changes(changed={"vm_api": vm("vm_api", "api-dev", root="g_ubuntu", root_name="ubuntu")})
        await pilot.pause()
        assert app.selected == ["vm_scr", "vm_api"]
        # The selected VM is deleted: the cursor lands on the next VM, which is announced.
        tree.apply_vm_changes(removed={"vm_api"})
        await pilot.pause()
        assert app.selected == ["vm_scr", "vm_api", "vm_fork"]
        # Everything goes: None.
        tree.set_vms([])
        await pilot.pause()
        assert app.selected[-1] is None and tree.selected_vm is None
        assert "No VMs." in "".join(screen_lines(tree))


async def test_filter_keeps_group_rows_of_matches():
    app = TreeApp(org())
    async with app.run_test(size=(60, 20)) as pilot:
        tree = app.query_one(VmTree)
        await pilot.pause()
        tree.set_filter("API")
        assert layout(tree) == ["G ubuntu (golden) 2", "V vm_api", "V vm_fork"]
        assert tree.group_count == 1 and tree.shown_vm_count == 2 and tree.vm_count == 9
        assert any(line.rstrip().endswith("2/3") for line in screen_lines(tree))
        tree.set_filter("eu-west")  # region
        assert layout(tree) == ["G ubuntu (golden) 1", "V vm_w1", "G base 1", "V vm_base"]
        tree.set_filter("running")  # state
        assert [row for row in layout(tree) if row.startswith("V")] == ["V vm_api", "V vm_base", "V vm_b2"]
        tree.set_filter("vm_img2")  # id
        assert layout(tree) == ["G from images 1", "V vm_img2"]
        tree.set_filter("golden")  # a group's label keeps its whole group
        assert layout(tree)[0] == "G arkuntu (golden) 1" and len(layout(tree)) == 6
        tree.set_filter("no such thing")
        assert layout(tree) == []
        await pilot.pause()
        assert "No VMs match the filter (esc clears)." in "".join(screen_lines(tree))
        tree.set_filter("")
        assert len(layout(tree)) == 13


async def test_filter_shows_matches_in_groups_collapsed_before():
    app = TreeApp(org())
    async with app.run_test(size=(60, 20)) as pilot:
        tree = app.query_one(VmTree)
        await pilot.pause()
        tree.set_collapsed(("group", "lineage", "id", "g_ubuntu"), True)
        tree.set_filter("api")
        assert layout(tree) == ["G ubuntu (golden) 2", "V vm_api", "V vm_fork"]
        tree.set_filter("")
        assert "G ubuntu (golden) 3 +" in layout(tree)


async def test_pending_mark_shows_and_clears():
    app = TreeApp(org())
    async with app.run_test(size=(60, 20)) as pilot:
        tree = app.query_one(VmTree)
        await pilot.pause()
        tree.set_pending("vm_api", "deleting")
        await pilot.pause()
        line = next(line for line in screen_lines(tree) if "api-dev " in line + " " and "fork" not in line)
        assert "⌛ api-dev deleting" in line
        assert tree.pending("vm_api") == "deleting"
        tree.set_pending("vm_api", None)
        await pilot.pause()
        line = next(line for line in screen_lines(tree) if "api-dev " in line + " " and "fork" not in line)
        assert "● api-dev" in line and "deleting" not in line
        # A removed VM forgets its mark.
        tree.set_pending("vm_fork", "deleting")
        tree.apply_vm_changes(removed={"vm_fork"})
        assert tree.pending("vm_fork") is None


def big_org(n: int) -> list[Vm]:
    vms = []
    for i in range(n):
        kind = i % 10
        root, root_name = (("g_u", "ubuntu") if kind < 5 else ("g_a", "arkuntu") if kind < 8 else (None, None))
        vms.append(vm(f"vm_{i:05d}", f"box-{i:05d}", root=root, root_name=root_name,
                      state="running" if i % 3 == 0 else "idle"))
    return vms


async def test_ten_thousand_vms_and_only_changed_rows_rerender():
    vms = big_org(10_000)
    app = TreeApp(vms)
    async with app.run_test(size=(60, 30)) as pilot:
        tree = app.query_one(VmTree)
        rows = app.rows
        await pilot.pause()
        assert tree.vm_count == 10_000 and tree.row_count == 10_003 and tree.group_count == 3
        first_paint = rows.count
        assert 0 < first_paint <= 30  # only what is on screen was rendered
        visible = [item.vm_id for item in tree.items()[:25] if isinstance(item, Vm)]
        # The same data again (fresh, equal objects): nothing re-renders.
        tree.set_vms([v.model_copy() for v in vms])
        await pilot.pause()
        assert rows.count == first_paint
        # A few visible VMs change, plus many off-screen ones: only the visible changed rows re-render.
        changed = {vm_id: tree.get_vm(vm_id).model_copy(update={"vcpu_count": 8}) for vm_id in visible[3:6]}
        for item in vms[5000:5100]:
            changed[item.vm_id] = item.model_copy(update={"memory_mib": 512})
        tree.apply_vm_changes(changed=changed)
        await pilot.pause()
        assert rows.count == first_paint + 3
        assert sum("8c 4G" in line for line in screen_lines(tree)) == 3
        # set_vms with a handful of changes behaves the same.
        data = [tree.get_vm(v.vm_id) for v in vms]
        data[visible[0] == data[0].vm_id and 0] = data[0].model_copy(update={"state": "running", "name": "box-00000"})
        tree.set_vms(data)
        await pilot.pause()
        assert rows.count <= first_paint + 4
        # Scrolling to the end renders only the new screenful.
        before = rows.count
        await pilot.press("end")
        await pilot.pause()
        assert tree.cursor_key == tree.items()[-1].vm_id
        assert rows.count - before <= 30


async def test_hostile_names_render_without_control_characters():
    hostile = [
        vm("vm_esc", "\x1b[2J\x1b]0;pwned\x07evil\x1b[31m"),
        vm("vm_long", "L" * 10_000),
        vm("vm_emoji", "🎉 party 👩‍💻 box"),
        vm("vm_rtl", "\u202eשלום-עולם\u202c"),
        vm("vm_nl", "two\nlines\r\n\tand tab", region="\x1b[5mregion", state="\x1b[0mweird"),
        vm("vm_ctl", "\x00\x01\x02"),  # nothing printable left: shown by id
        vm("vm_root_child", "child", root="vm_esc", root_name="\x1b[2Jevil"),
    ]
    app = TreeApp(hostile)
    async with app.run_test(size=(50, 20)) as pilot:
        tree = app.query_one(VmTree)
        await pilot.pause()
        for grouping in ("lineage", "region", "state"):
            tree.grouping = grouping
            await pilot.pause()
            lines = screen_lines(tree)
            for line in lines:
                assert not CONTROL.search(line), repr(line)
            text = "\n".join(lines)
            assert "evil" in text
            assert "🎉 party" in text
            assert "שלום" in text
            assert "two lines and tab" in text
            assert "vm_ctl" in text
            long_line = next(line for line in lines if "LLLL" in line)
            assert "…" in long_line and len(long_line) <= 50
        lines = screen_lines(tree)  # state grouping: an unknown state is shown as it is
        assert any("▾ [0mweird" in line for line in lines)
        assert any("? two lines" in line for line in lines)
