"""The fork tree: who was forked from whom, from the org activity log.

``fork_parents(rows)`` reads the log's successful ``fork`` rows
(``source_vm_id`` -> ``vm_id``) into child -> parent. ``build_forest`` nests
the VMs of one lineage group under their parents; ``flatten`` lays a forest
out as rows with their depth, skipping what is under a collapsed VM.

The tree never invents a parent: a VM without a fork row stays at the top of
its group, noted ``PARENT_UNKNOWN``; a VM whose parent is no longer in the
org stays there too, noted ``PARENT_GONE``. Pure: no Textual.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Collection, Hashable, Iterable, Mapping, Sequence

PARENT_UNKNOWN = "parent unknown"
PARENT_GONE = "parent gone"


def fork_parents(rows: Iterable[Any]) -> dict[str, str]:
    """child vm_id -> source vm_id, from the fork rows that succeeded.

    A VM is created by one fork; rows that disagree about a VM's source are
    both dropped (its parent is then unknown rather than guessed)."""
    parents: dict[str, str] = {}
    disputed: set[str] = set()
    for row in rows:  # OrgRunListRow: every field has a default
        if row.endpoint != "fork" or not 200 <= (row.status or 0) < 300:
            continue
        child, source = row.vm_id, row.source_vm_id
        if not (child and source) or child == source:
            continue
        known = parents.get(child)
        if known is None:
            if child not in disputed:
                parents[child] = source
        elif known != source:
            del parents[child]
            disputed.add(child)
    return parents


@dataclass
class Forest:
    """One group's VMs nested: top rows, children by parent, and notes."""

    top: list[str] = field(default_factory=list)
    children: dict[str, list[str]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)  # vm_id -> PARENT_UNKNOWN / PARENT_GONE

    def descendants(self, vm_id: str) -> int:
        count, stack = 0, list(self.children.get(vm_id, ()))
        while stack:
            node = stack.pop()
            count += 1
            stack.extend(self.children.get(node, ()))
        return count


def build_forest(
    members: Sequence[str],
    parent_of: Mapping[str, str],
    *,
    roots: Collection[str] = (),
    head: str | None = None,
    sort_key: Callable[[str], Any] = lambda vm_id: vm_id,
) -> Forest:
    """Nest ``members`` (one group) by ``parent_of``.

    ``roots``: ids that stand for the group itself (its golden or root VM):
    a VM forked straight from one sits at the top, with no note. ``head``:
    the group's root VM when it is a member; it comes first. Siblings are
    ordered by ``sort_key``."""
    in_group = set(members)
    forest = Forest()
    children = forest.children
    notes = forest.notes
    top: list[str] = []
    for vm_id in members:
        if vm_id == head:
            continue
        parent = parent_of.get(vm_id)
        if parent is None:
            top.append(vm_id)
            notes[vm_id] = PARENT_UNKNOWN
        elif parent == head or (parent in roots and parent not in in_group):
            if parent == head and head is not None:
                children.setdefault(head, []).append(vm_id)
            else:
                top.append(vm_id)
        elif parent in in_group:
            children.setdefault(parent, []).append(vm_id)
        else:
            top.append(vm_id)
            notes[vm_id] = PARENT_GONE
    # A loop in the rows (a -> b -> a) would hide its VMs: they go to the top, unknown.
    reached = _reachable(([head] if head is not None else []) + top, children)
    for vm_id in members:
        if vm_id not in reached:
            parent = parent_of.get(vm_id)
            siblings = children.get(parent) if parent is not None else None
            if siblings is not None and vm_id in siblings:
                siblings.remove(vm_id)
            top.append(vm_id)
            notes[vm_id] = PARENT_UNKNOWN
            reached |= _reachable([vm_id], children)
    top.sort(key=sort_key)
    if head is not None:
        top.insert(0, head)
    for siblings in children.values():
        siblings.sort(key=sort_key)
    forest.top = top
    return forest


def _reachable(starts: Iterable[str], children: Mapping[str, list[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(starts)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(children.get(node, ()))
    return seen


def flatten(forest: Forest, collapsed: Collection[Hashable] = ()) -> list[tuple[str, int]]:
    """(vm_id, depth) in display order; a collapsed VM's subtree is left out."""
    out: list[tuple[str, int]] = []
    children = forest.children
    stack = [(vm_id, 0) for vm_id in reversed(forest.top)]
    while stack:
        vm_id, depth = stack.pop()
        out.append((vm_id, depth))
        if vm_id in collapsed:
            continue
        kids = children.get(vm_id)
        if kids:
            below = depth + 1
            stack += [(kid, below) for kid in reversed(kids)]
    return out
