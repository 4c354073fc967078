"""Serve the emulator on a local port (``arker-tui emulator --port N``).

uvicorn is an optional extra (``pip install arker-tui[serve]``), imported
only here. Point the client at ``http://HOST:PORT`` (as both the control and
the compute base URL; the ``/v1`` prefix is part of every route). With
``--hosts``, each host has its own port and the banner prints the profile
that maps them.
"""

from __future__ import annotations

from typing import Any

from .app import Emulator
from .clock import Clock, RealClock
from .faults import Faults
from .hosts import EmulatorHost
from .world import World


def make_emulator(*, demo: bool = True, api_key: str | None = None, scale: int | None = None,
                  faults: Faults | None = None, runs_per_vm: int = 3, output_lines: int = 100,
                  seed: int = 0, clock: Clock | None = None) -> Emulator:
    """``clock``: the world's (real time unless given; the soak runs one faster)."""
    clock = clock or RealClock()
    if scale:
        from .scale import build_scale_world

        world: World = build_scale_world(clock, vms=scale, runs_per_vm=runs_per_vm,
                                         output_lines=output_lines, seed=seed, pages_once=True)
    elif demo:
        from .demo import build_demo_world

        world = build_demo_world(clock)
    else:
        world = World(clock)
    return Emulator(world, api_key=api_key, faults=faults)


def hosts_banner(hosts: list[tuple[EmulatorHost, int]], bind: str) -> str:
    """Where each host listens, and the profile that points arker-tui at them."""
    lines = [f"  {h.name:<24} http://{bind}:{port}" for h, port in hosts]
    control = next(port for h, port in hosts if h.control)
    lines += ["", "A profile for these hosts (config file, see arker-tui --print-config-path):",
              "  [profiles.emulator]", f'  control_url = "http://{bind}:{control}"',
              "  [profiles.emulator.compute_hosts]"]
    lines += [f'  "{h.name}" = "http://{bind}:{port}"' for h, port in hosts if not h.control]
    return "\n".join(lines)


def serve(port: int = 8765, host: str = "127.0.0.1", demo: bool = True, *,
          api_key: str | None = None, scale: int | None = None, log_level: str = "warning",
          runs_per_vm: int = 3, output_lines: int = 100, seed: int = 0,
          hosts: list[tuple[EmulatorHost, int]] | None = None, clock: Clock | None = None,
          **uvicorn_kwargs: Any) -> None:
    """Block serving the emulator with uvicorn until interrupted. ``hosts``:
    serve one world as several hosts, each on its own port (one server, one
    socket per port; the app picks the host by the port a request came in on)."""
    try:
        import uvicorn
    except ImportError as exc:  # pragma: no cover - depends on the extra
        raise SystemExit("the emulator server needs uvicorn: pip install 'arker-tui[serve]'") from exc
    import logging

    from .faults import DroppedConnection

    class _QuietDrops(logging.Filter):  # injected drops are not server errors
        def filter(self, record: logging.LogRecord) -> bool:
            exc = record.exc_info[1] if record.exc_info else None
            return not isinstance(exc, DroppedConnection)

    logging.getLogger("uvicorn.error").addFilter(_QuietDrops())
    emulator = make_emulator(demo=demo, api_key=api_key, scale=scale, runs_per_vm=runs_per_vm,
                             output_lines=output_lines, seed=seed, clock=clock)
    if not hosts:
        uvicorn.run(emulator.app, host=host, port=port, log_level=log_level, **uvicorn_kwargs)
        return
    import socket
    import sys

    sockets = []
    for _, host_port in hosts:
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, host_port))
        sockets.append(sock)
    app = emulator.hosts_app([h for h, _ in hosts], [p for _, p in hosts])
    print("arker-tui emulator: serving\n" + hosts_banner(hosts, host), file=sys.stderr, flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level=log_level, **uvicorn_kwargs))
    server.run(sockets=sockets)
