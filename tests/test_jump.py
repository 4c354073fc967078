"""Jump: the command palette finds VMs, runs, sessions, tunnels and
filesystems, and choosing one goes there."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import OptionList

from arker_tui.api.models import Vm
from arker_tui.ui.jump import filesystem_targets, run_targets, vm_targets
from tests.dashboard_support import demo_app, demo_backend, main_screen, select_vm, wait_for


def first_result(app) -> str:
    palette = app.screen
    if not isinstance(palette, CommandPalette):
        return ""
    results = palette.query_one(OptionList)
    if not results.option_count or results.highlighted is None:
        return ""
    return str(results.get_option_at_index(results.highlighted).prompt)


async def jump(pilot, app, query: str, expect: str) -> None:
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
    await pilot.press(*query)
    await wait_for(pilot, lambda: expect in first_result(app), what=f"{expect!r} first")
    await pilot.press("enter")
    await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette))


async def test_jumping_to_a_vm_selects_it_in_the_tree():
    backend = demo_backend()
    app = demo_app(backend)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        tree = screen.vm_tree
        await wait_for(pilot, lambda: tree.vm_count > 0)
        target = next(vm for vm in tree.vms() if vm.name == "ci-runner-4")
        other = next(vm for vm in tree.vms() if vm.name == "worker-1")
        # Hidden first: its group is collapsed, so the jump must open it.
        tree.move_cursor_to_key(target.vm_id)
        group = tree.cursor_group.key
        tree.set_collapsed(group, True)
        tree.move_cursor_to_key(other.vm_id)
        await wait_for(pilot, lambda: screen.selected_vm_id == other.vm_id)
        assert target not in tree.items()
        await jump(pilot, app, "ci-runner-4", "VM  ci-runner-4")
        await wait_for(pilot, lambda: screen.selected_vm_id == target.vm_id)
        assert tree.cursor_key == target.vm_id and tree.has_focus


async def test_jumping_to_a_fork_hidden_by_the_filter_and_a_folded_parent():
    backend = demo_backend()
    app = demo_app(backend)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        tree = screen.vm_tree
        await wait_for(pilot, lambda: tree.vm_count > 0 and tree.fork_tree_known)
        ids = {vm.name: vm.vm_id for vm in tree.vms()}
        tree.set_vm_collapsed(ids["ci-runner-1"], True)  # ci-runner-3 and -4 folded away
        tree.set_filter("worker")
        await pilot.pause()
        assert tree.depth_of(ids["ci-runner-4"]) is None
        await jump(pilot, app, "ci-runner-4", "VM  ci-runner-4")
        await wait_for(pilot, lambda: screen.selected_vm_id == ids["ci-runner-4"])
        assert tree.filter == "" and tree.depth_of(ids["ci-runner-4"]) == 2
        assert tree.cursor_key == ids["ci-runner-4"]


async def test_jumping_to_a_run_opens_its_log():
    backend = demo_backend()
    app = demo_app(backend)
    async with app.run_test(size=(120, 40)) as pilot:
        vm_id, run_id = backend.emulator.world.demo["nonzero_exit_run"]
        await select_vm(pilot, app, "api-dev")
        await jump(pilot, app, run_id, run_id)
        screen = main_screen(app)
        await wait_for(pilot, lambda: screen.run_view_open and screen.run_view.run is not None
                       and screen.run_view.run.run_id == run_id, what="the run's log")
        assert screen.run_view.vm_id == vm_id


async def test_jumping_to_a_filesystem_selects_its_row():
    backend = demo_backend()
    app = demo_app(backend)
    async with app.run_test(size=(120, 40)) as pilot:
        await select_vm(pilot, app, "ml-train")
        world = backend.emulator.world
        fs = next(f for f in world.filesystems.values() if f.name == "shared-cache")
        await jump(pilot, app, "Filesystem shared-cache", "shared-cache")
        screen = main_screen(app)
        pane = screen.workspace.filesystems_pane
        await wait_for(pilot, lambda: pane.data_list.cursor_key == fs.filesystem_id, what="the row selected")
        assert pane.data_list.has_focus


def test_results_are_labelled_with_their_kind_and_never_markup():
    vms = [Vm(vm_id="vm_1", name="[@click=app.quit]evil\x1b[31m")]
    (vm,) = vm_targets(vms)
    assert vm.text.startswith("VM ") and "\x1b" not in vm.text
    from arker_tui.api.models import Filesystem, RunSummary
    (run,) = run_targets("vm_1", [RunSummary(run_id="run_9", command="make test", state="completed")])
    assert run.text.startswith("Run ") and "run_9" in run.text and "make test" in run.text
    (fs,) = filesystem_targets([Filesystem(filesystem_id="fs_1", name="data")])
    assert fs.text.startswith("Filesystem ") and fs.vm_id is None
