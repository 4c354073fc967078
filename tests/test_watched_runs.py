"""Watched runs in the app: a run whose log was opened ends while the user is
elsewhere and the app says so (a notification naming it, the bell, a desktop
notification when asked: checked in what reaches the terminal's driver);
``W`` unwatches; the Watched view lists the runs and follows their state and
opens one; watching survives a profile switch within its profile only;
nothing on disk unless asked; zoom."""

from __future__ import annotations

import json

from arker_tui.api import models as m
from arker_tui.backend import open_demo
from arker_tui.config import WatchedRunsConfig
from arker_tui.emulator import ManualClock, build_demo_world
from arker_tui.repository.watched_store import WatchedStore
from arker_tui.settings import Settings
from arker_tui.ui.screens.watched import WatchedScreen
from arker_tui.ui.watched_runs import WatchedRunsKeeper
from tests.dashboard_support import demo_backend, select_vm, wait_for
from tests.terminal_support import TellingApp, bells, desktop_writes, recording_driver

SIZE = (120, 40)


def make_app(backend, settings: WatchedRunsConfig | None = None, store: WatchedStore | None = None) -> TellingApp:
    app = TellingApp(backend.repository, settings=backend.settings, demo=True)
    if settings is not None or store is not None:
        settings = settings or WatchedRunsConfig()
        app.watched_runs = WatchedRunsKeeper(app, settings, store)
    return app


def start_run(backend, vm_name: str, command: str) -> tuple[str, str]:
    world = backend.emulator.world
    vm = world.find_vm_by_name(vm_name)
    started = world.run(vm.vm_id, m.RunRequest(command=command, background=True))
    return vm.vm_id, started["run_id"]


async def open_log(pilot, app, vm_name: str, run_id: str) -> None:
    screen = app.screen
    await select_vm(pilot, app, vm_name)
    await pilot.press("2")
    runs = screen.query_one("#runs-pane")
    await wait_for(pilot, lambda: runs.data_list.get(run_id) is not None)
    runs.data_list.move_cursor_to_key(run_id)
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.run_view_open and screen.run_view.run is not None)


def ended_notices(app) -> list[tuple[str, str, str]]:
    return [t for t in app.told if t[0].startswith("Watched run")]


async def test_a_watched_run_that_ends_elsewhere_is_told_with_a_notice_and_the_bell():
    backend = demo_backend()
    world = backend.emulator.world
    vm_id, run_id = start_run(backend, "scratch", "sleep 5; exit 4")
    driver = recording_driver()
    app = make_app(backend)
    app.driver_class = driver
    async with app.run_test(size=SIZE, headless=False) as pilot:
        screen = app.screen
        await open_log(pilot, app, "scratch", run_id)
        assert app.repository.watched.is_watched(vm_id, run_id)
        # Away from the run: the log closed, another VM, its Sessions pane.
        await pilot.press("escape")
        await select_vm(pilot, app, "ml-train")
        await pilot.press("3")
        await wait_for(pilot, lambda: screen.workspace.active_tab == "sessions")
        assert bells(driver) == 0
        world.clock.advance(6)
        await wait_for(pilot, lambda: ended_notices(app), what="the end notice")
        ((title, message, severity),) = ended_notices(app)
        assert title == "Watched run completed" and severity == "error"  # exit 4
        assert message.splitlines() == ["sleep 5; exit 4", "on scratch · completed · exit 4 · 5s",
                                        "^o opens it · ^w every watched run"]
        await wait_for(pilot, lambda: bells(driver) == 1, what="the bell")
        assert desktop_writes(driver) == []  # desktop notifications are off by default

        await pilot.press("ctrl+o")  # the key the notice names opens the run
        await wait_for(pilot, lambda: screen.run_view_open and screen.run_view.run_id == run_id)
        assert screen.selected_vm_id == vm_id and screen.run_view.run.exit_code == 4


async def test_desktop_notifications_when_asked_and_everything_switched_off():
    backend = demo_backend()
    world = backend.emulator.world
    vm_id, loud = start_run(backend, "scratch", "sleep 2")
    driver = recording_driver()
    settings = WatchedRunsConfig(desktop="osc777")
    app = make_app(backend, settings)
    app.driver_class = driver
    async with app.run_test(size=SIZE, headless=False) as pilot:
        await open_log(pilot, app, "scratch", loud)
        world.clock.advance(3)
        await wait_for(pilot, lambda: desktop_writes(driver), what="OSC 777")
        (sequence,) = desktop_writes(driver)
        assert sequence == ("\x1b]777;notify;Watched run completed;sleep 2 on scratch: completed · exit 0 · 2s\x07")
        assert ended_notices(app)[0][2] == "information"  # a clean exit

    backend = demo_backend()
    world = backend.emulator.world
    vm_id, quiet = start_run(backend, "scratch", "sleep 2")
    driver = recording_driver()
    app = make_app(backend, WatchedRunsConfig(notification=False, bell=False))
    app.driver_class = driver
    async with app.run_test(size=SIZE, headless=False) as pilot:
        await open_log(pilot, app, "scratch", quiet)
        world.clock.advance(3)
        await wait_for(pilot, lambda: app.screen.run_view.run.state == "completed")
        await pilot.pause(0.2)
        assert app.watched_runs.last_ended is not None and app.watched_runs.last_ended.run_id == quiet
        assert ended_notices(app) == [] and bells(driver) == 0


