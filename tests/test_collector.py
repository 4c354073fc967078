"""The garbage collector is held off while a big list is first loaded, and
what survived is frozen once (repository/collector.py)."""

from __future__ import annotations

import gc

import pytest

from arker_tui.api.client import ArkerClient
from arker_tui.api.errors import ArkerError
from arker_tui.emulator import BASE_URL, Emulator, ManualClock
from arker_tui.emulator.scale import build_scale_world
from arker_tui.repository import FakeClock, Query, Repository, collector
from arker_tui.settings import Settings


@pytest.fixture(autouse=True)
def collector_as_it_was():
    enabled = gc.isenabled()
    gc.enable()
    yield
    gc.unfreeze()  # nothing frozen by a test stays out of the collector for the others
    (gc.enable if enabled else gc.disable)()


class Watching:
    """A transport that notes whether the collector was on at each request."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.collector_on: list[bool] = []

    async def handle_async_request(self, request):
        self.collector_on.append(gc.isenabled())
        return await self.inner.handle_async_request(request)


def _org(vms: int, page: int, monkeypatch) -> tuple[Emulator, Watching, Repository]:
    emulator = Emulator(build_scale_world(ManualClock(), vms=vms, runs_per_vm=1, output_lines=1))
    transport = Watching(emulator.transport())
    client = ArkerClient(Settings(control_url=BASE_URL), transport=transport)  # type: ignore[arg-type]
    return emulator, transport, Repository(client, clock=FakeClock(), page_size=page)


async def test_a_big_first_load_holds_the_collector_off_then_freezes_what_survived(monkeypatch):
    monkeypatch.setattr(collector, "BULK", 200)
    emulator, transport, repo = _org(300, 100, monkeypatch)
    frozen = gc.get_freeze_count()
    assert len(await repo.refresh(Query.vms())) == 300
    assert transport.collector_on == [False, False, False]  # off for every page of the first load
    assert gc.isenabled() and gc.get_freeze_count() > frozen  # on again, the survivors frozen
    # A refresh of a loaded list leaves the collector alone.
    transport.collector_on.clear()
    frozen = gc.get_freeze_count()
    await repo.refresh(Query.vms())
    assert transport.collector_on == [True, True, True]
    assert gc.get_freeze_count() <= frozen  # nothing frozen (a replaced frozen object is still freed)
    await repo.aclose()


async def test_a_small_first_load_freezes_nothing(monkeypatch):
    emulator, transport, repo = _org(30, 10, monkeypatch)
    frozen = gc.get_freeze_count()
    await repo.refresh(Query.vms())
    assert transport.collector_on == [False, False, False]
    assert gc.isenabled() and gc.get_freeze_count() <= frozen
    await repo.aclose()


async def test_a_failed_first_load_turns_the_collector_back_on(monkeypatch):
    emulator, transport, repo = _org(30, 10, monkeypatch)
    emulator.faults.update({"error_rate": 1.0, "error_status": 400})  # not retried
    with pytest.raises(ArkerError):
        await repo.refresh(Query.vms())
    assert gc.isenabled()
    await repo.aclose()


def test_holds_nest_and_a_collector_that_was_off_stays_off():
    collector.hold()
    collector.hold()
    collector.release(10)
    assert not gc.isenabled()  # one load still running
    collector.release(10)
    assert gc.isenabled()
    gc.disable()
    collector.hold()
    collector.release(10)
    assert not gc.isenabled()  # off before the load: left off


def test_start_up_is_a_hold_that_freezes_what_it_made():
    frozen = gc.get_freeze_count()
    collector.hold_for_startup()
    assert not gc.isenabled()
    made = [[object()] for _ in range(100)]  # long-lived objects of start-up
    collector.end_startup()
    assert gc.isenabled() and gc.get_freeze_count() >= frozen + len(made)
    collector.end_startup()  # a second call (an app with no start-up hold) does nothing
    assert gc.isenabled()
