"""Mutations: cancel, delete, create, fork, run, resize (a mixin of Repository).

Each one marks its target pending at once (the UI greys the row), sends the
call, and on success applies the answer to the cache right away (a deleted
VM leaves the VM lists, a cancelled run shows ``cancelled``), then refreshes
the entries it touched. On failure the pending mark goes, the cache is left
as it was, and the ArkerError is raised to the caller.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Awaitable, Callable

from ..api import models as m
from ..api.errors import ArkerError
from .events import ChangeEvent
from .query import Query

if TYPE_CHECKING:  # pragma: no cover
    from .entry import Entry
    from .stats import RepositoryStats

Mark = tuple[str, str, str]  # (kind, id, label)


def _matches(query: Query, item: Any) -> bool:
    """Whether a new item belongs in a list with these filters. Unknown
    filters (dates, prefixes) say no: the refresh that follows decides."""
    return all(hasattr(item, k) and getattr(item, k) == v for k, v in query.filters)


def _without_tokens(item: Any) -> Any:
    """A copy to cache without one-time tunnel tokens: the caller shows them once, nothing keeps them."""
    if isinstance(item, m.Tunnel):
        return item.model_copy(update={"auth_token": None}) if item.auth_token else item
    if isinstance(item, m.Vm) and any(t.auth_token for t in item.tunnels):
        return item.model_copy(update={"tunnels": [_without_tokens(t) for t in item.tunnels]})
    return item


class Mutations:
    # What the mixin uses of its host, the Repository (declared, not defined here).
    client: Any
    stats: RepositoryStats
    _entries: dict[Query, Entry]

    if TYPE_CHECKING:
        def _mark(self, kind: str, item_id: str, label: str) -> None: ...
        def _unmark(self, kind: str, item_id: str, label: str) -> None: ...
        def _cancel_timer(self, entry: Entry) -> None: ...
        def _apply(self, entry: Entry, value: Any, *, recovered: bool = False,
                   first: bool = False) -> ChangeEvent | None: ...
        def _invalidate(self, predicate: Callable[[Query], bool]) -> None: ...
        def _emit(self, entry: Entry, event: ChangeEvent) -> None: ...

    # --- machinery ----------------------------------------------------------

    async def _mutate(
        self,
        marks: list[Mark],
        call: Callable[[], Awaitable[Any]],
        apply: Callable[[Any], None] | None = None,
        affected: Callable[[Query], bool] | None = None,
    ) -> Any:
        for mark in marks:
            self._mark(*mark)
        self.stats.mutations += 1
        try:
            result = await call()
        except BaseException as exc:
            if isinstance(exc, ArkerError):
                self.stats.mutation_errors += 1
                self.stats.last_error = exc
            for mark in marks:
                self._unmark(*mark)
            raise
        try:
            if apply is not None:
                apply(result)
        finally:
            for mark in marks:
                self._unmark(*mark)
        if affected is not None:
            self._invalidate(affected)
        return result

    def _lists(self, kind: str, vm_id: str | None = None) -> list["Entry"]:
        return [
            e for q, e in list(self._entries.items())
            if q.kind == kind and (vm_id is None or q.vm_id == vm_id) and e.has_value and not e._gone
        ]

    def _set_list(self, entry: "Entry", items: list[Any]) -> None:
        event = self._apply(entry, items)
        if event is not None:
            self._emit(entry, event)

    def _remove_item(self, kind: str, vm_id: str | None, item_id: str) -> None:
        for entry in self._lists(kind, vm_id):
            if item_id in entry._index:
                key = entry.query.item_key
                self._set_list(entry, [i for i in entry.value if key(i) != item_id])

    def _add_item(self, kind: str, vm_id: str | None, item: Any, *, front: bool = False) -> None:
        for entry in self._lists(kind, vm_id):
            if not _matches(entry.query, item):
                continue
            key = entry.query.item_key
            item_id = key(item)
            if item_id in entry._index:
                items = [item if key(i) == item_id else i for i in entry.value]
            else:
                items = [item, *entry.value] if front else [*entry.value, item]
            self._set_list(entry, items)

    def _per_vm(self, vm_id: str) -> Callable[[Query], bool]:
        return lambda q: q.kind == "vms" or (q.kind == "vm" and q.vm_id == vm_id)

    # --- runs ---------------------------------------------------------------

    async def cancel_run(self, vm_id: str, run_id: str) -> m.CancelRunResponse:
        def apply(response: m.CancelRunResponse) -> None:
            if response.cancelled:
                self._apply_cancelled(vm_id, run_id)

        def affected(q: Query) -> bool:
            return (q.kind == "run" and q.item_id == run_id) or self._per_vm(vm_id)(q) or (
                q.kind == "runs" and q.vm_id == vm_id)

        return await self._mutate([("run", run_id, "cancelling")],
                                  lambda: self.client.cancel_run(vm_id, run_id), apply, affected)

    def _apply_cancelled(self, vm_id: str, run_id: str) -> None:
        entry = self._entries.get(Query.run(vm_id, run_id))
        if entry is not None and entry.value is not None and not entry.value.is_terminal:
            run = entry.value.model_copy(update={"state": "cancelled"})
            entry.value = run
            self._cancel_timer(entry)  # a finished run is not polled
            self._emit(entry, ChangeEvent(entry.query, run, changed={run_id: run}, state_changed=True))
        for lst in self._lists("runs", vm_id):
            old = lst._index.get(run_id)
            if old is not None and not old.is_terminal:
                new = old.model_copy(update={"state": "cancelled"})
                self._set_list(lst, [new if r.run_id == run_id else r for r in lst.value])

    async def run(
        self, vm_id: str, request: m.RunRequest, idempotency_key: str | None = None, *, refresh: bool = True
    ) -> m.CompletedRunResponse | m.BackgroundRunResponse:
        """Start a command. A background run shows in the VM's runs lists at once.
        ``refresh=False``: the entries it touched are not fetched again now;
        the caller calls ``refresh_after_run`` when it is ready (the console
        paints the output first)."""
        def apply(response: Any) -> None:
            if response.run_id and response.state == "running":
                row = m.RunSummary(run_id=response.run_id, command=request.command, state="running",
                                   session_id=request.session_id, vm_id=vm_id)
                self._add_item("runs", vm_id, row, front=True)

        return await self._mutate(
            [("vm", vm_id, "running command")],
            lambda: self.client.run(vm_id, request, idempotency_key=idempotency_key), apply,
            self._run_affected(vm_id) if refresh else None)

    def _run_affected(self, vm_id: str) -> Callable[[Query], bool]:
        return lambda q: self._per_vm(vm_id)(q) or (q.kind in ("runs", "sessions") and q.vm_id == vm_id)

    def refresh_after_run(self, vm_id: str) -> None:
        """Fetch again what a run touched (after ``run(..., refresh=False)``)."""
        self._invalidate(self._run_affected(vm_id))

    # --- VMs ----------------------------------------------------------------

    async def delete_vm(self, vm_id: str) -> m.DeleteVmResponse:
        def apply(response: m.DeleteVmResponse) -> None:
            self._remove_item("vms", None, vm_id)
            for query, entry in list(self._entries.items()):
                if query.vm_id != vm_id:
                    continue
                # Its detail entries can only answer not_found from now on.
                entry._gone = True
                self._cancel_timer(entry)
                if query.kind == "vm" and entry.value is not None:
                    self._emit(entry, ChangeEvent(query, entry.value, removed={vm_id}))
                if not entry.subscribed and not entry.loading:
                    del self._entries[query]

        return await self._mutate([("vm", vm_id, "deleting")], lambda: self.client.delete_vm(vm_id),
                                  apply, lambda q: q.kind == "vms")

    async def fork(self, request: m.ForkRequest) -> m.Vm:
        """Fork a VM; the new VM joins the VM lists at once."""
        marks = [("vm", request.source_vm_id, "forking")] if request.source_vm_id else []
        return await self._mutate(marks, lambda: self.client.fork(request),
                                  lambda vm: self._add_item("vms", None, _without_tokens(vm)),
                                  lambda q: q.kind == "vms")

    async def resize(self, vm_id: str, request: m.ResizeRequest) -> m.ResizeResponse:
        return await self._mutate([("vm", vm_id, "resizing")], lambda: self.client.resize(vm_id, request),
                                  None, self._per_vm(vm_id))

    # --- sessions, tunnels, syncs ---------------------------------------------

    async def create_session(self, vm_id: str, request: m.CreateSessionRequest | None = None) -> m.Session:
        return await self._mutate([("vm", vm_id, "creating session")],
                                  lambda: self.client.create_session(vm_id, request),
                                  lambda s: self._add_item("sessions", vm_id, s), self._per_vm(vm_id))

    async def delete_session(self, vm_id: str, session_id: str) -> m.DeleteSessionResponse:
        return await self._mutate([("session", session_id, "deleting")],
                                  lambda: self.client.delete_session(vm_id, session_id),
                                  lambda _: self._remove_item("sessions", vm_id, session_id), self._per_vm(vm_id))

    async def create_tunnel(self, vm_id: str, request: m.TunnelRequest | None = None) -> m.Tunnel:
        """The answer carries the one-time ``auth_token``: show it from the return value."""
        return await self._mutate([("vm", vm_id, "creating tunnel")],
                                  lambda: self.client.create_tunnel(vm_id, request),
                                  lambda t: self._add_item("tunnels", vm_id, _without_tokens(t)),
                                  lambda q: self._per_vm(vm_id)(q) or (q.kind == "tunnels" and q.vm_id == vm_id))

    async def delete_tunnel(self, vm_id: str, tunnel_key: str) -> m.DeleteTunnelResponse:
        def remove(_: Any) -> None:
            # A tunnel listed by tunnel_key may be deleted by its port, and back.
            for entry in self._lists("tunnels", vm_id):
                for key, tunnel in list(entry._index.items()):
                    if tunnel_key in (str(tunnel.port), tunnel.tunnel_key):
                        self._remove_item("tunnels", vm_id, key)

        return await self._mutate([("tunnel", tunnel_key, "deleting")],
                                  lambda: self.client.delete_tunnel(vm_id, tunnel_key), remove,
                                  lambda q: self._per_vm(vm_id)(q) or (q.kind == "tunnels" and q.vm_id == vm_id))

    async def create_sync(self, vm_id: str, request: m.SyncCreateRequest) -> m.Sync:
        return await self._mutate([("vm", vm_id, "creating sync")], lambda: self.client.create_sync(vm_id, request),
                                  lambda s: self._add_item("syncs", vm_id, s), None)

    async def delete_sync(self, vm_id: str, sync_id: str) -> m.DeleteSyncResponse:
        return await self._mutate([("sync", sync_id, "deleting")], lambda: self.client.delete_sync(vm_id, sync_id),
                                  lambda _: self._remove_item("syncs", vm_id, sync_id), None)

    # --- filesystems and files --------------------------------------------------

    async def create_filesystem(self, name: str) -> m.Filesystem:
        return await self._mutate([("filesystem", name, "creating")], lambda: self.client.create_filesystem(name),
                                  lambda f: self._add_item("filesystems", None, f), None)

    async def delete_filesystem(self, filesystem_id: str) -> m.DeleteFilesystemResponse:
        def affected(q: Query) -> bool:
            return q.kind == "syncs"  # its mounts go with it

        return await self._mutate([("filesystem", filesystem_id, "deleting")],
                                  lambda: self.client.delete_filesystem(filesystem_id),
                                  lambda _: self._remove_item("filesystems", None, filesystem_id), affected)

    async def read_file(self, vm_id: str, path: str) -> bytes:
        """A file's bytes (not cached)."""
        self.stats.requests += 1
        return await self.client.read_file(vm_id, path)

    async def write_file(self, vm_id: str, path: str, data: bytes | str) -> m.SyncWriteResponse:
        return await self._mutate([("vm", vm_id, "writing file")],
                                  lambda: self.client.write_file(vm_id, path, data))
