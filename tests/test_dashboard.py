"""The dashboard as a user drives it: Pilot against the emulator's demo world,
checking both what the widgets hold and what the emulator now holds."""

from __future__ import annotations

import pytest

from arker_tui.api import models as m
from arker_tui.ui.screens.confirm import ConfirmDialog
from arker_tui.ui.widgets.footer import KeyFooter
from tests.dashboard_support import demo_app, demo_backend, mutating_requests, select_vm, wait_for

SIZE = (120, 40)


@pytest.fixture
def backend():
    return demo_backend()


def world_of(backend):
    return backend.emulator.world


async def test_navigating_the_tree_drives_the_panes(backend):
    app = demo_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: screen.selected_vm_id is not None)
        first = screen.selected_vm_id
        await pilot.press("down")
        await wait_for(pilot, lambda: screen.selected_vm_id not in (None, first))
        runs = screen.query_one("#runs-pane")
        assert runs.vm_id == screen.selected_vm_id
        await wait_for(pilot, lambda: runs.data_list.total_count > 0)
        listed = world_of(backend).list_runs(runs.vm_id, limit=500)["runs"]
        assert {r.run_id for r in runs.data_list.items()} == {r["run_id"] for r in listed}
        # g regroups by region: the tree now has region groups, same VMs.
        count = screen.vm_tree.vm_count
        screen.vm_tree.focus()
        await pilot.press("g")
        assert screen.vm_tree.grouping == "region" and screen.vm_tree.vm_count == count
        # 3 shows the sessions of the same VM.
        await pilot.press("3")
        sessions = screen.query_one("#sessions-pane")
        await wait_for(pilot, lambda: sessions.vm_id == screen.selected_vm_id and sessions.data_list.total_count > 0)


async def test_a_tab_is_built_when_first_shown_and_then_kept(backend):
    app = demo_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await select_vm(pilot, app, "ml-train")
        for tab_id in ("sessions", "tunnels", "filesystems", "details"):
            # nothing built before it is shown
            assert not screen.query_one("#pages").query_children(f"#{tab_id}"), tab_id
        assert not screen.run_view.is_attached and not screen.run_view_open  # mounted on the first run opened
        await pilot.press("5")
        filesystems = screen.workspace.filesystems_pane
        await wait_for(pilot, lambda: filesystems.is_mounted and filesystems.data_list.total_count > 0)
        assert screen.workspace.syncs_pane.is_mounted and screen.focused is filesystems.data_list
        assert not screen.query_one("#pages").query_children("#sessions")
        await pilot.press("6")
        detail = screen.workspace.vm_detail
        await wait_for(pilot, lambda: detail.is_mounted and detail.total_count > 0)
        assert detail.vm.name == "ml-train"  # shown as soon as built, not on the next selection
        await pilot.press("5")  # shown again: the same widgets, not a second set
        await pilot.pause()
        assert len(screen.query_one("#pages").query_children("#filesystems")) == 1
        assert len(screen.query_one("TabPage#filesystems").children) == 3
        assert [page.id for page in screen.query_one("#pages").children if page.display] == ["filesystems"]
        assert screen.workspace.tab_bar.active == "filesystems"
        assert screen.query_one("#filesystems-pane") is filesystems


async def open_run_log(pilot, app, vm_name: str, run_id: str):
    """Select the VM, find the run in Runs and open its log (the run view)."""
    screen = app.screen
    await select_vm(pilot, app, vm_name)
    await pilot.press("2")
    runs = screen.query_one("#runs-pane")
    await wait_for(pilot, lambda: run_id in {r.run_id for r in runs.data_list.items()})
    runs.data_list.move_cursor_to_key(run_id)
    await pilot.press("enter")
    view = screen.run_view
    await wait_for(pilot, lambda: screen.run_view_open and view.run is not None)
    return view


async def test_a_running_run_streams_and_its_end_shows_without_a_keypress(backend):
    world = world_of(backend)
    vm = world.find_vm_by_name("scratch")
    started = world.run(vm.vm_id, m.RunRequest(command="progress 6 1", background=True))
    app = demo_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_run_log(pilot, app, "scratch", started["run_id"])
        assert view.run.state == "running"
        before = view.log_view.line_count
        world.clock.advance(3)
        await wait_for(pilot, lambda: view.log_view.line_count > before)
        assert "progress" in "\n".join(view.log_view.plain_lines())
        world.clock.advance(10)
        await wait_for(pilot, lambda: view.run.state == "completed")
        assert "✔ exit 0" in str(view.header.render())
        assert "progress 6/6 100%" in "\n".join(view.log_view.plain_lines())


