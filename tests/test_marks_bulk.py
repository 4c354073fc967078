"""Marks and bulk actions, against the emulator: one confirmation for every
marked row, exactly one request per target, at most four at a time, a
summary that names each failure, marks kept on failed rows, and nothing sent
without the confirmation or in read-only mode."""

from __future__ import annotations

import asyncio

import httpx
from fault_support import SIZE, make_app, make_backend, notifications, screen_text, wait_for

from arker_tui.api import models as m
from arker_tui.emulator import ManualClock, build_demo_world
from arker_tui.repository import Intervals
from arker_tui.ui.screens.confirm import BulkConfirmDialog, ConfirmDialog
from tests.dashboard_support import main_screen

CALM = Intervals(lists=2.0, detail=2.0, filesystems=2.0, running_run=1.0)
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def writes(backend) -> list[str]:
    return [f"{r.method} {r.route}" for r in backend.emulator.requests if r.method in WRITES]


def demo(**app_options):
    """The demo world behind a calm repository, and the app on it."""
    world = build_demo_world(ManualClock())
    backend = make_backend(world, intervals=CALM)
    return world, backend, make_app(backend, **app_options)


def vm_id_of(world, name: str) -> str:
    return next(v.vm_id for v in world.vms.values() if v.name == name)


async def start(pilot, app) -> object:
    screen = main_screen(app)
    await wait_for(pilot, lambda: screen.vm_tree.vm_count > 0)
    screen.vm_tree.focus()
    await pilot.pause()
    return screen


async def mark_vms(pilot, screen, world, names: list[str]) -> list[str]:
    """Mark VMs with space, as a user does: cursor on the row, then space."""
    tree = screen.vm_tree
    ids = [vm_id_of(world, name) for name in names]
    for vm_id in ids:
        tree.move_cursor_to_key(vm_id)
        await pilot.pause()
        await pilot.press("space")
    await wait_for(pilot, lambda: tree.mark_count == len(ids))
    return ids


