"""Every mutating key in every pane: nothing reaches the server before the
user confirms, nothing at all when they back out, and nothing in read-only
mode. The keys are discovered from the live bindings, so a key added later is
walked too."""

from __future__ import annotations

from fault_support import SIZE, make_app, make_backend, wait_for
from textual.screen import ModalScreen

from arker_tui.emulator import ManualClock, build_demo_world
from arker_tui.repository import Intervals
from arker_tui.ui.actions import MUTATING
from arker_tui.ui.widgets.run_view import RunView
from arker_tui.ui.widgets.tab_bar import TabPage
from tests.dashboard_support import main_screen

TAB_NUMBER = {"runs": "2", "sessions": "3", "tunnels": "4", "filesystems": "5", "details": "6"}
# Nothing here needs fast refresh; a quiet app answers keys sooner.
CALM = Intervals(lists=2.0, detail=2.0, filesystems=2.0, running_run=1.0)
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def writes(backend) -> list[str]:
    return [f"{r.method} {r.route}" for r in backend.emulator.requests if r.method in WRITES]


async def show_everything(pilot, app, world) -> None:
    """Tabs and the run view are composed when first shown: show each, as a
    user would, so that their bindings are in the DOM."""
    screen = main_screen(app)
    for number in ("3", "4", "5", "6", "2"):
        await screen.action_focus_pane(number)
    await screen.open_run(*world.demo["long_run"])
    screen.close_run_view()
    await pilot.pause()


def mutating_bindings(app) -> list[tuple[object, str, str]]:
    """(node, key, action id) for every binding of a mutating action on the
    main screen (call ``show_everything`` first)."""
    screen = main_screen(app)
    found: dict[tuple[int, str], tuple[object, str, str]] = {}
    for node in [app, screen, *screen.query("*")]:
        for binding in type(node).BINDINGS:
            if binding.id in MUTATING:
                for key in binding.key.split(","):
                    found[(id(node), key)] = (node, key, binding.id)
    return list(found.values())


async def prepare(pilot, app, world, node) -> None:
    """Show and focus ``node`` with a target under its cursor (ml-train has
    a running run, sessions, tunnels and syncs)."""
    screen = main_screen(app)
    vm_id, run_id = world.demo["long_run"]
    if screen.run_view_open and not isinstance(node, RunView):
        screen.close_run_view()
    screen.vm_tree.move_cursor_to_key(vm_id)
    await wait_for(pilot, lambda: screen.selected_vm_id == vm_id)
    if isinstance(node, RunView):
        await screen.open_run(vm_id, run_id)
        await wait_for(pilot, lambda: node.run is not None and node.run.state == "running")
        node.log_view.focus()
        await pilot.pause()
        return
    tab = next((a for a in node.ancestors_with_self if isinstance(a, TabPage)), None)
    if tab is None:
        screen.vm_tree.focus()
        await pilot.pause()
        return
    await screen.action_focus_pane(TAB_NUMBER[tab.id])
    data_list = getattr(node, "data_list", None)
    if data_list is not None:
        await wait_for(pilot, lambda: data_list.cursor_item is not None)
        if node.id == "runs-pane":
            data_list.move_cursor_to_key(run_id)
        data_list.focus()
    await pilot.pause()


async def test_every_mutating_key_asks_first_and_backing_out_sends_nothing():
    world = build_demo_world(ManualClock())
    b = make_backend(world, intervals=CALM)
    app = make_app(b)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: main_screen(app).vm_tree.vm_count > 0)
        await show_everything(pilot, app, world)
        walked = mutating_bindings(app)
        actions = {action for _, _, action in walked}
        # Every pane's destructive keys are among them.
        assert {"vms.delete", "sessions.delete", "tunnels.delete", "syncs.delete", "filesystems.delete",
                "runs.cancel", "runlog.cancel"} <= actions
        keys = {(type(node).__name__, key) for node, key, _ in walked}
        for pane in ("VmPane", "SessionsPane", "TunnelsPane", "SyncsPane", "FilesystemsPane"):
            assert (pane, "d") in keys and (pane, "delete") in keys, pane
        assert ("RunsPane", "c") in keys and ("RunView", "c") in keys
        asked: list[str] = []
        refused: list[str] = []
        prepared = None
        for n, (node, key, action) in enumerate(walked):
            if node is not prepared or app.focused is None:
                await prepare(pilot, app, world, node)
                prepared = node
            main = app.screen
            told = {note.identity for note in app._notifications}
            await pilot.press(key)
            # Either it asks (a dialog or form), or it refuses in words (e.g.
            # release on a running VM); it never acts on a single key.
            await wait_for(pilot, lambda: isinstance(app.screen, ModalScreen)
                           or any(note.identity not in told for note in app._notifications),
                           timeout=3, what=f"a dialog after {key} ({action}) in {type(node).__name__}")
            assert writes(b) == [], f"{key} ({action}) sent before the dialog was answered"
            if not isinstance(app.screen, ModalScreen):
                refused.append(action)
                continue
            asked.append(action)
            await pilot.press("escape" if n % 2 else "n")
            if isinstance(app.screen, ModalScreen):  # a form's field may take the first escape
                await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is main, timeout=3)
            await pilot.pause(0.05)
            assert writes(b) == [], f"{key} ({action}) sent after backing out"
        assert len(world.vms) == len(build_demo_world(ManualClock()).vms)
        assert {"vms.delete", "sessions.delete", "runs.cancel", "runlog.cancel"} <= set(asked)
        assert len(refused) <= 2, refused


async def test_read_only_mode_sends_nothing_and_asks_nothing():
    world = build_demo_world(ManualClock())
    b = make_backend(world, intervals=CALM)
    app = make_app(b, readonly=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: main_screen(app).vm_tree.vm_count > 0)
        await show_everything(pilot, app, world)
        walked = mutating_bindings(app)
        assert len(walked) >= 10
        prepared = None
        for node, key, action in walked:
            if node is not prepared:
                await prepare(pilot, app, world, node)
                prepared = node
            await pilot.press(key)
            await pilot.pause(0.05)
            assert not isinstance(app.screen, ModalScreen), f"{key} ({action}) opened a dialog read-only"
            assert writes(b) == [], f"{key} ({action}) sent a request read-only"
        # Nor through the command palette's actions: the app refuses them itself.
        for action in sorted(MUTATING):
            assert not app.allows(action)


async def test_confirmed_delete_sends_exactly_one_request():
    """The contrast that shows the walk above can fail: y sends the delete."""
    world = build_demo_world(ManualClock())
    b = make_backend(world, intervals=CALM)
    app = make_app(b)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: main_screen(app).vm_tree.vm_count > 0)
        screen = main_screen(app)
        vm_id = next(v.vm_id for v in world.vms.values() if v.name == "scratch-2")
        screen.vm_tree.move_cursor_to_key(vm_id)
        screen.vm_tree.focus()
        await wait_for(pilot, lambda: screen.selected_vm_id == vm_id)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ModalScreen))
        assert writes(b) == []
        await pilot.press("y")
        await wait_for(pilot, lambda: vm_id not in world.vms)
        assert writes(b) == ["DELETE delete_vm"]
