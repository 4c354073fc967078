"""Regenerate screenshots/: the main views of the demo world as SVG.

    python scripts/screenshots.py

The demo world runs on a fixed clock, so the pictures only change when the
UI does."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from pathlib import Path

from arker_tui.backend import open_demo
from arker_tui.emulator import ManualClock, build_demo_world
from arker_tui.settings import Settings
from arker_tui.ui import format as fmt
from arker_tui.ui.app import ArkerApp

OUT = Path(__file__).resolve().parent.parent / "screenshots"
# view name -> keys pressed after ml-train is selected
VIEWS = {
    "runs": ["2"],
    "run-log": ["2", "enter"],
    "sessions": ["3"],
    "tunnels": ["4"],
    "filesystems": ["5"],
    "details": ["6"],
    "confirm-delete": ["1", "d"],
}
SIZES = [(120, 40), (80, 24)]


async def shoot(view: str, keys: list[str], size: tuple[int, int]) -> Path:
    world = build_demo_world(ManualClock())
    fmt.clock = lambda: datetime.fromtimestamp(world.clock.now(), timezone.utc)
    backend = open_demo(Settings(), world=world)
    app = ArkerApp(backend.repository, settings=backend.settings, demo=True)
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        while screen.vm_tree.vm_count == 0:
            await pilot.pause(0.05)
        ml = next(v for v in screen.vm_tree.vms() if v.name == "ml-train")
        screen.vm_tree.move_cursor_to_key(ml.vm_id)
        await pilot.pause(0.3)
        for key in keys:
            await pilot.press(key)
            await pilot.pause(0.4)
        app.clear_notifications()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause(0.2)
        path = OUT / f"{view}-{size[0]}x{size[1]}.svg"
        app.save_screenshot(path.name, path=str(OUT))
        return path


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    for size in SIZES:
        for view, keys in VIEWS.items():
            print(await shoot(view, keys, size))


if __name__ == "__main__":
    asyncio.run(main())
