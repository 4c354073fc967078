"""SVG snapshots of the session console at 80x24 and 120x40: a session with
env, a few commands run (cwd changed, stderr, a non-zero exit)."""

from __future__ import annotations

import pytest

from arker_tui.ui.screens.console import ConsoleScreen
from tests.dashboard_support import demo_app, demo_backend, picture_settled, select_vm, wait_for


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_console_snapshot(snap_compare, size):
    backend = demo_backend()
    app = demo_app(backend)

    async def run_before(pilot) -> None:
        screen = app.screen
        await wait_for(pilot, lambda: screen.vm_tree.vm_count > 0)
        await select_vm(pilot, app, "api-dev")  # session 0 runs a dev server: s opens session 1
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConsoleScreen))
        console = app.screen
        console.input.cursor_blink = False
        for line in ("pwd", "cd /tmp", "echo $APP_ENV; ls /nope"):
            console.input.value = line
            await pilot.press("enter")
            await wait_for(pilot, lambda: console.running is None and line in " ".join(
                console.scrollback.plain_lines()))
        await wait_for(pilot, lambda: console.session.cwd == "/tmp")
        console.input.value = "python train.py --epochs 3"
        app.repository.pause()
        await wait_for(pilot, lambda: app.repository.stats.in_flight == 0)
        app.clear_notifications()
        await picture_settled(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
