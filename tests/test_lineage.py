"""The fork tree's builder: fork rows -> parents -> nested rows (no Textual)."""

from __future__ import annotations

from arker_tui.api.models import OrgRunListRow
from arker_tui.ui.lineage import PARENT_GONE, PARENT_UNKNOWN, build_forest, flatten, fork_parents


def fork(child: str, source: str, status: int = 200, endpoint: str = "fork") -> OrgRunListRow:
    return OrgRunListRow(request_id=f"req_{child}_{source}_{status}", endpoint=endpoint, status=status,
                         vm_id=child, source_vm_id=source)


def test_fork_parents_reads_only_successful_fork_rows():
    rows = [fork("a", "golden"), fork("b", "a"), fork("c", "b", status=500), fork("d", "a", endpoint="run"),
            fork("", "a"), fork("e", ""), fork("f", "f")]
    assert fork_parents(rows) == {"a": "golden", "b": "a"}


def test_rows_that_disagree_about_a_parent_leave_it_unknown():
    rows = [fork("a", "x"), fork("a", "y"), fork("a", "x"), fork("b", "x"), fork("b", "x")]
    assert fork_parents(rows) == {"b": "x"}


def test_three_deep_under_a_golden_and_a_missing_row_stays_at_the_top():
    parents = {"api": "golden", "api-fork": "api", "api-fork-2": "api-fork", "worker": "golden"}
    members = ["worker", "api-fork-2", "orphan", "api", "api-fork"]
    forest = build_forest(members, parents, roots={"golden"})
    assert flatten(forest) == [("api", 0), ("api-fork", 1), ("api-fork-2", 2), ("orphan", 0), ("worker", 0)]
    assert forest.notes == {"orphan": PARENT_UNKNOWN}


def test_a_root_vm_in_the_org_heads_its_group():
    parents = {"child": "base", "grandchild": "child", "other": "base"}
    forest = build_forest(["other", "grandchild", "base", "child"], parents, roots={"base"}, head="base")
    assert flatten(forest) == [("base", 0), ("child", 1), ("grandchild", 2), ("other", 1)]
    assert forest.notes == {}


def test_a_parent_no_longer_in_the_org_is_not_invented():
    forest = build_forest(["kid"], {"kid": "deleted-vm"}, roots={"golden"})
    assert flatten(forest) == [("kid", 0)]
    assert forest.notes == {"kid": PARENT_GONE}


def test_collapsing_a_parent_hides_its_whole_subtree():
    parents = {"a": "g", "b": "a", "c": "b", "d": "g"}
    forest = build_forest(["a", "b", "c", "d"], parents, roots={"g"})
    assert flatten(forest, collapsed={"a"}) == [("a", 0), ("d", 0)]
    assert forest.descendants("a") == 2
    assert flatten(forest, collapsed={"b"}) == [("a", 0), ("b", 1), ("d", 0)]


def test_a_loop_in_the_rows_does_not_hide_vms():
    forest = build_forest(["a", "b"], {"a": "b", "b": "a"}, roots={"g"})
    shown = [vm_id for vm_id, _ in flatten(forest)]
    assert sorted(shown) == ["a", "b"]


def test_siblings_follow_the_sort_key():
    parents = {"x1": "g", "x2": "g", "x3": "g"}
    forest = build_forest(["x1", "x2", "x3"], parents, roots={"g"}, sort_key=lambda v: -int(v[1]))
    assert [v for v, _ in flatten(forest)] == ["x3", "x2", "x1"]