async def test_an_ended_runs_log_offers_no_follow_or_cancel_and_says_why(backend):
    world = world_of(backend)
    vm = world.find_vm_by_name("scratch")
    started = world.run(vm.vm_id, m.RunRequest(command="progress 3 1", background=True))
    app = demo_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        view = await open_run_log(pilot, app, "scratch", started["run_id"])
        footer = screen.query_one(KeyFooter)

        def footer_words() -> set[str]:
            return {shown.binding.description for shown in footer.keys()}

        assert {"Follow", "Cancel run"} <= footer_words()
        world.clock.advance(10)
        await wait_for(pilot, lambda: view.run.state == "completed")
        await wait_for(pilot, lambda: not {"Follow", "Cancel run"} & footer_words())
        assert "Wrap" in footer_words()
        app.clear_notifications()
        await pilot.press("c")
        await wait_for(pilot, lambda: any("nothing to cancel" in n.message for n in app._notifications))
        await pilot.press("s")
        await wait_for(pilot, lambda: any("nothing to follow" in n.message for n in app._notifications))
        assert not isinstance(app.screen, ConfirmDialog)
        assert mutating_requests(backend) == []


async def test_cancel_a_run_after_confirming(backend):
    world = world_of(backend)
    vm_id, run_id = world.demo["long_run"]
    app = demo_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await select_vm(pilot, app, "ml-train")
        await pilot.press("2")
        runs = screen.query_one("#runs-pane")
        await wait_for(pilot, lambda: runs.data_list.get(run_id) is not None)
        runs.data_list.move_cursor_to_key(run_id)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        dialog = app.screen
        assert run_id == dialog.request.target.key and dialog.focused.id == "cancel"
        assert mutating_requests(backend) == []  # nothing sent before the answer
        await pilot.press("y")
        await wait_for(pilot, lambda: world.get_run(vm_id, run_id)["state"] == "cancelled")
        await wait_for(pilot, lambda: runs.data_list.get(run_id).state == "cancelled")
        assert mutating_requests(backend) == ["POST cancel_run"]


async def test_delete_a_vm_after_confirming_and_backing_out_changes_nothing(backend):
    world = world_of(backend)
    app = demo_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await select_vm(pilot, app, "scratch-2")
        vm_id = screen.selected_vm_id
        screen.vm_tree.focus()
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        request = app.screen.request
        assert (request.kind, request.target.name, request.target.key) == ("VM", "scratch-2", vm_id)
        assert any("session" in line for line in request.consequences)
        await pilot.press("n")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmDialog))
        await pilot.press("enter")  # a stray enter on the tree opens nothing destructive
        assert mutating_requests(backend) == [] and vm_id in world.vms

        await pilot.press("delete")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_for(pilot, lambda: vm_id not in world.vms)
        await wait_for(pilot, lambda: screen.vm_tree.get_vm(vm_id) is None)
        assert screen.selected_vm_id != vm_id
        assert mutating_requests(backend) == ["DELETE delete_vm"]


async def test_enter_on_the_confirm_dialog_defaults_to_cancel(backend):
    world = world_of(backend)
    app = demo_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await select_vm(pilot, app, "scratch")
        screen.vm_tree.focus()
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmDialog))
        assert mutating_requests(backend) == [] and world.find_vm_by_name("scratch") is not None


@pytest.mark.parametrize("pane_key, pane_id, route", [
    ("3", "#sessions-pane", "DELETE delete_session"),
    ("4", "#tunnels-pane", "DELETE delete_tunnel"),
])
async def test_delete_a_session_or_tunnel(backend, pane_key, pane_id, route):
    app = demo_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await select_vm(pilot, app, "ml-train")
        await pilot.press(pane_key)
        pane = screen.query_one(pane_id)
        await wait_for(pilot, lambda: pane.data_list.total_count > 0)
        key = pane.data_list.cursor_key
        before = pane.data_list.total_count
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_for(pilot, lambda: pane.data_list.get(key) is None)
        assert pane.data_list.total_count == before - 1
        assert mutating_requests(backend) == [route]


async def test_delete_a_filesystem(backend):
    world = world_of(backend)
    app = demo_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: screen.selected_vm_id is not None)
        await pilot.press("5")
        pane = screen.query_one("#filesystems-pane")
        await wait_for(pilot, lambda: pane.data_list.total_count > 0)
        empty = next(f for f in pane.data_list.items() if f.name == "empty")
        pane.data_list.move_cursor_to_key(empty.filesystem_id)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert app.screen.request.target.name == "empty"
        await pilot.press("y")
        await wait_for(pilot, lambda: pane.data_list.get(empty.filesystem_id) is None)
        assert empty.filesystem_id not in world.filesystems


async def test_a_failed_delete_says_why_and_keeps_the_vm(backend):
    world = world_of(backend)
    backend.emulator.faults.update({"error_rate": 1.0, "error_status": 409, "error_code": "conflict",
                                    "methods": ["DELETE"]})
    app = demo_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await select_vm(pilot, app, "scratch")
        vm_id = screen.selected_vm_id
        screen.vm_tree.focus()
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_for(pilot, lambda: any("conflict" in n.message for n in app._notifications))
        assert vm_id in world.vms and screen.vm_tree.get_vm(vm_id) is not None
        assert app.repository.is_pending("vm", vm_id) is None
        assert mutating_requests(backend) == ["DELETE delete_vm"]  # not retried


