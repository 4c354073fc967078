"""Helpers for the dashboard's Pilot tests: the real app on a demo world whose
clock the test drives, with short refresh intervals."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import Callable

from arker_tui.backend import Backend, open_demo
from arker_tui.emulator import ManualClock, build_demo_world
from arker_tui.repository import Intervals
from arker_tui.repository.budget import Budgets
from arker_tui.settings import Settings
from arker_tui.ui import format as fmt
from arker_tui.ui.app import ArkerApp

# Test speed: intervals far below what a real org would use, so no budget may stretch them.
UNBOUNDED = Budgets(list_mb_per_min=1e9, list_requests_per_min=1e9, run_output_mb_per_s=1e9)
FAST = Intervals(lists=0.2, detail=0.2, filesystems=0.2, org_runs=0.2, running_run=0.1, max_backoff=0.4,
                 budgets=UNBOUNDED)
MUTATING = ("POST", "DELETE")


def demo_backend(intervals: Intervals = FAST) -> Backend:
    world = build_demo_world(ManualClock())
    backend = open_demo(Settings(), intervals=intervals, world=world)
    # Relative times on screen follow the world's clock, not the wall clock.
    fmt.clock = lambda: datetime.fromtimestamp(world.clock.now(), timezone.utc)
    return backend


def demo_app(backend: Backend, **kwargs) -> ArkerApp:
    return ArkerApp(backend.repository, settings=backend.settings, demo=True, **kwargs)


def mutating_requests(backend: Backend) -> list[str]:
    return [f"{r.method} {r.route}" for r in backend.emulator.requests if r.method in MUTATING]


async def wait_for(pilot, condition: Callable[[], bool], timeout: float = 5.0, step: float = 0.02,
                   what: str | None = None) -> None:
    """Let the app run until ``condition()`` holds (fails the test after ``timeout``)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or condition.__qualname__}")
        await pilot.pause(step)


async def picture_settled(pilot, app: ArkerApp, timeout: float = 3.0, step: float = 0.05) -> None:
    """Let the app run until two screenshots in a row are the same: a
    snapshot is taken after every pending repaint (the footer follows a
    focus change a frame later, a list paints rows it just got), however
    slow the machine. Gives up quietly after ``timeout`` (the snapshot then
    shows what differs)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    await pilot.pause()
    shown = app.export_screenshot()
    while loop.time() < deadline:
        await pilot.pause(step)
        now = app.export_screenshot()
        if now == shown:
            return
        shown = now


async def select_vm(pilot, app: ArkerApp, name: str) -> None:
    """Put the tree's cursor on the VM called ``name``."""
    screen = app.screen
    await wait_for(pilot, lambda: screen.vm_tree.vm_count > 0)
    vm = next(v for v in screen.vm_tree.vms() if v.name == name)
    screen.vm_tree.move_cursor_to_key(vm.vm_id)
    await wait_for(pilot, lambda: screen.selected_vm_id == vm.vm_id)


def main_screen(app: ArkerApp):
    """The main screen, under whatever dialog is open."""
    from arker_tui.ui.screens.main import MainScreen

    return next(screen for screen in reversed(app.screen_stack) if isinstance(screen, MainScreen))
