"""The emulator as several hosts: a control plane and compute hosts, each
owning the VMs of one provider (and region), all over one world.

A per-VM call that reaches a compute host which does not own the VM is
answered ``not_found``, as the real service would: that is how a wrong
``compute_hosts`` entry shows. The control plane owns every VM (it routes).

In-process, ``HostDispatch`` is one ASGI app that picks the host by the
request's host name (``http://aws-eu-central-1.emulator``); served, by the
port the request came in on (``arker-tui emulator --hosts ...``).
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from arker_tui.api.errors import code_for_status

from .asgi import error_response

CONTROL = "control"
# The demo world's placements: every compute host it needs, plus the control plane.
DEMO_HOSTS = ("control", "aws/us-west-2", "aws/eu-central-1", "aws-burst/us-west-2", "aws-burst/eu-central-1")
_PART = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
KNOWN_PROVIDERS = ("aws", "aws-burst")


class HostSpecError(ValueError):
    """An entry of ``--hosts`` that names no host."""


@dataclass(frozen=True)
class EmulatorHost:
    """One host: ``control``, or a compute host for a provider (and region)."""

    name: str  # "control", "aws/eu-central-1", "aws-burst"
    provider: str | None = None
    region: str | None = None

    @property
    def control(self) -> bool:
        return self.name == CONTROL

    def owns(self, provider: str | None, region: str | None) -> bool:
        if self.control:
            return True
        return provider == self.provider and (self.region is None or region == self.region)

    @property
    def hostname(self) -> str:
        """The in-process host name, e.g. ``aws-eu-central-1.emulator``."""
        return self.name.replace("/", "-") + ".emulator"


def parse_host(spec: str) -> EmulatorHost:
    """``control``, ``aws-burst`` or ``aws/eu-central-1``; HostSpecError else."""
    name = spec.strip()
    if name == CONTROL:
        return EmulatorHost(CONTROL)
    parts = name.split("/")
    if len(parts) > 2 or not all(_PART.match(p) for p in parts) or parts[0] not in KNOWN_PROVIDERS:
        raise HostSpecError(
            f"{spec!r} is not a host: expected 'control', a provider ({', '.join(KNOWN_PROVIDERS)}) "
            f"or provider/region such as 'aws/eu-central-1'")
    return EmulatorHost(name, parts[0], parts[1] if len(parts) == 2 else None)


def parse_hosts(text: str, first_port: int) -> list[tuple[EmulatorHost, int]]:
    """``--hosts`` -> [(host, port)]: comma-separated ``HOST[=PORT]`` entries;
    an entry without a port takes the next one from ``first_port``; ``demo``
    stands for the demo world's five hosts."""
    entries = [e.strip() for e in text.split(",") if e.strip()]
    if entries == ["demo"]:
        entries = list(DEMO_HOSTS)
    if not entries:
        raise HostSpecError("--hosts needs at least one host, e.g. 'control,aws/us-west-2'")
    out: list[tuple[EmulatorHost, int]] = []
    next_port = first_port
    for entry in entries:
        spec, _, port_text = entry.partition("=")
        host = parse_host(spec)
        if port_text:
            if not port_text.isdigit() or not 0 < int(port_text) < 65536:
                raise HostSpecError(f"{entry!r}: {port_text!r} is not a port (1-65535)")
            port = int(port_text)
        else:
            port = next_port
        next_port = port + 1
        if any(h.name == host.name for h, _ in out):
            raise HostSpecError(f"{entry!r}: host {host.name} is named twice")
        if any(p == port for _, p in out):
            raise HostSpecError(f"{entry!r}: port {port} is taken by another host")
        out.append((host, port))
    if not any(h.control for h, _ in out):
        raise HostSpecError("--hosts needs a 'control' host (it serves the VM list, filesystems and activity)")
    return out


class HostDispatch:
    """An ASGI app over several hosts' apps: by port when ``by_port`` holds
    the request's port (served), else by host name (in-process)."""

    def __init__(self, by_name: dict[str, Any], by_port: dict[int, Any] | None = None) -> None:
        self.by_name = by_name
        self.by_port = by_port or {}

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            first = next(iter([*self.by_name.values(), *self.by_port.values()]))
            await first(scope, receive, send)
            return
        server = scope.get("server") or (None, None)
        app = self.by_port.get(server[1]) if self.by_port and server[1] is not None else None
        if app is None:
            host = server[0]
            for key, value in scope.get("headers", ()):
                if key == b"host":
                    host = value.decode("latin-1").rsplit(":", 1)[0]
                    break
            app = self.by_name.get(host or "")
        if app is None:
            await error_response(code_for_status(404), f"no such host: {server[0]}", 404)(scope, receive, send)
            return
        await app(scope, receive, send)