async def test_filter_the_focused_list_and_clear_it(backend):
    app = demo_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: screen.vm_tree.vm_count > 0)
        screen.vm_tree.focus()
        await pilot.press("slash", *"CI-RUN")
        await wait_for(pilot, lambda: screen.vm_tree.shown_vm_count == 4)
        shown = [v.name for v in screen.vm_tree.items() if isinstance(v, m.Vm)]
        assert sorted(shown) == ["ci-runner-1", "ci-runner-2", "ci-runner-3", "ci-runner-4"]
        await pilot.press("escape")
        await wait_for(pilot, lambda: screen.vm_tree.shown_vm_count == screen.vm_tree.vm_count)


async def test_pause_stops_requests_and_resume_restarts_them(backend):
    emulator = backend.emulator
    app = demo_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.screen.selected_vm_id is not None)
        await pilot.press("p")
        assert app.repository.paused and app.screen.status.refresh_state == "paused"
        await pilot.pause(0.1)
        before = len(emulator.requests)
        await pilot.pause(0.6)  # three list intervals
        assert len(emulator.requests) == before
        await pilot.press("p")
        await wait_for(pilot, lambda: len(emulator.requests) > before)
        assert not app.repository.paused


async def test_read_only_refuses_every_destructive_key(backend):
    app = demo_app(backend, readonly=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await select_vm(pilot, app, "ml-train")
        for pane_key in ("1", "2", "3", "4", "5"):
            await pilot.press(pane_key)
            for key in ("d", "delete", "c"):
                await pilot.press(key)
                assert not isinstance(app.screen, ConfirmDialog)
        assert mutating_requests(backend) == []
        assert "READ-ONLY" in str(screen.status.render())


async def test_an_api_error_is_shown_and_the_app_recovers(backend):
    emulator = backend.emulator
    app = demo_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: screen.vm_tree.vm_count > 0)
        count = screen.vm_tree.vm_count
        emulator.faults.update({"error_rate": 1.0, "error_status": 500})
        await wait_for(pilot, lambda: app.repository.state == "error")
        await wait_for(pilot, lambda: screen.status.refresh_state == "error")
        assert screen.status.last_error.code == "internal"
        await wait_for(pilot, lambda: any("internal" in n.message for n in app._notifications))
        assert screen.vm_tree.vm_count == count  # the last good data stays
        await pilot.press("down")  # still answering keys
        emulator.faults.reset()
        await wait_for(pilot, lambda: app.repository.state == "live", timeout=8)
        assert app.is_running


async def test_y_copies_the_id_of_the_selected_row(backend):
    app = demo_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await select_vm(pilot, app, "ml-train")
        screen.vm_tree.focus()
        await pilot.press("y")
        assert app.clipboard == screen.selected_vm_id
        await pilot.press("2")
        runs = screen.query_one("#runs-pane")
        await wait_for(pilot, lambda: runs.data_list.total_count > 0)
        await pilot.press("y")
        assert app.clipboard == runs.data_list.cursor_key and app.clipboard.startswith("run_")


async def test_the_run_info_shows_the_whole_command(backend):
    from arker_tui.ui.screens.text_view import TextView

    world = world_of(backend)
    vm = world.find_vm_by_name("scratch")
    long_command = "echo " + "x" * 300
    started = world.run(vm.vm_id, m.RunRequest(command=long_command, background=True))
    app = demo_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await select_vm(pilot, app, "scratch")
        await pilot.press("2")
        runs = screen.query_one("#runs-pane")
        await wait_for(pilot, lambda: runs.data_list.get(started["run_id"]) is not None)
        runs.data_list.move_cursor_to_key(started["run_id"])
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.run_view.run is not None)
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, TextView))
        assert long_command in app.screen.body


async def test_enter_on_a_tunnel_shows_it_whole(backend):
    from arker_tui.ui.screens.text_view import TextView

    app = demo_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await select_vm(pilot, app, "ml-train")
        await pilot.press("4")
        pane = screen.query_one("#tunnels-pane")
        await wait_for(pilot, lambda: pane.data_list.total_count > 0)
        tunnel = pane.data_list.cursor_item
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TextView))
        assert tunnel.url in app.screen.body and "auth_token" not in app.screen.body


async def test_details_name_the_host_serving_the_vm_and_why(backend):
    app = demo_app(backend)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = app.screen
        await select_vm(pilot, app, "ml-train")
        await pilot.press("6")
        detail = screen.workspace.vm_detail
        await wait_for(pilot, lambda: detail.is_mounted and detail.total_count > 0)
        host = next(f for f in detail.items() if f.name == "Host")
        url, note = app.repository.describe_host(detail.vm)
        assert str(detail.render_field(host)[1]) == f"{url} · chosen by {note}"
        assert "control plane" in note  # the demo sets no compute hosts: the control plane routes