async def test_W_unwatches_in_the_run_log_and_in_runs_and_an_unwatched_end_is_not_told():
    backend = demo_backend()
    world = backend.emulator.world
    vm_id, run_id = start_run(backend, "scratch", "sleep 5")
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await open_log(pilot, app, "scratch", run_id)
        watched = app.repository.watched
        assert watched.is_watched(vm_id, run_id)
        header = screen.run_view.header
        await wait_for(pilot, lambda: "watched" in str(header.render()))
        await pilot.press("W")
        assert not watched.is_watched(vm_id, run_id)
        assert any("No longer watching sleep 5 on scratch" in t[1] for t in app.told)
        await wait_for(pilot, lambda: "watched" not in str(header.render()))  # the header says so too
        await pilot.press("escape")  # back in Runs: W there watches it again, and again unwatches
        runs = screen.query_one("#runs-pane")
        await wait_for(pilot, lambda: runs.data_list.has_focus)
        assert runs.data_list.cursor_key == run_id
        await pilot.press("W")
        assert watched.is_watched(vm_id, run_id)
        await pilot.press("W")
        assert not watched.is_watched(vm_id, run_id)
        world.clock.advance(6)
        await wait_for(pilot, lambda: runs.data_list.get(run_id).state == "completed")
        await pilot.pause(0.2)
        assert ended_notices(app) == []


async def test_the_watched_view_lists_runs_across_vms_follows_their_state_and_opens_one():
    backend = demo_backend()
    world = backend.emulator.world
    scratch_vm, short = start_run(backend, "scratch", "sleep 3; exit 1")
    train_vm, long = start_run(backend, "ml-train", "sleep 30")
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await open_log(pilot, app, "scratch", short)
        await pilot.press("escape")
        await open_log(pilot, app, "ml-train", long)
        await pilot.press("escape")
        await pilot.press("ctrl+w")
        await wait_for(pilot, lambda: isinstance(app.screen, WatchedScreen))
        view = app.screen
        rows = view.list
        await wait_for(pilot, lambda: rows.total_count == 2)
        by_run = {r.run_id: r for r in rows.items()}
        assert by_run[short].vm_label == "scratch" and by_run[long].vm_label == "ml-train"
        assert by_run[short].state == "running" and by_run[short].command == "sleep 3; exit 1"
        cells = [str(c) for c in view.render_row(by_run[long])]
        assert cells[0] == "ml-train" and cells[1] == "sleep 30" and "running" in cells[2] and cells[4] == "-"
        world.clock.advance(4)  # the first one ends while the view is open
        await wait_for(pilot, lambda: rows.get((scratch_vm, short)).state == "completed")
        done = rows.get((scratch_vm, short))
        assert [str(c) for c in view.render_row(done)][2:5] == ["✖ exit 1", "3s", "1"]
        assert "Watched runs 2 · 1 running" in str(view.title_line.render())
        assert ended_notices(app)  # the notice came too

        rows.move_cursor_to_key((scratch_vm, short))
        await pilot.press("enter")  # opens it on the main screen
        main = app.screen_stack[0]
        await wait_for(pilot, lambda: app.screen is main and main.run_view_open and main.run_view.run_id == short)
        assert main.selected_vm_id == scratch_vm

        await pilot.press("ctrl+w")
        await wait_for(pilot, lambda: isinstance(app.screen, WatchedScreen))
        await pilot.press("U")  # every ended run unwatched
        await wait_for(pilot, lambda: app.screen.list.total_count == 1)
        await pilot.press("W")
        await wait_for(pilot, lambda: app.screen.list.total_count == 0)
        assert "No watched runs" in app.screen.list.empty_text
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is main)


async def test_a_background_run_started_here_is_watched_even_if_it_ends_at_once():
    backend = demo_backend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await select_vm(pilot, app, "scratch")
        vm = screen.workspace.shown_vm
        request = m.RunRequest(command="true", background=True)
        result = m.BackgroundRunResponse(run_id=backend.emulator.world.run(vm.vm_id, request)["run_id"])
        screen.ran(vm, request, result)  # what the Run form's answer does
        await wait_for(pilot, lambda: ended_notices(app), what="the end notice")
        assert "true\non scratch · completed · exit 0" in ended_notices(app)[0][1]


