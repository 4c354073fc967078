"""Builds what the app talks to: the real API, or the emulator's demo world."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .api.client import ArkerClient
from .repository import Intervals, Repository
from .settings import Settings


@dataclass
class Backend:
    """What the app talks to: the repository over a client (and the emulator in demo mode)."""

    settings: Settings
    repository: Repository
    client: ArkerClient
    emulator: Any = None  # the in-process Emulator in demo mode

    @property
    def demo(self) -> bool:
        return self.emulator is not None


def open_demo(settings: Settings, *, intervals: Intervals | None = None, world: Any = None) -> Backend:
    """The emulator in-process, reached through httpx's ASGI transport."""
    from .emulator import BASE_URL, Emulator, RealClock, build_demo_world

    emulator = Emulator(world if world is not None else build_demo_world(RealClock()))
    settings = settings.replace(api_key=None, control_url=BASE_URL, base_url=None)
    client = ArkerClient(settings, transport=emulator.transport())
    return Backend(settings, Repository(client, intervals=intervals or Intervals()), client, emulator)


def open_backend(settings: Settings, *, demo: bool = False, intervals: Intervals | None = None) -> Backend:
    if demo or settings.demo:
        return open_demo(settings, intervals=intervals)
    client = ArkerClient(settings)
    return Backend(settings, Repository(client, intervals=intervals or Intervals()), client)
