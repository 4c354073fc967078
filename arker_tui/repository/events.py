"""``ChangeEvent`` and the by-id diff of list values that produces it.

Subscribers are told which ids were added, changed or removed, so a view can
update rows in place instead of rebuilding. Diffing is O(n): one dict of the
new items by id, one lookup and one model equality per item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..api.errors import ArkerError
from .query import Query


@dataclass(frozen=True)
class ChangeEvent:
    """What a subscriber is told: the new value and what changed in it."""

    query: Query
    value: Any  # the whole new value (last good value when error is set)
    added: dict[str, Any] = field(default_factory=dict)
    changed: dict[str, Any] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    error: ArkerError | None = None
    # True when the items are the same but came in another order.
    reordered: bool = False
    # True when a fetch succeeded after errors (the view can clear its error).
    recovered: bool = False
    # A list only: what the fetch had to do about a misbehaving server, in
    # words (a page cut to its limit, paging stopped), or None; also
    # ``Entry.notice``. An event is sent when it appears, changes or goes.
    notice: str | None = None
    notice_changed: bool = False
    # Query.run only:
    stdout_appended: str = ""
    stderr_appended: str = ""
    output_replaced: bool = False  # clear and re-render from value
    state_changed: bool = False

    @property
    def ids(self) -> set[str]:
        """Every id this event touches."""
        return set(self.added) | set(self.changed) | self.removed

    @property
    def is_empty(self) -> bool:
        return not (
            self.added or self.changed or self.removed or self.error or self.reordered or self.recovered
            or self.notice_changed
            or self.stdout_appended or self.stderr_appended or self.output_replaced or self.state_changed
        )


@dataclass
class ListDiff:
    """A new list of items compared with the last one, by id."""

    index: dict[str, Any]  # the new items by id, in list order
    added: dict[str, Any]
    changed: dict[str, Any]
    removed: set[str]
    reordered: bool

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed or self.reordered)


def index_items(items: list[Any], key: Callable[[Any], str]) -> dict[str, Any]:
    return {key(item): item for item in items}


def diff_lists(old_index: dict[str, Any], items: list[Any], key: Callable[[Any], str]) -> ListDiff:
    new_index = index_items(items, key)
    added: dict[str, Any] = {}
    changed: dict[str, Any] = {}
    for item_id, item in new_index.items():
        old = old_index.get(item_id)
        if old is None:
            added[item_id] = item
        elif old is not item and old != item:
            changed[item_id] = item
    removed = (old_index.keys() - new_index.keys()) if len(old_index) + len(added) != len(new_index) else set()
    reordered = False
    if not (added or removed) and len(old_index) == len(new_index):
        # Same ids: did they come in another order? (dicts keep insertion order)
        reordered = any(a != b for a, b in zip(old_index, new_index, strict=True))
    return ListDiff(new_index, added, changed, set(removed), reordered)


def diff_in_place(index: dict[str, Any], fresh: list[Any], key: Callable[[Any], str]) -> ListDiff:
    """The diff when only ``fresh`` items are new objects and each replaced
    the old item of its id in place (nothing added, removed or moved):
    O(fresh). ``index`` (the entry's own) is updated in place with the
    changed items and is the diff's index: no copy of a 10,000-item dict."""
    changed: dict[str, Any] = {}
    for item in fresh:
        item_id = key(item)
        if index.get(item_id) != item:
            changed[item_id] = item
    index.update(changed)
    return ListDiff(index, {}, changed, set(), False)
