"""Snapshot SVGs of the org activity view at 80x24 and 120x40.

Deterministic: a ManualClock demo world (seeded ids and timings), times
shown as absolute wall-clock times in UTC, no demo toast, and the VM list
loaded before the view opens (so the VM column shows names)."""

from __future__ import annotations

import time

import pytest

from arker_tui.backend import open_demo
from arker_tui.emulator import build_demo_world
from arker_tui.emulator.clock import ManualClock
from arker_tui.repository import Query
from arker_tui.settings import Settings
from arker_tui.ui.app import ArkerApp
from arker_tui.ui.screens.activity import ActivityScreen
from tests.dashboard_support import picture_settled


@pytest.fixture(autouse=True)
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def make_app() -> ArkerApp:
    backend = open_demo(Settings(), world=build_demo_world(ManualClock()))
    return ArkerApp(backend.repository, settings=backend.settings, demo=False)


async def open_activity(pilot, *keys: str) -> None:
    app = pilot.app
    for _ in range(250):
        entry = app.repository.peek(Query.vms())
        if entry is not None and entry.value:
            break
        await pilot.pause(0.02)
    await pilot.press("a")
    for _ in range(250):
        if isinstance(app.screen, ActivityScreen) and app.screen.rows:
            break
        await pilot.pause(0.02)
    for key in keys:
        await pilot.press(key)
    if keys:
        query = app.screen.query_key
        for _ in range(250):
            entry = app.repository.peek(query)
            if entry is not None and entry.value is not None and app.screen.rows == entry.value:
                break
            await pilot.pause(0.02)
    await picture_settled(pilot, pilot.app)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_activity_view(snap_compare, size):
    assert snap_compare(make_app(), terminal_size=size, run_before=open_activity)


def test_activity_view_filtered_and_sorted(snap_compare):
    async def run_before(pilot):
        await open_activity(pilot, "e", "o")  # runs only, sorted by HTTP status

    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=run_before)
