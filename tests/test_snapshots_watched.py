"""SVG snapshots: zoom at 80x24 (the run log and a list), and the Watched view.

The demo world runs on a ManualClock and relative times follow it, so every
snapshot is the same from run to run."""

from __future__ import annotations

import pytest

from arker_tui.api import models as m
from arker_tui.ui.screens.watched import WatchedScreen
from arker_tui.ui.widgets.status_bar import StatusBar
from tests.dashboard_support import demo_app, demo_backend, picture_settled, select_vm, wait_for


@pytest.fixture(autouse=True)
def fixed_data_age(monkeypatch):
    monkeypatch.setattr(StatusBar, "age_text", lambda self: "2 s ago")


async def settle(pilot, app) -> None:
    app.repository.pause()
    await wait_for(pilot, lambda: app.repository.stats.in_flight == 0)
    app.clear_notifications()
    await pilot.wait_for_scheduled_animations()
    await picture_settled(pilot, app)


async def open_log(pilot, app, vm_name: str, run_id: str | None = None) -> None:
    screen = app.screen
    await select_vm(pilot, app, vm_name)
    await pilot.press("2")
    pane = screen.query_one("#runs-pane")
    await wait_for(pilot, lambda: pane.data_list.total_count > 0 and (run_id is None or pane.data_list.get(run_id)))
    if run_id is not None:
        pane.data_list.move_cursor_to_key(run_id)
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.run_view.run is not None and screen.run_view.log_view.line_count > 0)


@pytest.mark.parametrize("pane", ["runlog", "runs"])
def test_zoom_at_80x24(snap_compare, pane):
    backend = demo_backend()
    app = demo_app(backend)

    async def run_before(pilot) -> None:
        screen = app.screen
        await wait_for(pilot, lambda: screen.vm_tree.vm_count > 0)
        if pane == "runlog":
            await open_log(pilot, app, "ml-train")
        else:
            await select_vm(pilot, app, "ml-train")
            await pilot.press("2")
            runs = screen.query_one("#runs-pane")
            await wait_for(pilot, lambda: runs.data_list.total_count > 0)
        await pilot.press("z")
        await wait_for(pilot, lambda: screen.maximized is not None)
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_watched_view(snap_compare, size):
    backend = demo_backend()
    world = backend.emulator.world
    scratch = world.find_vm_by_name("scratch")
    failing = world.run(scratch.vm_id,
                        m.RunRequest(command="echo building; sleep 2; exit 2", background=True))["run_id"]
    app = demo_app(backend)

    async def run_before(pilot) -> None:
        screen = app.screen
        await wait_for(pilot, lambda: screen.vm_tree.vm_count > 0)
        await open_log(pilot, app, "scratch", failing)
        await pilot.press("escape")
        await open_log(pilot, app, "ml-train")
        await pilot.press("escape")
        world.clock.advance(3)
        await wait_for(pilot, lambda: app.repository.watched.get(scratch.vm_id, failing).ended)
        await pilot.press("ctrl+w")
        await wait_for(pilot, lambda: isinstance(app.screen, WatchedScreen) and app.screen.list.total_count == 2)
        await settle(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