async def test_watching_survives_a_profile_switch_only_within_its_profile():
    backend = demo_backend()
    vm_id, run_id = start_run(backend, "scratch", "sleep 100")
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await open_log(pilot, app, "scratch", run_id)
        keeper = app.watched_runs
        assert keeper.profile == "default"
        # What a switch does (profiles.ProfileSwitcher.switch), with another world.
        keeper.detach()
        other = open_demo(Settings(profile="play"), world=build_demo_world(ManualClock()))
        keeper.attach(other.repository, "play")
        assert other.repository.watched.runs() == []  # not under another profile
        keeper.detach()
        again = demo_backend()
        keeper.attach(again.repository, "default")
        (back,) = again.repository.watched.runs()
        assert back.key == (vm_id, run_id) and back.seen_running
        keeper.detach()
        await other.repository.aclose()
        await again.repository.aclose()


def test_nothing_is_written_unless_remember_is_on(tmp_path, monkeypatch):
    monkeypatch.setenv("ARKER_TUI_STATE_DIR", str(tmp_path))
    forgetful = WatchedStore(remember=False)
    forgetful.save("default", [{"vm_id": "vm_a", "run_id": "run_a"}])
    assert forgetful.load("default") == [{"vm_id": "vm_a", "run_id": "run_a"}]
    assert list(tmp_path.iterdir()) == []

    keeping = WatchedStore(remember=True)
    keeping.save("work", [{"vm_id": "vm_a", "run_id": "run_a"}])
    path = tmp_path / "watched-runs.json"
    assert json.loads(path.read_text())["profiles"]["work"][0]["run_id"] == "run_a"
    assert path.stat().st_mode & 0o777 == 0o600
    assert WatchedStore(remember=True).load("work") == [{"vm_id": "vm_a", "run_id": "run_a"}]
    assert WatchedStore(remember=True).load("default") == []
    path.write_text("{not json")
    broken = WatchedStore(remember=True)
    assert broken.load("work") == [] and "not read" in broken.problem


async def test_zoom_hides_the_other_panes_and_gives_them_back():
    backend = demo_backend()
    vm_id, run_id = start_run(backend, "scratch", "sleep 100")
    app = make_app(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        workspace = screen.workspace
        await select_vm(pilot, app, "scratch")
        await pilot.press("2")
        await pilot.pause()
        tree_region = workspace.vm_pane.region
        pages_region = workspace.pages.region
        await pilot.press("z")
        await pilot.pause()
        assert screen.maximized is workspace.pages
        assert workspace.vm_pane.region.area == 0 and workspace.header.region.area == 0
        assert workspace.pages.region.width == 80  # the whole width
        assert screen.status.region.y == 0 and screen.status.region.area > 0  # the status line stays
        await pilot.press("z")
        await pilot.pause()
        assert screen.maximized is None
        assert workspace.vm_pane.region == tree_region and workspace.pages.region == pages_region

        runs = screen.query_one("#runs-pane")
        await wait_for(pilot, lambda: runs.data_list.get(run_id) is not None)
        runs.data_list.move_cursor_to_key(run_id)
        await pilot.press("z", "enter")  # a run opened from a zoomed list: the zoom follows to its log
        await wait_for(pilot, lambda: screen.run_view_open and screen.maximized is screen.run_view)
        assert workspace.vm_pane.region.area == 0 and screen.run_view.region.width == 80
        await pilot.press("escape")  # esc leaves the zoom first, the log stays open
        await pilot.pause()
        assert screen.maximized is None and screen.run_view_open
        assert workspace.vm_pane.region == tree_region
        await pilot.press("escape")
        await pilot.pause()
        assert not screen.run_view_open


async def test_a_real_profile_switch_keeps_each_profiles_watched_runs(tmp_path, monkeypatch):
    from arker_tui.config import Overrides, Profiles, load_config

    path = tmp_path / "config.toml"
    path.write_text('[profiles.work]\nregion = "eu-west-1"\n[profiles.play]\nregion = "us-east-1"\n')
    path.chmod(0o600)
    monkeypatch.setenv("ARKER_TUI_STATE_DIR", str(tmp_path / "state"))
    env = {"ARKER_TUI_CONFIG": str(path)}
    profiles = Profiles(load_config(env=env), Overrides(), env=env, keys=None)
    resolved = profiles.resolve("work")
    backend = open_demo(resolved.settings, world=build_demo_world(ManualClock()))
    vm_id, run_id = backend.emulator.world.demo["long_run"]
    app = TellingApp(backend.repository, settings=backend.settings, demo=True, profiles=profiles, resolved=resolved)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.vm_tree.vm_count > 0)
        await app.screen.open_run(vm_id, run_id)
        assert app.repository.watched.is_watched(vm_id, run_id)
        assert await app.profiles.switch("play")
        assert app.settings.profile == "play" and app.repository.watched.runs() == []
        assert await app.profiles.switch("work")
        assert [r.key for r in app.repository.watched.runs()] == [(vm_id, run_id)]
    assert not (tmp_path / "state").exists()  # nothing on disk: remember is off
