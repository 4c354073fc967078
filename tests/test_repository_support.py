"""Shared set-up of the repository tests (no tests here): an emulator world on
a ManualClock, a client on the in-process ASGI transport, a FakeClock for the
repository, and ``tick`` that moves both clocks together."""

from __future__ import annotations

from dataclasses import dataclass

from arker_tui.api.client import ArkerClient
from arker_tui.api.retry import RetryPolicy
from arker_tui.emulator import BASE_URL, Emulator, ManualClock, World
from arker_tui.repository import FakeClock, Intervals, Repository
from arker_tui.settings import Settings


class Recorder:
    """A subscriber callback that keeps every event."""

    def __init__(self) -> None:
        self.events = []

    def __call__(self, event) -> None:
        self.events.append(event)

    @property
    def last(self):
        return self.events[-1]

    def clear(self) -> None:
        self.events.clear()


@dataclass
class Env:
    em: Emulator
    world: World
    clock: FakeClock
    client: ArkerClient
    repo: Repository

    @property
    def http(self) -> int:
        """HTTP requests the emulator received."""
        return len(self.em.requests)

    def count(self, route: str) -> int:
        return self.em.count(route)

    async def tick(self, seconds: float) -> None:
        """Move the emulator's world and the repository's clock together."""
        self.world.clock.advance(seconds)
        await self.clock.advance(seconds)

    async def close(self) -> None:
        await self.repo.aclose()
        await self.client.aclose()


def build_world() -> World:
    world = World(ManualClock())
    for i, name in enumerate(("alpha", "beta", "gamma")):
        vm = world.add_vm(name, vm_id=f"vm_{name}", region="us-west-2" if i < 2 else "eu-central-1")
        world.add_session(vm)
    return world


async def make_env(world: World | None = None, intervals: Intervals | None = None) -> Env:
    world = world or build_world()
    em = Emulator(world)
    # No client-side retries: the repository's own backoff is what is tested.
    client = ArkerClient(Settings(control_url=BASE_URL), transport=em.transport(),
                         retry=RetryPolicy(max_retries=0))
    clock = FakeClock()
    repo = Repository(client, clock=clock, intervals=intervals or Intervals())
    await repo.start()
    return Env(em, world, clock, client, repo)
