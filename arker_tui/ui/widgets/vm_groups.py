"""``Grouped``: the VM tree's groups as the VMs are, and what its filter keeps of them.

The groups only change when the VMs or the grouping do; a filter, a fold or
a cursor move does not regroup. Kept with them, so a keystroke in the `/`
line over 100,000 VMs costs what it shows, not what the org holds:

- the groups in display order and each group's label in lower case;
- each group's members in the current sort (a filtered list is a subset of
  a sorted list, so it comes out sorted);
- the last few filter results: a longer query (every earlier word is part of
  a word typed now) filters an earlier result instead of every VM, and
  backspace finds the result it had before.

Pure: no Textual. The tree makes one when its VMs or grouping change.
"""

from __future__ import annotations

from typing import Any, Callable, Hashable, Mapping

GroupId = tuple  # ("id", vm_id) / ("name", root name) / ("images", "") / ("region", r) / ("state", s)
Matches = dict  # group id -> its matching members, in sort order (groups with none left out)

KEEP_RESULTS = 24  # filter results kept ...
KEEP_IDS = 400_000  # ... and VM ids in them at most (a few MB)


class Grouped:
    def __init__(self, members: dict[GroupId, list[str]], looks: dict[GroupId, tuple[int, str, bool]]) -> None:
        self.members = members
        self.looks = looks
        self.order: list[GroupId] = sorted(members, key=lambda g: (looks[g][0], looks[g][1].casefold(), g))
        self.labels = {gid: look[1].lower() for gid, look in looks.items()}  # a group's name counts for its members
        self.texts_ready = False  # the tree filled its filter texts for these VMs
        self._sort_state: Hashable = None
        self._sorted: dict[GroupId, list[str]] | None = None
        self._results: dict[str, tuple[tuple[str, ...], Matches, int]] = {}  # query -> (words, matches, ids)
        self._kept = 0

    def sorted_members(self, state: Hashable, sort: Callable[[list[str]], list[str]]) -> dict[GroupId, list[str]]:
        """Every group's members in the sort ``state`` names (sorted once per state)."""
        if self._sorted is None or state != self._sort_state:
            self._sorted = {gid: sort(ids) for gid, ids in self.members.items()}
            self._sort_state = state
            self._results.clear()  # they are in the old order
            self._kept = 0
        return self._sorted

    def matches(self, expression: Any, texts: Mapping[str, str], vms: Mapping[str, Any], now: float,
                state: Hashable, sort: Callable[[list[str]], list[str]]) -> Matches:
        """Group id -> its members that ``expression`` keeps, in sort order.

        ``texts``: each VM's searchable text (lower case). A result with
        ``key:value`` terms is not kept: an age term moves with the clock."""
        words, predicates = expression.words, expression.predicates
        sorted_members = self.sorted_members(state, sort)
        kept = self._results.get(expression.text) if not predicates else None
        if kept is not None:
            return kept[1]
        base: Mapping[GroupId, list[str]] = sorted_members
        smallest = None
        for old_words, result, count in self._results.values():
            # Each earlier word inside a word of now: what now matches, it matched.
            contained = all(any(old in word for word in words) for old in old_words)
            if contained and (smallest is None or count < smallest):
                base, smallest = result, count
        labels = self.labels
        found: Matches = {}
        total = 0
        for gid, ids in base.items():
            label = labels[gid]
            for word in words:
                if word not in label:
                    ids = [vm_id for vm_id in ids if word in texts[vm_id]]
                    if not ids:
                        break
            if ids:
                for holds in predicates:
                    ids = [vm_id for vm_id in ids if holds(vms[vm_id], now)]
                    if not ids:
                        break
            if ids:
                found[gid] = ids
                total += len(ids)
        if not predicates and words:
            self._keep(expression.text, words, found, total)
        return found

    def _keep(self, text: str, words: tuple[str, ...], found: Matches, total: int) -> None:
        results = self._results
        old = results.pop(text, None)
        if old is not None:
            self._kept -= old[2]
        results[text] = (words, found, total)
        self._kept += total
        while len(results) > 1 and (len(results) > KEEP_RESULTS or self._kept > KEEP_IDS):
            oldest = next(iter(results))
            self._kept -= results.pop(oldest)[2]
