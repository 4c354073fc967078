"""What an action acts on, taken from what is on screen, and checked again
before anything destructive is sent.

A ``Target`` remembers the query its item came from: just before the
request goes out, ``gone_reason`` looks at that query's current data (the
cache keeps refreshing while a dialog is open) and at the VM list, and says
why the target is no longer what the user confirmed, if it is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..api import models as m
from ..repository import Query
from . import format as fmt

NOUNS = {"vm": "VM", "run": "run", "session": "session", "tunnel": "tunnel", "sync": "sync",
         "filesystem": "filesystem"}


def short_id(ident: str, keep: int = 8) -> str:
    """``vm_2e05…``: enough of an id to tell it apart on one line."""
    return ident if len(ident) <= keep + 1 else ident[:keep] + "…"


@dataclass(frozen=True)
class Target:
    kind: str  # a key of NOUNS
    key: str  # the id the API takes (a tunnel's key, a run's id, ...)
    name: str  # what the user calls it: "6006", "python train.py", "ml-train"
    query: Query  # where the item was read from
    vm: m.Vm | None = None  # the VM it belongs to (None for org-wide things)
    item: Any = None

    @property
    def noun(self) -> str:
        return NOUNS[self.kind]

    @property
    def vm_id(self) -> str | None:
        return self.vm.vm_id if self.vm is not None else None

    @property
    def where(self) -> str:
        """ "on ml-train (vm_2e05…)", or "" for the VM itself and org-wide things."""
        if self.vm is None or self.kind == "vm":
            return ""
        return f"on {fmt.trim(self.vm.label, 40)} ({short_id(self.vm.vm_id)})"

    def words(self) -> str:
        """ "tunnel 6006 on ml-train (vm_2e05…)" / "VM ml-train (vm_2e05…)"."""
        if self.kind == "vm":
            return f"VM {fmt.trim(self.name, 60)} ({short_id(self.key)})"
        return " ".join(p for p in (self.noun, fmt.trim(self.name, 60), self.where) if p)


def vm_target(vm: m.Vm) -> Target:
    return Target("vm", vm.vm_id, vm.label, Query.vms(), vm, vm)


def item_target(kind: str, query: Query, item: Any, vm: m.Vm | None) -> Target:
    key = query.item_key(item)
    if kind == "run":
        name = fmt.trim(item.command or item.run_id, 50)
    elif kind == "tunnel":
        name = str(item.port)
    elif kind == "filesystem":
        name = item.name or item.filesystem_id
    elif kind == "sync":
        name = item.path or item.sync_id
    else:
        name = key
    return Target(kind, key, name, query, vm, item)


def open_run_target(vm: m.Vm | None, vm_id: str, run: m.Run) -> Target:
    return Target("run", run.run_id, fmt.trim(run.command or run.run_id, 50), Query.run(vm_id, run.run_id),
                  vm, run)


def current_item(repo: Any, target: Target) -> Any:
    """The target's item as the cache holds it now (None: gone or unknown)."""
    entry = repo.peek(target.query)
    if entry is None or entry.value is None:
        return target.item  # nothing newer to compare with
    value = entry.value
    if not isinstance(value, list):
        return value if target.query.item_key(value) == target.key else None
    key = target.query.item_key
    return next((item for item in value if key(item) == target.key), None)


def gone_reason(repo: Any, target: Target) -> str | None:
    """Why the target is no longer what the user confirmed; None while it is."""
    vm = target.vm
    if vm is not None:
        vms = repo.peek(Query.vms())
        if vms is not None and vms.value is not None and all(v.vm_id != vm.vm_id for v in vms.value):
            return f"{fmt.trim(vm.label, 40)} ({short_id(vm.vm_id)}) is gone (deleted elsewhere?)"
        if repo.is_pending("vm", vm.vm_id) == "deleting":
            return f"{fmt.trim(vm.label, 40)} is being deleted"
    if target.kind == "vm":
        return None
    if current_item(repo, target) is None:
        return f"the {target.words()} is gone (deleted elsewhere?)"
    return None
