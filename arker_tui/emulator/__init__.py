"""A local Arker API: an in-memory world served by a small plain-ASGI app.

    from arker_tui.emulator import Emulator, ManualClock, build_demo_world
    em = Emulator(build_demo_world(ManualClock()))
    async with em.client() as http: ...          # or httpx.ASGITransport(em.app)
"""

from .app import BASE_URL, Emulator, RequestRecord, create_app
from .clock import Clock, ManualClock, RealClock
from .faults import DroppedConnection, Faults
from .world import DEFAULT_ORG, World

__all__ = [
    "BASE_URL", "Clock", "DEFAULT_ORG", "DroppedConnection", "Emulator", "Faults",
    "ManualClock", "RealClock", "RequestRecord", "World", "build_demo_world",
    "build_scale_world", "create_app", "serve",
]


def __getattr__(name: str):  # lazy: keep `import arker_tui.emulator` cheap
    if name == "build_demo_world":
        from .demo import build_demo_world
        return build_demo_world
    if name == "build_scale_world":
        from .scale import build_scale_world
        return build_scale_world
    if name == "serve":
        from .server import serve
        return serve
    raise AttributeError(name)
