"""``Query``: the hashable key of one cache entry (what the UI asks for).

A query names a kind ("vms", "vm", "runs", ...), the VM it belongs to, the
item it points at (for single-item queries) and its filters as a sorted
tuple, so two views asking for the same thing share one entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Callable

# Kinds whose value is a list of items keyed by an id.
LIST_KINDS = frozenset({"vms", "sessions", "runs", "tunnels", "syncs", "filesystems", "org_runs"})
SINGLE_KINDS = frozenset({"vm", "run"})
KINDS = LIST_KINDS | SINGLE_KINDS
FORK_ROWS_CAP = 10_000  # fork rows read for the fork tree (newest first)


def _tunnel_id(tunnel: Any) -> str:
    return tunnel.tunnel_key or str(tunnel.port)


# How each kind names its items: the key subscribers see in added/changed/removed.
ITEM_ID: dict[str, Callable[[Any], str]] = {
    "vms": attrgetter("vm_id"),
    "vm": attrgetter("vm_id"),
    "sessions": attrgetter("session_id"),
    "runs": attrgetter("run_id"),
    "run": attrgetter("run_id"),
    "tunnels": _tunnel_id,
    "syncs": attrgetter("sync_id"),
    "filesystems": attrgetter("filesystem_id"),
    "org_runs": attrgetter("request_id"),
}


def _freeze(value: Any) -> Any:
    """Filters must be hashable: lists become tuples, dicts sorted tuples."""
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        return tuple(_freeze(v) for v in items)
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    return value


def _filters(values: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((k, _freeze(v)) for k, v in values.items() if v is not None))


@dataclass(frozen=True, slots=True)
class Query:
    """The key of one cache entry: kind, VM, item and filters."""

    kind: str
    vm_id: str | None = None
    item_id: str | None = None  # run_id for Query.run
    filters: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown query kind {self.kind!r}")

    # --- constructors -------------------------------------------------------

    @classmethod
    def vms(cls, **filters: Any) -> "Query":
        return cls("vms", filters=_filters(filters))

    @classmethod
    def vm(cls, vm_id: str) -> "Query":
        return cls("vm", vm_id=vm_id, item_id=vm_id)

    @classmethod
    def sessions(cls, vm_id: str, **filters: Any) -> "Query":
        return cls("sessions", vm_id=vm_id, filters=_filters(filters))

    @classmethod
    def runs(cls, vm_id: str, state: str | None = None, **filters: Any) -> "Query":
        return cls("runs", vm_id=vm_id, filters=_filters({"state": state, **filters}))

    @classmethod
    def run(cls, vm_id: str, run_id: str) -> "Query":
        return cls("run", vm_id=vm_id, item_id=run_id)

    @classmethod
    def tunnels(cls, vm_id: str, **filters: Any) -> "Query":
        return cls("tunnels", vm_id=vm_id, filters=_filters(filters))

    @classmethod
    def syncs(cls, vm_id: str, **filters: Any) -> "Query":
        return cls("syncs", vm_id=vm_id, filters=_filters(filters))

    @classmethod
    def filesystems(cls, **filters: Any) -> "Query":
        return cls("filesystems", filters=_filters(filters))

    @classmethod
    def org_runs(cls, **filters: Any) -> "Query":
        return cls("org_runs", filters=_filters(filters))

    @classmethod
    def fork_rows(cls) -> "Query":
        """The org log's fork calls, for the fork tree: every retained row
        (``since`` 0, not the default day), without bodies."""
        return cls.org_runs(endpoint="fork", since=0, lite=True, max_rows=FORK_ROWS_CAP)

    # --- helpers ------------------------------------------------------------

    @property
    def is_list(self) -> bool:
        return self.kind in LIST_KINDS

    @property
    def filter_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.filters}

    def item_key(self, item: Any) -> str:
        return ITEM_ID[self.kind](item)

    @property
    def key_of(self) -> Callable[[Any], str]:
        """``item_key`` as a plain function (one call less per item in big diffs)."""
        return ITEM_ID[self.kind]

    def __str__(self) -> str:
        parts = [p for p in (self.vm_id, self.item_id if self.kind == "run" else None) if p]
        parts += [f"{k}={v}" for k, v in self.filters]
        return f"{self.kind}({', '.join(parts)})"
