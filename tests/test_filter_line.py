"""The `/` line with terms, in the app against the demo world."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import datetime

from arker_tui.api.models import Vm
from arker_tui.emulator.demo import DEMO_VM_NAMES
from tests.dashboard_support import demo_app, demo_backend, select_vm, wait_for
from tests.fault_support import notifications


def shown_vms(tree) -> list[str]:
    return sorted(item.name for item in tree.items() if isinstance(item, Vm))


def age_seconds(iso: str, now: float) -> float:
    return now - datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


@asynccontextmanager
async def demo_tree():
    """The demo app with every VM in the tree, the tree focused."""
    backend = demo_backend()
    app = demo_app(backend)
    async with app.run_test(size=(120, 40)) as pilot:
        tree = app.screen.vm_tree
        await wait_for(pilot, lambda: tree.vm_count == len(DEMO_VM_NAMES))
        tree.focus()
        yield backend, app, pilot, tree


async def type_filter(pilot, text: str) -> None:
    await pilot.press("slash", *text)
    await pilot.pause()


async def test_terms_combine_with_and_in_the_tree():
    async with demo_tree() as (backend, app, pilot, tree):
        now = backend.emulator.world.clock.now()
        expected = sorted(vm.name for vm in tree.vms() if vm.state == "idle" and vm.region == "eu-central-1"
                          and age_seconds(vm.created_at, now) > 2 * 86400)
        assert expected and len(expected) < len([v for v in tree.vms() if v.region == "eu-central-1"])
        await type_filter(pilot, "state:idle age>2d region:eu-central-1")
        await wait_for(pilot, lambda: shown_vms(tree) == expected, what=f"only {expected}")
        await pilot.press("enter")
        assert "[/state:idle age>2d region:eu-central-1]" in app.screen.workspace.vm_pane.pane_title().plain
        # A glob and a size
        await pilot.press("escape")
        await type_filter(pilot, "name:ci-runner-* mem>=4G")
        want = sorted(n for n in DEMO_VM_NAMES if n.startswith("ci-runner-"))
        await wait_for(pilot, lambda: shown_vms(tree) == want)


async def test_a_bad_term_is_named_in_the_line_and_the_list_stays():
    async with demo_tree() as (backend, app, pilot, tree):
        await type_filter(pilot, "state:running")
        running = sorted(vm.name for vm in tree.vms() if vm.state == "running")
        await wait_for(pilot, lambda: shown_vms(tree) == running)
        line = app.screen.workspace.vm_pane.filter_input
        line.value = "state:running cpu>=lots"  # pasted: one change (typed, "cpu" alone is a word)
        await wait_for(pilot, lambda: line.has_class("-bad-term"))
        assert "cpu>=lots" in str(line.border_title)
        assert shown_vms(tree) == running  # left as it was: no substring match of "cpu>=lots"
        assert tree.filter == "state:running"
        line.value = "state:running cpu>=2"
        await wait_for(pilot, lambda: not line.has_class("-bad-term"))
        assert line.border_title is None
        want = sorted(vm.name for vm in tree.vms() if vm.state == "running" and (vm.vcpu_count or 0) >= 2)
        await wait_for(pilot, lambda: shown_vms(tree) == want)


async def test_question_mark_lists_the_terms():
    async with demo_tree() as (backend, app, pilot, tree):
        before = shown_vms(tree)
        await type_filter(pilot, "?")
        await wait_for(pilot, lambda: any(n.startswith("Filter terms") for n in notifications(app)))
        told = next(n for n in notifications(app) if n.startswith("Filter terms"))
        for example in ("state:idle", "cpu>=4", "mem>=8G", "age>7d", "golden:ubuntu"):
            assert example in told
        assert shown_vms(tree) == before


async def test_runs_understand_exit_and_cmd():
    backend = demo_backend()
    app = demo_app(backend)
    async with app.run_test(size=(120, 40)) as pilot:
        await select_vm(pilot, app, "api-dev")
        await pilot.press("2")
        pane = app.screen.query_one("#runs-pane")
        await wait_for(pilot, lambda: pane.data_list.total_count > 2)
        vm_id, run_id = backend.emulator.world.demo["nonzero_exit_run"]
        await type_filter(pilot, "exit!=0")
        await wait_for(pilot, lambda: [r.run_id for r in pane.data_list.items()] == [run_id])
        await pilot.press(*" cmd:make")
        await pilot.pause()
        assert [r.run_id for r in pane.data_list.items()] == [run_id]
        pane.filter_input.value = "exit!=0 cmd:make cpu>=2"  # not a term of runs
        await wait_for(pilot, lambda: pane.filter_input.has_class("-bad-term"))
        assert "cpu>=2" in str(pane.filter_input.border_title)
        assert [r.run_id for r in pane.data_list.items()] == [run_id]
