"""The VM list of a big world served from pages built once.

Walking 100,000 records to skip to a cursor, rendering each VM and encoding
the page again on every request would make a benchmark measure the emulator,
not the app (a full sweep at 100 per page would cost the emulator O(n²)). With
the cache on (``World.serve_pages_once()``), each filter's list of matching VMs
is built once (in ``seq`` order, so a cursor is found by bisection) and each
page's JSON is encoded once, then served as those bytes.

Everything is dropped when ``World.version`` moves (a world method that changes
a VM, or any non-GET request through the emulator bumps it) or when time
reaches the next moment a VM's rendering would change by itself (a run ends,
a tunnel opens or closes). A test that edits records directly must call
``world.touch()`` (the cache is off unless asked for).
"""

from __future__ import annotations

import json
import math
from bisect import bisect_right
from typing import TYPE_CHECKING, Any, Callable, Hashable

from .asgi import Response
from .paging import decode_cursor, encode_cursor
from .records import TUNNEL_STARTUP_SECONDS, RunRec, VmRec

if TYPE_CHECKING:  # pragma: no cover
    from .world import World


class EncodedJson:
    """A handler's answer already encoded (the emulator sends the bytes as they are)."""

    __slots__ = ("body",)

    def __init__(self, body: bytes) -> None:
        self.body = body

    def response(self) -> Response:
        return Response(self.body, 200, "application/json")

    def decoded(self) -> Any:
        return json.loads(self.body)


def run_end(run: RunRec) -> float:
    """When a run stops being ``running`` (a forced end is already past)."""
    if run.forced_state is not None:
        return -math.inf
    duration = run.program.duration
    if run.timeout is not None and run.timeout < duration:
        duration = run.timeout
    return run.started_at if run.instant else run.started_at + duration


def next_change(vm: VmRec, now: float) -> float:
    """The next moment ``vm.render(now)`` changes with no call made: a
    running run ends (its VM, session and tunnel states follow), a tunnel
    finishes starting or closes."""
    soon = math.inf
    for run_id in vm.active_runs:
        run = vm.runs.get(run_id)
        if run is not None:
            end = run_end(run)
            if end > now:
                soon = min(soon, end)
    for tunnel in vm.tunnels.values():
        for moment in (tunnel.created_at + TUNNEL_STARTUP_SECONDS, tunnel.closed_at):
            if moment is not None and moment > now:
                soon = min(soon, moment)
    return soon


class VmPages:
    def __init__(self, world: "World") -> None:
        self.world = world
        self._version: int | None = None
        self._valid_until = -math.inf
        self._lists: dict[Hashable, tuple[list[int], list[VmRec]]] = {}
        self._bodies: dict[tuple[Hashable, int | None, int], EncodedJson] = {}
        self.builds = 0  # times everything was rebuilt (tests read it)

    def _check(self, now: float) -> None:
        if self._version == self.world.version and now < self._valid_until:
            return
        self._lists.clear()
        self._bodies.clear()
        self._version = self.world.version
        self._valid_until = min((next_change(vm, now) for vm in self.world.vms.values()), default=math.inf)
        self.builds += 1

    def page(self, key: Hashable, keep: Callable[[VmRec], bool], cursor: str | None, limit: int,
             now: float) -> EncodedJson:
        """The page after ``cursor`` of the VMs that ``keep`` (``key`` names
        that filter), encoded as the plain route would encode it."""
        self._check(now)
        after = decode_cursor(cursor) if cursor else None
        cached = self._bodies.get((key, after, limit))
        if cached is not None:
            return cached
        kept = self._lists.get(key)
        if kept is None:
            vms = sorted((vm for vm in self.world.vms.values() if keep(vm)), key=lambda vm: vm.seq)
            kept = self._lists[key] = ([vm.seq for vm in vms], vms)
        seqs, vms = kept
        start = bisect_right(seqs, after) if after is not None else 0
        page = vms[start:start + limit]
        more = start + limit < len(vms)
        payload = {"vms": [vm.render(now) for vm in page],
                   "next_cursor": encode_cursor(page[-1].seq) if more and page else None}
        body = json.dumps(payload, ensure_ascii=False, allow_nan=False, indent=None,
                          separators=(",", ":")).encode("utf-8")
        encoded = self._bodies[(key, after, limit)] = EncodedJson(body)
        return encoded
