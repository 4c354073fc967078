"""Hostile server data in what the fork tree, its AGE / STARTED columns, the
filter terms and the palette's jump show: inert, bounded, never a crash."""

from __future__ import annotations

from fault_support import SIZE, RewritingTransport, make_app, make_backend, screen_text, wait_for
from textual.command import CommandPalette

from arker_tui.emulator import ManualClock
from tests.dashboard_support import main_screen
from tests.test_hostile_and_mutations import OSC_TITLE, assert_inert, hostile_world

BAD_TIMES = [f"2026-01-01{OSC_TITLE}\x1b[2J", "9999-99-99T99:99:99Z", "x" * 10_000, "", "-1e309"]


def hostile(broken_row: bool = False):
    """The rewrite of the server's answers; ``broken_row``: the fork rows
    also carry a row that does not decode (the whole answer cannot be read)."""
    return lambda request, payload: rewrite(request, payload, broken_row)


def rewrite(request, payload, broken_row: bool):
    path = request.url.path
    if path == "/v1/vms" and isinstance(payload, dict):
        for i, vm in enumerate(payload.get("vms", [])):
            if i % 3 == 0:
                vm["created_at"] = BAD_TIMES[i % len(BAD_TIMES)]
                vm["started_at"] = BAD_TIMES[(i + 1) % len(BAD_TIMES)]
        return payload
    if path == "/v1/runs" and request.url.params.get("endpoint") == "fork" and isinstance(payload, dict):
        rows = payload.get("rows", [])
        vms = [r["vm_id"] for r in rows if r.get("vm_id")]
        rows += [
            {"request_id": "req_evil1", "endpoint": "fork", "status": 200, "vm_id": f"vm{OSC_TITLE}\x1b[2J",
             "source_vm_id": "s" * 10_000},
            {"request_id": "req_evil2", "endpoint": "fork", "status": 200,
             "vm_id": vms[0] if vms else "vm_x", "source_vm_id": f"\x1b]52;c;cm0=\x07{vms[-1] if vms else ''}"},
        ]
        if broken_row:
            rows.append({"request_id": "req_evil3", "endpoint": "fork", "status": "lots", "vm_id": "a",
                         "source_vm_id": "b"})
        payload["rows"] = rows
        return payload
    return None


async def test_hostile_times_and_fork_rows_stay_inert_in_the_tree_filter_and_palette():
    world, vm_id, run_id, _ = hostile_world()
    assert isinstance(world.clock, ManualClock)
    b = make_backend(world, wrap=lambda inner: RewritingTransport(inner, hostile()))
    app = make_app(b)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        tree = screen.vm_tree
        await wait_for(pilot, lambda: tree.vm_count > 28 and tree.fork_tree_known, what="VMs and fork rows")
        assert "AGE" in tree.shown_columns()
        assert_inert(app)
        assert max(tree.depth_of(vm.vm_id) or 0 for vm in tree.vms()) >= 2, "the good rows still nest"
        # A bad time is "-", never a crash; terms on times skip what cannot be read.
        tree.focus()
        await pilot.press("slash", *"age>1d")
        await pilot.pause(0.1)
        assert_inert(app)
        assert app.is_running and app._exception is None
        await pilot.press("escape")
        # The palette's results: hostile names and commands, plain.
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"evil")
        await pilot.pause(0.5)
        assert_inert(app)
        assert "evil" in screen_text(app)
        await pilot.press("escape")
        assert app.is_running and app._exception is None


async def test_fork_rows_that_cannot_be_read_leave_every_fork_under_its_root_marked():
    world, _, _, _ = hostile_world()
    b = make_backend(world, wrap=lambda inner: RewritingTransport(inner, hostile(broken_row=True)))
    app = make_app(b)
    async with app.run_test(size=SIZE) as pilot:
        tree = main_screen(app).vm_tree
        await wait_for(pilot, lambda: tree.vm_count > 28 and tree.fork_tree_known, what="VMs and fork rows")
        heads = {vm.root_source_vm_id for vm in tree.vms()}  # VMs others were forked from head their group
        forks = [vm for vm in tree.vms() if vm.root_source_vm_id and vm.vm_id not in heads]
        assert forks and all(tree.depth_of(vm.vm_id) == 0 for vm in tree.vms())
        assert all(tree.note_of(vm.vm_id) == "parent unknown" for vm in forks)
        assert_inert(app)
        assert app.is_running and app._exception is None
