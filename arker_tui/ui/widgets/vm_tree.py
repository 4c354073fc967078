"""``VmTree``: the org's VMs, grouped by lineage, region or state.

A ``DataList`` whose rows are group rows and VM rows. The layout (which
groups, in which order, which are expanded, what the filter keeps) is
recomputed from plain dicts and lists on every change; the groups, their
sorted members and the filter's recent results are kept while the VMs stand
(``vm_groups.Grouped``), so a filter keystroke over 100,000 VMs costs what it
shows. Rendering is costlier still: each row's strip stays cached by key until
that row's VM (or group's label/count) changes, so an update of a few VMs
re-renders only those few rows.

Keys: a VM row's key is its ``vm_id`` (a str); a group row's key is a tuple
``("group", grouping, kind, id)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Hashable, Iterable, Mapping, Sequence

from rich.text import Text
from textual.message import Message

from ...api.models import PUBLIC_GOLDENS, Vm
from .. import format as fmt
from ..actions import bindings
from ..filter_terms import VM_FIELDS, epoch
from ..lineage import Forest, build_forest, flatten
from .data_list import Cell, Column, DataList
from .vm_groups import Grouped

GROUPINGS = ("lineage", "region", "state")
NAME_LIMIT = 200  # characters kept of a name before the list cuts it to width
FROM_IMAGES = "from images"
NO_REGION = "no region"

AGE_FROM = 38  # list width (cells) from which AGE shows (the 120-column layout's is 40)
STARTED_FROM = 46  # ... and STARTED (the wide layout's is 48)

GroupKey = tuple  # ("group", grouping, kind, id)


@dataclass(frozen=True)
class GroupRow:
    """One group row: what it shows, so a change of look changes equality."""

    key: GroupKey
    label: str
    count: int  # VMs shown under it (the matches, when filtering)
    total: int  # VMs in the group
    expanded: bool
    golden: bool = False


def _row_key(item: Vm | GroupRow) -> Hashable:
    return item.key if isinstance(item, GroupRow) else item.vm_id


def _placement(vm: Vm) -> tuple:
    """What decides a VM's group, place, group labels and filter match."""
    return (vm.name, vm.root_source_vm_id, vm.root_source_vm_name, vm.region, vm.state)


def _since(iso: str | None) -> float | None:
    """The AGE / STARTED sort value: the newer the time, the smaller (None last)."""
    when = epoch(iso)
    return -when if when is not None else None


def short_age(iso: str | None, now: float) -> str:
    """How long ago, in at most four cells: "now", "12m", "5h", "20d", "2y"."""
    when = epoch(iso)
    if when is None:
        return "-"
    seconds = max(0.0, now - when)
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 2 * 86400:
        return f"{int(seconds // 3600)}h"
    if seconds < 1000 * 86400:
        return f"{int(seconds // 86400)}d"
    return f"{int(seconds // (365 * 86400))}y"


def _state_rank(state: str) -> int:
    return {"running": 0, "idle": 1}.get(state, 2)