class CountingTransport(httpx.AsyncBaseTransport):
    """Holds every DELETE until released, counting how many are in flight at once."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.in_flight = 0
        self.most = 0
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "DELETE":
            return await self.inner.handle_async_request(request)
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        try:
            await self.release.wait()
            return await self.inner.handle_async_request(request)
        finally:
            self.in_flight -= 1


async def test_three_marked_vms_one_confirmation_naming_all_three_exactly_three_deletes():
    world, b, app = demo()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app)
        names = ["scratch", "scratch-2", "worker-3"]
        ids = await mark_vms(pilot, screen, world, names)
        assert "3 marked" in screen.workspace.vm_pane.pane_title().plain
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, BulkConfirmDialog))
        shown = screen_text(app)
        for name, vm_id in zip(names, ids, strict=True):
            assert name in shown and vm_id in shown
        assert "Delete 3 VMs?" in shown
        assert "3 sessions end" in shown and "0 tunnels" not in shown and "0 running" not in shown  # only what goes
        assert app.screen.focused.id == "cancel"  # Cancel is the default
        assert writes(b) == []
        await pilot.press("y")
        await wait_for(pilot, lambda: not any(vm_id in world.vms for vm_id in ids))
        await wait_for(pilot, lambda: screen.vm_tree.mark_count == 0)
        assert writes(b) == ["DELETE delete_vm"] * 3
        await wait_for(pilot, lambda: any("deleted 3 of 3 VMs" in n for n in notifications(app)))


async def test_bulk_delete_with_one_failure_names_it_and_keeps_its_mark():
    world, b, app = demo()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app)
        ids = await mark_vms(pilot, screen, world, ["scratch", "scratch-2", "ci-runner-1", "ci-runner-2"])
        refused = ids[1]
        b.emulator.faults.update({"path_prefix": f"/v1/vms/{refused}", "methods": ["DELETE"], "error_rate": 1.0,
                                  "error_status": 409, "error_message": "VM is busy with a snapshot"})
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, BulkConfirmDialog))
        await pilot.press("y")
        await wait_for(pilot, lambda: any("deleted 3 of 4 VMs" in n for n in notifications(app)))
        said = "\n".join(notifications(app))
        assert "scratch-2" in said and "VM is busy with a snapshot" in said
        tree = screen.vm_tree
        assert [k for k in tree.marked_keys()] == [refused]  # the failed one keeps its mark
        assert tree.row_state(refused) == "failed"
        assert refused in world.vms and not any(i in world.vms for i in ids if i != refused)
        # One request each: the refused delete was not retried.
        assert writes(b) == ["DELETE delete_vm"] * 4
        assert "1 marked" in screen.workspace.vm_pane.pane_title().plain


async def test_every_target_pending_at_once_and_at_most_four_in_flight():
    world = build_demo_world(ManualClock())
    counting: list[CountingTransport] = []

    def wrap(inner):
        counting.append(CountingTransport(inner))
        return counting[0]

    b = make_backend(world, intervals=CALM, wrap=wrap)
    app = make_app(b)
    names = ["scratch", "scratch-2", "ci-runner-1", "ci-runner-2", "ci-runner-4", "sandbox-alice", "sandbox-bob"]
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app)
        ids = await mark_vms(pilot, screen, world, names)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, BulkConfirmDialog))
        await pilot.press("y")
        transport = counting[0]
        await wait_for(pilot, lambda: transport.in_flight == 4)
        await pilot.pause(0.1)
        assert transport.most == 4  # bounded: the other three wait
        assert all(screen.vm_tree.row_state(vm_id) == "pending" for vm_id in ids)
        transport.release.set()
        await wait_for(pilot, lambda: not any(vm_id in world.vms for vm_id in ids))
        assert transport.most == 4
        assert writes(b) == ["DELETE delete_vm"] * len(ids)


async def test_backing_out_sends_nothing_and_keeps_the_marks():
    world, b, app = demo()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app)
        ids = await mark_vms(pilot, screen, world, ["scratch", "scratch-2"])
        for key in ("n", "escape", "enter"):  # enter presses the focused Cancel
            await pilot.press("d")
            await wait_for(pilot, lambda: isinstance(app.screen, BulkConfirmDialog))
            await pilot.press(key)
            await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmDialog))
            await pilot.pause(0.1)
            assert writes(b) == [], key
        assert sorted(screen.vm_tree.marked_keys()) == sorted(ids)
        assert all(vm_id in world.vms for vm_id in ids)


async def test_read_only_refuses_bulk_delete():
    world, b, app = demo(readonly=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app)
        await mark_vms(pilot, screen, world, ["scratch", "scratch-2"])  # marking is not a change
        await pilot.press("d")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, ConfirmDialog)
        assert any("Read-only" in n for n in notifications(app))
        assert writes(b) == []


async def test_bulk_cancel_cancels_the_marked_running_runs_only():
    world, b, app = demo()
    vm_id = vm_id_of(world, "scratch")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app)
        started = [await b.client.run(vm_id, m.RunRequest(command=f"sleep {600 + i}", background=True))
                   for i in range(3)]
        run_ids = [r.run_id for r in started]
        screen.vm_tree.move_cursor_to_key(vm_id)
        await wait_for(pilot, lambda: screen.selected_vm_id == vm_id)
        await screen.action_focus_pane("2")
        runs = screen.workspace.runs_pane.data_list
        await wait_for(pilot, lambda: all(runs.get(r) is not None for r in run_ids))
        ended = next(r.run_id for r in runs.items() if r.state != "running")
        for key in run_ids[:2] + [ended]:
            runs.move_cursor_to_key(key)
            await pilot.pause()
            await pilot.press("space")
        assert runs.mark_count == 3
        before = len(writes(b))
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, BulkConfirmDialog))
        shown = screen_text(app)
        assert "Cancel 2 runs?" in shown and "1 marked run already ended" in shown
        await pilot.press("y")
        await wait_for(pilot, lambda: any("cancelled 2 of 2 runs" in n for n in notifications(app)))
        assert writes(b)[before:] == ["POST cancel_run"] * 2
        assert {world.vms[vm_id].runs[r].status(world.clock.now())[0] for r in run_ids[:2]} == {"cancelled"}
        assert world.vms[vm_id].runs[run_ids[2]].status(world.clock.now())[0] == "running"
        assert runs.marked_keys() == [ended]  # the cancelled ones are done: unmarked


async def test_marks_survive_filter_and_regroup_and_vanished_vms_lose_theirs():
    world = build_demo_world(ManualClock())
    b = make_backend(world, intervals=Intervals(lists=0.1, detail=2.0, filesystems=2.0, running_run=1.0))
    app = make_app(b)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app)
        tree = screen.vm_tree
        ids = await mark_vms(pilot, screen, world, ["scratch", "worker-1", "ml-eval"])
        await pilot.press("slash", *"scratch", "enter")
        await wait_for(pilot, lambda: tree.shown_vm_count == 2)
        assert sorted(tree.marked_keys()) == sorted(ids)  # hidden rows keep their marks
        await pilot.press("ctrl+a")  # every row the filter shows: scratch-2 joins
        assert tree.mark_count == 4 and vm_id_of(world, "scratch-2") in tree.marked_keys()
        await pilot.press("escape")
        await pilot.press("g")  # regroup by region
        await pilot.pause()
        assert tree.mark_count == 4
        world.delete_vm(ids[1])  # deleted elsewhere
        await wait_for(pilot, lambda: tree.get_vm(ids[1]) is None, timeout=5)
        assert ids[1] not in tree.marked_keys() and tree.mark_count == 3
        await pilot.press("u")
        assert tree.mark_count == 0
        assert "marked" not in screen.workspace.vm_pane.pane_title().plain


async def test_space_on_a_group_row_still_opens_and_closes_it():
    world, b, app = demo()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app)
        tree = screen.vm_tree
        tree.action_first()
        group = tree.cursor_group
        assert group is not None and group.expanded
        await pilot.press("space")
        assert not tree.cursor_group.expanded and tree.mark_count == 0
        await pilot.press("space")
        assert tree.cursor_group.expanded and tree.mark_count == 0


async def test_emulator_takes_a_burst_of_deletes():
    world, b, _ = demo()
    victims = [v.vm_id for v in world.vms.values() if v.owner_org_id != "ArkerHQ"][:12]
    results = await asyncio.gather(*(b.client.delete_vm(vm_id) for vm_id in victims), return_exceptions=True)
    assert not [r for r in results if isinstance(r, BaseException)]
    assert not any(vm_id in world.vms for vm_id in victims)
    assert writes(b) == ["DELETE delete_vm"] * 12
    await b.client.aclose()


async def test_the_palette_marks_every_row_shown_and_clears_them():
    from tests.test_on_screen_targets import palette

    world, b, app = demo()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app)
        tree = screen.vm_tree
        await palette(pilot, "mark every row the filter shows")
        await wait_for(pilot, lambda: tree.mark_count == tree.vm_count)
        await palette(pilot, "clear the marks of the focused list")
        await wait_for(pilot, lambda: tree.mark_count == 0)
        assert writes(b) == []


async def test_bulk_delete_in_a_pane_deletes_the_marked_sessions_of_the_shown_vm():
    world, b, app = demo()
    vm_id = vm_id_of(world, "ml-train")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app)
        screen.vm_tree.move_cursor_to_key(vm_id)
        await wait_for(pilot, lambda: screen.selected_vm_id == vm_id)
        await screen.action_focus_pane("3")
        sessions = screen.workspace.sessions_pane.data_list
        await wait_for(pilot, lambda: sessions.total_count == 2)
        await pilot.press("ctrl+a")
        assert "2 marked" in screen.workspace.sessions_pane.pane_title().plain
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, BulkConfirmDialog))
        shown = screen_text(app)
        assert "Delete 2 sessions?" in shown and "ml-train" in shown and vm_id in shown
        assert all(s in shown for s in world.vms[vm_id].sessions)
        await pilot.press("y")
        await wait_for(pilot, lambda: not world.vms[vm_id].sessions)
        assert writes(b) == ["DELETE delete_session"] * 2
        await wait_for(pilot, lambda: sessions.mark_count == 0)
