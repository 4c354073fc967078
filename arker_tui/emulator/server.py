"""Serve the emulator on a local port (``arker-tui emulator --port N``).

uvicorn is an optional extra (``pip install arker-tui[serve]``), imported
only here. Point the client at ``http://HOST:PORT`` (as both the control and
the compute base URL; the ``/v1`` prefix is part of every route).
"""

from __future__ import annotations

from typing import Any

from .app import Emulator
from .clock import RealClock
from .faults import Faults
from .world import World


def make_emulator(*, demo: bool = True, api_key: str | None = None, scale: int | None = None,
                  faults: Faults | None = None, runs_per_vm: int = 3, output_lines: int = 100,
                  seed: int = 0) -> Emulator:
    clock = RealClock()
    if scale:
        from .scale import build_scale_world

        world: World = build_scale_world(clock, vms=scale, runs_per_vm=runs_per_vm,
                                         output_lines=output_lines, seed=seed)
    elif demo:
        from .demo import build_demo_world

        world = build_demo_world(clock)
    else:
        world = World(clock)
    return Emulator(world, api_key=api_key, faults=faults)


def serve(port: int = 8765, host: str = "127.0.0.1", demo: bool = True, *,
          api_key: str | None = None, scale: int | None = None, log_level: str = "warning",
          runs_per_vm: int = 3, output_lines: int = 100, seed: int = 0, **uvicorn_kwargs: Any) -> None:
    """Block serving the emulator with uvicorn until interrupted."""
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
                             output_lines=output_lines, seed=seed)
    uvicorn.run(emulator.app, host=host, port=port, log_level=log_level, **uvicorn_kwargs)