class VmTree(DataList):
    """The org's VMs as a tree: group rows (▾/▸ with a count) and VM rows."""

    BINDINGS = bindings("tree")
    filter_fields = VM_FIELDS  # state:, region:, cpu>=, age>... in the `/` line

    DEFAULT_CSS = """
    VmTree { height: 1fr; }
    """

    class VmSelected(Message):
        """The cursor landed on another VM (None: no VM is selected any more)."""

        def __init__(self, tree: "VmTree", vm_id: str | None) -> None:
            super().__init__()
            self.tree = tree
            self.vm_id = vm_id

        @property
        def control(self) -> "VmTree":
            return self.tree

    class GroupingChanged(Message):
        """The grouping was switched (by ``g`` or by setting ``grouping``)."""

        def __init__(self, tree: "VmTree", grouping: str) -> None:
            super().__init__()
            self.tree = tree
            self.grouping = grouping

        @property
        def control(self) -> "VmTree":
            return self.tree

    def __init__(
        self,
        vms: Iterable[Vm] = (),
        *,
        grouping: str = "lineage",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        if grouping not in GROUPINGS:
            raise ValueError(f"grouping must be one of {GROUPINGS}, not {grouping!r}")
        self._grouping = grouping
        super().__init__(
            self._make_columns(grouping),
            key_of=_row_key,
            render_row=self._render_row,
            empty_text="No VMs.",
            name=name,
            id=id,
            classes=classes,
        )
        self.filter_empty_text = "No VMs match the filter (esc clears)."
        self.sort_column = 0  # by name, within each group
        self._vms: dict[str, Vm] = {}
        self._pending: dict[str, str] = {}
        self._collapsed: set[GroupKey] = set()
        self._collapsed_filtering: set[GroupKey] = set()  # reset with every new filter
        self._group_of: dict[str, GroupKey] = {}  # visible layout: vm_id -> its group
        self._groups: dict[GroupKey, GroupRow] = {}
        self._roots: set[str] = set()  # VMs in the org that others were forked from
        self._sort_keys: dict[str, tuple[str, str]] = {}
        self._filter_texts: dict[str, str] = {}
        self._selected_id: str | None = None
        # The fork tree: child -> parent from the org's fork rows; None while
        # unknown (not fetched, or unsupported): then groups are flat, by root.
        self._fork_parents: dict[str, str] | None = None
        self._collapsed_vms: set[str] = set()  # VMs whose subtree is closed
        self._nesting: dict[str, tuple[int, str, int]] = {}  # vm_id -> (depth, note, hidden descendants)
        self._parent_row: dict[str, str] = {}  # a nested VM -> the VM row it hangs under
        self._forests: dict[GroupKey, Forest] = {}
        # The groups of the VMs as they are: a filter or a fold does not change
        # them, so typing in the filter line does not regroup 10,000 VMs.
        self._grouped: Grouped | None = None
        self.shown_vm_count = 0
        if vms:
            self.set_vms(list(vms))

    # --- public API ----------------------------------------------------------------

    @property
    def grouping(self) -> str:
        return self._grouping

    @grouping.setter
    def grouping(self, value: str) -> None:
        if value not in GROUPINGS:
            raise ValueError(f"grouping must be one of {GROUPINGS}, not {value!r}")
        if value == self._grouping:
            return
        self._grouping = value
        self._grouped = None
        self.columns = self._make_columns(value)
        self._strip_cache.clear()  # root marks and group rows look different now
        self._rebuild_order()
        self.post_message(self.GroupingChanged(self, value))

    @property
    def vm_count(self) -> int:
        """VMs in the org (the tree's whole model, filter or not)."""
        return len(self._vms)

    @property
    def group_count(self) -> int:
        """Group rows currently laid out (groups with a match, when filtering)."""
        return len(self._groups)

    @property
    def selected_vm(self) -> Vm | None:
        """The VM under the cursor; None on a group row or when empty."""
        key = self.cursor_key
        return self._vms.get(key) if isinstance(key, str) else None

    @property
    def selected_vm_id(self) -> str | None:
        """The VM last announced by ``VmSelected`` (kept while on a group row)."""
        return self._selected_id

    @property
    def cursor_group(self) -> GroupRow | None:
        """The group row under the cursor, or the group of the VM under it."""
        key = self.cursor_key
        if isinstance(key, tuple):
            return self._groups.get(key)
        return self._groups.get(self._group_of[key]) if isinstance(key, str) and key in self._group_of else None

    def get_vm(self, vm_id: str) -> Vm | None:
        return self._vms.get(vm_id)

    def vms(self) -> list[Vm]:
        """Every VM of the model (not only visible ones), in no particular order."""
        return list(self._vms.values())

    def set_vms(self, vms: Iterable[Vm]) -> None:
        """Replace every VM; only rows whose VM changed will be re-rendered."""
        new: dict[str, Vm] = {}
        for vm in vms:
            new[vm.vm_id] = vm
        old = self._vms
        for vm_id, vm in new.items():
            previous = old.get(vm_id)
            if previous is not vm and previous != vm:
                self._forget(vm_id)
        for vm_id in old.keys() - new.keys():
            self._forget(vm_id)
            self._pending.pop(vm_id, None)
        self._vms = new
        self._grouped = None
        self._rebuild_order()

    def apply_vm_changes(
        self,
        added: Mapping[str, Vm] | None = None,
        changed: Mapping[str, Vm] | None = None,
        removed: Iterable[str] = (),
    ) -> None:
        """Apply a keyed diff (as the repository reports it). When only VMs
        changed and nothing that places them did (name, lineage, region,
        state), the layout stands: their rows are re-rendered, nothing is
        regrouped or sorted again."""
        vms = self._vms
        if changed and not added and not removed:
            placed = _placement
            if all((old := vms.get(vm_id)) is not None and placed(old) == placed(vm) and not self._moves(old, vm)
                   for vm_id, vm in changed.items()):
                items, cache, index = self._items, self._strip_cache, self._index
                top, height = self.scroll_offset.y, self.size.height
                for vm_id, vm in changed.items():
                    vms[vm_id] = items[vm_id] = vm
                    cache.pop(vm_id, None)
                    self.forget_sort_value(vm_id)
                    row = index.get(vm_id)
                    if row is not None and 0 < row + 1 - top < height:
                        self.refresh_line(row + 1)  # only visible changed rows are painted again
                return
        for vm_id in removed:
            if vms.pop(vm_id, None) is not None:
                self._forget(vm_id)
            self._pending.pop(vm_id, None)
        for vm_id, vm in (added or {}).items():
            if vm_id in vms:  # a VM new to the tree has nothing cached to forget
                self._forget(vm_id)
            vms[vm_id] = vm
        for vm_id, vm in (changed or {}).items():
            vms[vm_id] = vm
            self._forget(vm_id)
        self._grouped = None
        self._rebuild_order()

    def set_pending(self, vm_id: str, label: str | None) -> None:
        """Mark a VM as pending (e.g. "deleting"): ⌛ glyph, dimmed; None clears."""
        if label:
            if self._pending.get(vm_id) == label:
                return
            self._pending[vm_id] = label
        elif self._pending.pop(vm_id, None) is None:
            return
        self.refresh_rows([vm_id])

    def pending(self, vm_id: str) -> str | None:
        return self._pending.get(vm_id)

    def set_collapsed(self, group_key: GroupKey, collapsed: bool) -> None:
        collapsed_set = self._collapsed_filtering if self._filter else self._collapsed
        if collapsed:
            collapsed_set.add(group_key)
        else:
            collapsed_set.discard(group_key)
        self._rebuild_order()

    @property
    def fork_tree_known(self) -> bool:
        """The lineage grouping nests forks (the fork rows were read)."""
        return self._fork_parents is not None

    def set_fork_parents(self, parents: Mapping[str, str] | None) -> None:
        """child vm_id -> parent vm_id (``lineage.fork_parents``); None: not
        known, so each group is flat under its root as before."""
        new = dict(parents) if parents is not None else None
        if new == self._fork_parents:
            return
        self._fork_parents = new
        if self._grouping == "lineage":
            self._rebuild_order()

    def depth_of(self, vm_id: str) -> int | None:
        """How deep the VM is nested in the fork tree now (0: top of its group)."""
        look = self._nesting.get(vm_id)
        return look[0] if look is not None else (0 if vm_id in self._index else None)

    def note_of(self, vm_id: str) -> str:
        """"parent unknown" / "parent gone" when the fork tree cannot place it."""
        look = self._nesting.get(vm_id)
        return look[1] if look is not None else ""

    def parent_row_of(self, vm_id: str) -> str | None:
        return self._parent_row.get(vm_id)

    def set_vm_collapsed(self, vm_id: str, collapsed: bool) -> None:
        """Close or open a VM's subtree of forks."""
        if collapsed:
            self._collapsed_vms.add(vm_id)
        else:
            self._collapsed_vms.discard(vm_id)
        self._rebuild_order()

    def reveal(self, vm_id: str) -> None:
        """Open the group and the fork subtrees a VM is hidden in."""
        group = self._group_of.get(vm_id)
        collapsed = self._collapsed_filtering if self._filter else self._collapsed
        if group is not None and group in collapsed:
            collapsed.discard(group)
            self._rebuild_order()  # its forks are laid out now, so their parents are known
        opened = False
        ancestor = self._parent_row.get(vm_id)
        while ancestor is not None:
            if ancestor in self._collapsed_vms:
                self._collapsed_vms.discard(ancestor)
                opened = True
            ancestor = self._parent_row.get(ancestor)
        if opened:
            self._rebuild_order()

    def _has_forks(self, vm_id: str) -> bool:
        group = self._group_of.get(vm_id)
        forest = self._forests.get(group) if group is not None else None
        return bool(forest and forest.children.get(vm_id))

    def tick(self) -> None:
        """AGE and STARTED move on: visible rows are drawn again (cheap: only
        the rows on screen are rendered)."""
        if any(w for c, w in zip(self.columns, self._widths, strict=False) if c.label in ("AGE", "STARTED")):
            self.refresh_rows()

    # DataList's generic model API, mapped onto VMs.
    def set_items(self, items: Iterable[Vm]) -> None:
        self.set_vms(items)

    def apply_changes(self, added=None, changed=None, removed=()) -> None:
        self.apply_vm_changes(added, changed, removed)

    def set_filter(self, text: str) -> None:
        if text.strip().lower() != self._filter:
            self._collapsed_filtering.clear()
        super().set_filter(text)

    # --- actions --------------------------------------------------------------------

    def action_cycle_grouping(self) -> None:
        self.grouping = GROUPINGS[(GROUPINGS.index(self._grouping) + 1) % len(GROUPINGS)]

    def action_toggle_group(self) -> None:
        """space: a group row opens or closes; a VM row is marked or unmarked."""
        key = self.cursor_key
        if isinstance(key, tuple) and key in self._groups:
            self.set_collapsed(key, self._groups[key].expanded)
        elif key is not None:
            self.action_toggle_mark()

    def can_mark(self, key: Hashable) -> bool:
        return isinstance(key, str) and key in self._vms  # group rows are never marked

    def action_select(self) -> None:
        if isinstance(self.cursor_key, tuple):
            self.action_toggle_group()
        else:
            super().action_select()

    def action_collapse(self) -> None:
        key = self.cursor_key
        if isinstance(key, tuple):
            group = self._groups.get(key)
            if group is not None and group.expanded:
                self.set_collapsed(key, True)
        elif isinstance(key, str) and self._has_forks(key) and key not in self._collapsed_vms:
            self.set_vm_collapsed(key, True)
        elif isinstance(key, str) and key in self._parent_row:
            self.move_cursor_to_key(self._parent_row[key])
        elif key is not None and key in self._group_of:
            self.move_cursor_to_key(self._group_of[key])

    def action_expand(self) -> None:
        key = self.cursor_key
        if isinstance(key, str) and key in self._collapsed_vms and self._has_forks(key):
            self.set_vm_collapsed(key, False)
            return
        if not isinstance(key, tuple) or key not in self._groups:
            return
        if self._groups[key].expanded:
            self.action_cursor_down()
        else:
            self.set_collapsed(key, False)

    # --- layout -----------------------------------------------------------------------

    def _make_columns(self, grouping: str) -> list[Column]:
        # AGE and STARTED only where the name keeps room (the 120-column layout
        # has AGE, the 160-column one both; 80 columns neither).
        return [Column(f"NAME · by {grouping}", min_width=8, sort=lambda vm: self._sort_key(vm.vm_id)),
                Column("CPU MEM", width=8, justify="right", sort=lambda vm: (
                    vm.vcpu_count or 0, vm.memory_mib or 0, self._sort_key(vm.vm_id))),
                Column("AGE", width=4, justify="right", hide_below=AGE_FROM, sort=lambda vm: _since(vm.created_at)),
                Column("STARTED", width=7, justify="right", hide_below=STARTED_FROM,
                       sort=lambda vm: _since(vm.started_at))]

    def _forget(self, vm_id: str) -> None:
        self._strip_cache.pop(vm_id, None)
        self.forget_sort_value(vm_id)
        self._sort_keys.pop(vm_id, None)
        self._filter_texts.pop(vm_id, None)

    def _sort_key(self, vm_id: str) -> tuple[str, str]:
        key = self._sort_keys.get(vm_id)
        if key is None:
            vm = self._vms[vm_id]
            name = vm.name or ""
            folded = fmt.clean(name).casefold() or vm_id.casefold()
            if folded == name:
                folded = name  # most names are folded already: one copy of them
            key = self._sort_keys[vm_id] = (folded, vm_id)
        return key

    def _filter_text(self, vm_id: str) -> str:
        text = self._filter_texts.get(vm_id)
        if text is None:
            vm = self._vms[vm_id]
            text = f"{vm.name or ''}\n{vm_id}\n{vm.region or ''}\n{vm.state or ''}".lower()
            self._filter_texts[vm_id] = text
        return text

    def _assign_groups(self) -> Grouped:
        """Group id -> member VM ids, and group id -> (rank, label, golden)."""
        vms = self._vms
        members: dict[tuple, list[str]] = {}
        looks: dict[tuple, tuple[int, str, bool]] = {}
        grouping = self._grouping
        if grouping == "lineage":
            roots: set[str] = set()
            root_id_of_name: dict[str, str] = {}
            for vm_id, vm in vms.items():
                root = vm.root_source_vm_id
                if root and root != vm_id:
                    if root in vms:
                        roots.add(root)
                    if vm.root_source_vm_name:
                        root_id_of_name.setdefault(vm.root_source_vm_name, root)
            if roots != self._roots:
                for vm_id in roots ^ self._roots:
                    self._strip_cache.pop(vm_id, None)
                self._roots = roots
            root_names: dict[tuple, str] = {}
            for vm_id, vm in vms.items():
                root, root_name = vm.root_source_vm_id, vm.root_source_vm_name
                if vm_id in roots:
                    gid: tuple = ("id", vm_id)
                elif root and root != vm_id:
                    gid = ("id", root)
                elif root_name and root_name in root_id_of_name:
                    gid = ("id", root_id_of_name[root_name])
                elif root_name:
                    gid = ("name", root_name)
                else:
                    gid = ("images", "")
                group = members.get(gid)
                if group is None:
                    members[gid] = [vm_id]
                    if root_name and gid[0] != "images":
                        root_names[gid] = root_name
                else:
                    group.append(vm_id)
                    if root_name and gid not in root_names and gid[0] != "images":
                        root_names[gid] = root_name
            for gid in members:
                kind, ident = gid
                if kind == "images":
                    looks[gid] = (2, FROM_IMAGES, False)
                elif kind == "id" and ident in vms:
                    looks[gid] = (1, fmt.trim(vms[ident].name or ident, NAME_LIMIT) or ident, False)
                else:
                    name = root_names.get(gid) or ident
                    if name in PUBLIC_GOLDENS:
                        looks[gid] = (0, f"{name} (golden)", True)
                    else:
                        looks[gid] = (1, fmt.trim(name, NAME_LIMIT) or "?", False)
        elif grouping == "region":
            for vm_id, vm in vms.items():
                gid = ("region", vm.region or "")
                group = members.get(gid)
                if group is None:
                    members[gid] = [vm_id]
                    label = fmt.trim(vm.region, NAME_LIMIT)
                    looks[gid] = (0, label, False) if label else (1, NO_REGION, False)
                else:
                    group.append(vm_id)
        else:
            for vm_id, vm in vms.items():
                state = vm.state if isinstance(vm.state, str) else str(vm.state)
                gid = ("state", state)
                group = members.get(gid)
                if group is None:
                    members[gid] = [vm_id]
                    looks[gid] = (_state_rank(state), fmt.trim(state, 40) or "-", False)
                else:
                    group.append(vm_id)
        return Grouped(members, looks)

    def _compute_order(self) -> list[Hashable]:
        grouped = self._grouped
        regrouped = grouped is None
        if grouped is None:
            grouped = self._grouped = self._assign_groups()
        members, looks = grouped.members, grouped.looks
        grouping = self._grouping
        query = self._filter
        collapsed = self._collapsed_filtering if query else self._collapsed
        lineage = grouping == "lineage"
        roots = self._roots
        vms = self._vms
        cache = self._strip_cache
        old_groups = self._groups
        state = (self.sort_column, self.descending, self.reverse)

        def sort(ids: list[str]) -> list[str]:
            return self.sorted_keys(ids, vms.__getitem__)

        if query:
            if not grouped.texts_ready:
                filter_text = self._filter_text
                for vm_id in vms:
                    filter_text(vm_id)
                grouped.texts_ready = True
            shown_ids = grouped.matches(self._filter_expression, self._filter_texts, vms, fmt.clock().timestamp(),
                                        state, sort)
        else:
            shown_ids = grouped.sorted_members(state, sort)
        # Forks nest only when the fork rows are known and no filter is on
        # (a filter shows its matches, never a parent that does not match).
        parents = self._fork_parents if lineage and not query else None
        collapsed_vms = self._collapsed_vms
        nesting: dict[str, tuple[int, str, int]] = {}
        looks_seen: dict[tuple[int, str, int], tuple[int, str, int]] = {}
        parent_row: dict[str, str] = {}
        forests: dict[GroupKey, Forest] = {}

        order: list[Hashable] = []
        groups: dict[GroupKey, GroupRow] = {}
        group_of: dict[str, GroupKey] = {}
        shown = 0
        for gid in grouped.order:
            vm_ids = shown_ids.get(gid)
            if not vm_ids:
                continue
            rank, label, golden = looks[gid]
            key: GroupKey = ("group", grouping, *gid)
            expanded = key not in collapsed
            row = old_groups.get(key)
            if (row is None or row.count != len(vm_ids) or row.expanded != expanded or regrouped
                    and (row.label != label or row.total != len(members[gid]) or row.golden != golden)):
                row = GroupRow(key, label, len(vm_ids), len(members[gid]), expanded, golden)
                cache.pop(key, None)
            groups[key] = row
            order.append(key)
            shown += len(vm_ids)
            group_of.update(dict.fromkeys(vm_ids, key))
            if not expanded:
                continue
            # vm_ids is kept by ``grouped``: read, never changed here.
            if parents is not None and gid[0] != "images":  # an image has no fork row
                head = gid[1] if gid[0] == "id" and gid[1] in roots else None
                group_roots = {root for vm_id in vm_ids if (root := vms[vm_id].root_source_vm_id) is not None}
                if gid[0] == "id":
                    group_roots.add(gid[1])
                position = {vm_id: n for n, vm_id in enumerate(vm_ids)}  # siblings keep the list's sort
                forest = forests[key] = build_forest(vm_ids, parents, roots=group_roots, head=head,
                                                     sort_key=position.__getitem__)
                for parent, kids in forest.children.items():
                    for kid in kids:
                        parent_row[kid] = parent
                notes = forest.notes
                for vm_id, depth in flatten(forest, collapsed_vms):
                    order.append(vm_id)
                    hidden = forest.descendants(vm_id) if vm_id in collapsed_vms else 0
                    look = (depth, notes.get(vm_id, ""), hidden)
                    nesting[vm_id] = looks_seen.setdefault(look, look)  # a few distinct looks for 100,000 VMs
            elif lineage and gid[0] == "id" and gid[1] in roots and gid[1] in group_of:
                head = gid[1]  # the root VM heads its group
                order.append(head)
                order.extend(vm_id for vm_id in vm_ids if vm_id != head)
            else:
                order.extend(vm_ids)

        old_nesting = self._nesting
        if nesting or old_nesting:
            for vm_id in old_nesting.keys() | nesting.keys():
                if old_nesting.get(vm_id) != nesting.get(vm_id):
                    cache.pop(vm_id, None)  # its indent, note or fold mark changed
        self._nesting = nesting
        self._parent_row = parent_row
        self._forests = forests
        # The DataList model: every VM plus the group rows laid out now. A
        # new filter changes only the group rows: the VMs' entries stand.
        gone = old_groups.keys() - groups.keys()
        for key in gone:
            cache.pop(key, None)
        items: dict[Hashable, Any]
        if regrouped:  # the VMs changed (set_vms / apply_vm_changes regroup)
            items = {}
            items.update(vms)
        else:
            items = self._items
            for key in gone:
                del items[key]
        items.update(groups)
        self._items = items
        self._groups = groups
        self._group_of = group_of
        self.shown_vm_count = shown
        return order

    def _cursor_fallback(self, key: Hashable) -> Hashable | None:
        """When the cursor's row is gone: a VM hidden in a collapsed group leaves
        the cursor on its group row; a vanished group row (regrouping, filter)
        hands it to the selected VM (or that VM's group)."""
        target = key if isinstance(key, str) else self._selected_id
        if target is None:
            return None
        if target in self._index:
            return target
        return self._group_of.get(target)

    def _rebuild_order(self) -> None:
        before = self._cursor
        super()._rebuild_order()
        if self._cursor != before and self.is_mounted and self.size.height > 1:
            self._scroll_cursor_into_view()

    def _announce_cursor(self) -> None:
        super()._announce_cursor()
        key = self.cursor_key
        if isinstance(key, str):
            if key != self._selected_id:
                self._selected_id = key
                self.post_message(self.VmSelected(self, key))
        elif self._selected_id is not None and (key is None or self._selected_id not in self._vms):
            self._selected_id = None
            self.post_message(self.VmSelected(self, None))

    # --- rendering ------------------------------------------------------------------------

    def _render_row(self, item: Vm | GroupRow) -> Sequence[Cell]:
        if isinstance(item, GroupRow):
            label = Text("▾ " if item.expanded else "▸ ", style="bold")
            label.append(item.label, style="bold")
            count = f"{item.count}/{item.total}" if item.count != item.total else str(item.count)
            return [label, Text(count, style="dim")]
        vm = item
        pending = self._pending.get(vm.vm_id)
        name = fmt.trim(vm.name, NAME_LIMIT) or fmt.trim(vm.vm_id, NAME_LIMIT) or "?"
        depth, note, hidden = self._nesting.get(vm.vm_id, (0, "", 0))
        # A fork hangs under its parent: "└ " one step right per generation.
        cell = Text()
        if note:  # under its root, but from which VM is not known: "? " where "└ " would be
            cell.append("  " * depth + "  ? ", style="yellow")
        else:
            cell.append("  " * depth + "└ " if depth else "  ", style="dim")
        cell.append_text(fmt.vm_state(vm.state, pending=pending, label=False))
        cell.append(" ")
        cell.append(name, style="dim" if pending else "")
        if hidden:
            cell.append(f" ▸{hidden}", style="bold")
        if pending:
            cell.append(f" {fmt.trim(pending, 24)}", style="yellow italic")
        elif note:
            cell.append(f" {note}", style="dim italic")
        elif self._grouping == "lineage" and vm.vm_id in self._roots:
            cell.append(" root", style="dim italic")
        dim = "dim" if pending else ""
        now = fmt.clock().timestamp()
        return [cell, Text(fmt.cpu_mem(vm), style=dim), Text(short_age(vm.created_at, now), style="dim"),
                Text(short_age(vm.started_at, now), style="dim")]
