"""Shared helpers for the action-form tests: an app on the emulator's demo
world (manual clock: nothing moves unless a test says so)."""

from __future__ import annotations

import html
import re
from contextlib import asynccontextmanager

from arker_tui.backend import open_demo
from arker_tui.emulator import ManualClock, build_demo_world
from arker_tui.repository import Intervals
from arker_tui.settings import Settings
from arker_tui.ui.app import ArkerApp
from tests.dashboard_support import main_screen, wait_for

QUIET = Intervals(lists=3600.0, filesystems=3600.0, org_runs=3600.0, running_run=3600.0, detail=3600.0)


@asynccontextmanager
async def running_app(*, readonly: bool = False, size=(120, 40)):
    world = build_demo_world(ManualClock())
    backend = open_demo(Settings(), intervals=QUIET, world=world)
    app = ArkerApp(backend.repository, settings=backend.settings, demo=True, readonly=readonly)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        yield app, pilot, backend.emulator, world


async def select_vm(app, pilot, world, name: str):
    vm = world.find_vm_by_name(name)
    main = main_screen(app)
    assert main.vm_tree.move_cursor_to_key(vm.vm_id), name
    main.vm_tree.focus()
    await pilot.pause()
    assert main.selected_vm_id == vm.vm_id
    return vm


async def settle(pilot, app, predicate, tries: int = 50):
    """Pause until ``predicate()`` holds (workers and callbacks ran)."""
    await wait_for(pilot, predicate, timeout=tries * 0.01, step=0.01)


_TEXT = re.compile(r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
                   r'clip-path="url\(#[^)]*line-(\d+)\)">(.*?)</text>')


def screen_text(app) -> str:
    """What the screen shows, as plain text lines (from the SVG screenshot)."""
    rows: dict[int, list[tuple[float, str]]] = {}
    for match in _TEXT.finditer(app.export_screenshot()):
        x, line, text = float(match.group(1)), int(match.group(2)), html.unescape(match.group(3))
        rows.setdefault(line, []).append((x, text.replace("\xa0", " ")))
    return "\n".join("".join(t for _, t in sorted(rows[line])) for line in sorted(rows))
