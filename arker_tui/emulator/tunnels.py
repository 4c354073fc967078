"""Tunnels: ``starting`` for two seconds of clock time, then ``open``;
``closed`` once their run ended (run-scoped tunnels) or past ``closed_at``.
DELETE removes a tunnel (404 afterwards). ``auth_token`` (mode
``authenticated``) appears only in the create response."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from arker_tui.api.errors import STATUS_FOR_CODE, ArkerError
from arker_tui.api.models import TUNNEL_AUTH_MODES

from .paging import paginate, parse_limit
from .records import TunnelRec, VmRec

if TYPE_CHECKING:  # pragma: no cover
    from .world import World


def _fail(code: str, message: str) -> ArkerError:
    return ArkerError(code, message, STATUS_FOR_CODE[code])


class TunnelsMixin:
    def __init__(self) -> None:
        pass

    def add_tunnel(self: "World", vm: VmRec, port: int, *, run_id: str | None = None,
                   auth_mode: str = "open", visibility: str = "private", protocol: str = "http",
                   created_at: float | None = None, closed_at: float | None = None) -> TunnelRec:
        key = f"p{port}-{self.rng.getrandbits(24):06x}"
        token = f"tok_{self.rng.getrandbits(128):032x}" if auth_mode == "authenticated" else None
        t = TunnelRec(vm_id=vm.vm_id, port=port, tunnel_key=key,
                      created_at=self.now() if created_at is None else created_at,
                      seq=self.next_seq(), run_id=run_id, visibility=visibility, protocol=protocol,
                      auth_mode=auth_mode, auth_token=token, closed_at=closed_at)
        vm.tunnels[key] = t
        return t

    def _live_tunnel_on(self: "World", vm: VmRec, port: int) -> TunnelRec | None:
        now = self.now()
        for t in vm.tunnels.values():
            run = vm.runs.get(t.run_id) if t.run_id else None
            if t.port == port and t.state(now, run) != "closed":
                return t
        return None

    def create_tunnels(self: "World", vm_id: str, ports: list[int] | None,
                       auth_mode: str | None = None) -> list[dict[str, Any]]:
        self.require_feature("tunnels")
        vm = self.get_vm(vm_id, write=True)
        if not ports:
            raise _fail("bad_request", "ports: at least one port is required")
        mode = auth_mode or "open"
        if mode not in TUNNEL_AUTH_MODES:
            raise _fail("bad_request", f"auth_mode: expected open or authenticated, got {mode!r}")
        for port in ports:
            if not 1 <= port <= 65535:
                raise _fail("bad_request", f"ports: {port} is not a valid port")
            if self._live_tunnel_on(vm, port) is not None:
                raise _fail("conflict", f"ports: port {port} already has a tunnel")
        now = self.now()
        made = [self.add_tunnel(vm, port, auth_mode=mode) for port in ports]
        return [t.render(now, vm, with_token=True) for t in made]

    def find_tunnel(self: "World", vm_id: str, key: str) -> tuple[VmRec, TunnelRec]:
        self.require_feature("tunnels")
        vm = self.get_vm(vm_id)
        t = vm.tunnels.get(key)
        if t is None and key.isdigit():
            matches = [x for x in vm.tunnels.values() if x.port == int(key)]
            t = self._live_tunnel_on(vm, int(key)) or (matches[-1] if matches else None)
        if t is None:
            raise _fail("not_found", f"tunnel {key} not found in vm {vm_id}")
        return vm, t

    def get_tunnel(self: "World", vm_id: str, key: str) -> dict[str, Any]:
        vm, t = self.find_tunnel(vm_id, key)
        return t.render(self.now(), vm)

    def list_tunnels(self: "World", vm_id: str, *, state: str | None = None,
                     cursor: str | None = None, limit: Any = None) -> dict[str, Any]:
        self.require_feature("tunnels")
        vm, now, n = self.get_vm(vm_id), self.now(), parse_limit(limit)
        rendered = ((t, t.render(now, vm)) for t in vm.tunnels.values())
        items = [t for t, data in rendered if not state or data["state"] == state]
        page, next_cursor = paginate(items, cursor, n)
        return {"tunnels": [t.render(now, vm) for t in page], "next_cursor": next_cursor}

    def delete_tunnel(self: "World", vm_id: str, key: str) -> dict[str, Any]:
        vm, t = self.find_tunnel(vm_id, key)
        if vm.owner_org_id != self.org_id:
            raise _fail("forbidden", f"vm {vm.name} belongs to {vm.owner_org_id}")
        del vm.tunnels[t.tunnel_key]
        return {"deleted": True}
