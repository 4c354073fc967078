"""The tree's filter keeps its results: a longer query filters the last result,
backspace finds an earlier one. What it shows must equal a fresh filter."""

from __future__ import annotations

import random

from arker_tui.api.models import Vm
from arker_tui.ui.widgets.vm_tree import VmTree
from tests.test_vm_tree import TreeApp


def scale_org(n: int = 400) -> list[Vm]:
    rng = random.Random(3)
    roles = ["api", "worker", "web", "db"]
    vms = [Vm(vm_id="g_ubuntu", name="ubuntu", public=True)]
    for i in range(n):
        root = rng.choice([None, "g_ubuntu", f"vm_{i // 10 * 10:04d}"])
        vms.append(Vm(vm_id=f"vm_{i:04d}", name=f"{roles[i % 4]}-{i:04d}", root_source_vm_id=root,
                      root_source_vm_name="ubuntu" if root == "g_ubuntu" else None,
                      state=rng.choice(["idle", "running"]), region=rng.choice(["us-west-2", "eu-central-1"]),
                      vcpu_count=rng.choice([1, 2, 4]), memory_mib=2048,
                      created_at=f"2026-01-{1 + i % 28:02d}T00:00:00Z"))
    return vms


def shown(tree: VmTree) -> list:
    return [tree.key_of(item) for item in tree.items()]


def fresh(vms: list[Vm], query: str, **sort) -> list:
    tree = VmTree(vms)
    if sort:
        tree.sort_by(**sort)
    tree.set_filter(query)
    return shown(tree)


async def test_typing_and_backspace_show_what_a_fresh_filter_shows():
    vms = scale_org()
    app = TreeApp(vms)
    async with app.run_test() as pilot:
        tree = app.query_one(VmTree)
        typed = ""
        for char in "worker-00" + "\b" * 4 + "r-01" + "\b" * 9 + "w 1":
            typed = typed[:-1] if char == "\b" else typed + char
            tree.set_filter(typed)
            await pilot.pause()
            assert shown(tree) == fresh(vms, typed), typed
            assert tree.shown_vm_count == sum(1 for key in shown(tree) if isinstance(key, str)) or typed == ""


async def test_a_word_matching_a_group_label_then_a_longer_word():
    vms = scale_org()
    app = TreeApp(vms)
    async with app.run_test() as pilot:
        tree = app.query_one(VmTree)
        for typed in ("ub", "ubuntu", "ubuntu web", "ubuntu web-00", "ubuntu w", "state:idle ubuntu w"):
            tree.set_filter(typed)
            await pilot.pause()
            assert shown(tree) == fresh(vms, typed), typed
        assert any(isinstance(k, str) for k in shown(tree))


async def test_a_new_sort_or_new_vms_while_filtering_are_not_served_from_old_results():
    vms = scale_org()
    app = TreeApp(vms)
    async with app.run_test() as pilot:
        tree = app.query_one(VmTree)
        tree.set_filter("work")
        await pilot.pause()
        tree.sort_by("CPU MEM", descending=True)
        tree.set_filter("worke")
        assert shown(tree) == fresh(vms, "worke", label="CPU MEM", descending=True)
        extra = Vm(vm_id="vm_new", name="worker-new", region="us-west-2")
        tree.apply_vm_changes(added={"vm_new": extra})
        tree.set_filter("worker")
        assert "vm_new" in shown(tree)
        assert shown(tree) == fresh([*vms, extra], "worker", label="CPU MEM", descending=True)
        tree.apply_vm_changes(removed=["vm_0001"])
        tree.set_filter("worker-")
        assert "vm_0001" not in shown(tree)
