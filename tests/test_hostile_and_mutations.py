"""Hostile data from the server cannot reach the terminal; failed mutations
are shown, change nothing and are not retried; a run retried after a dropped
connection starts once."""

from __future__ import annotations

import re

import httpx
from fault_support import (
    SIZE,
    RewritingTransport,
    make_app,
    make_backend,
    screen_raw,
    screen_text,
    tree_names,
    wait_for,
)
from textual.screen import ModalScreen

from arker_tui.api import models as m
from arker_tui.emulator import ManualClock, build_demo_world
from arker_tui.emulator.shell import Instant, Program, scripted
from arker_tui.repository import Intervals
from tests.dashboard_support import main_screen

# What a terminal would obey: ESC (CSI / OSC / DCS), BEL, NUL, other C0/C1, bidi overrides.
OBEYED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

OSC_TITLE = "\x1b]0;pwned-title\x07"
OSC_CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4=\x07"
HOSTILE_NAMES = [
    f"evil{OSC_TITLE}\x1b[2J\x1b[H\x07{OSC_CLIPBOARD}-vm",
    "x" * 10_000,
    "emoji-🚀-宽字符-ｗｉｄｅ",
    "rtl-\u202eevil\u202c-שלום-مرحبا",
    "nul\x00byte\x1b[?1049h\x1b[?25l",
]
HOSTILE_OUTPUT = (f"start{OSC_TITLE}\n\x1b[31mred\x1b[0m then \x1b[2J\x1b[Hclear\x07bell\n"
                  f"clip{OSC_CLIPBOARD}\x00nul \x1b[?1049h alt-screen \x1b]8;;http://evil\x07link\x1b]8;;\x07\n"
                  "🚀 wide 宽 \u202eRTL override\n")


def hostile_world():
    world = build_demo_world(ManualClock())
    for name in HOSTILE_NAMES:
        world.add_vm(name, vcpu_count=1, memory_mib=1024)
    vm = world.find_vm_by_name(HOSTILE_NAMES[0])
    run = world.add_run(vm, f"echo {OSC_TITLE}\x1b[2J",
                        program=scripted("hostile", [(0.0, "out", HOSTILE_OUTPUT)], 1e9))
    big = world.add_run(vm, "cat big.log", program=Program(
        "cat big.log", [(0.0, Instant(stdout=b"".join(b"line %07d of ten megabytes ........................\n" % i
                                                       for i in range(190_000))))], 0.0, 0))
    return world, vm.vm_id, run.run_id, big.run_id


def assert_inert(app) -> None:
    raw = screen_raw(app)
    assert not OBEYED.search(raw), repr(OBEYED.search(raw))
    svg = app.export_screenshot()
    assert not OBEYED.search(svg)
    assert "pwned-title" not in raw + svg or "\x1b]0;pwned-title" not in raw + svg


async def test_hostile_names_and_output_cannot_reach_the_terminal():
    world, vm_id, run_id, big_id = hostile_world()
    b = make_backend(world)
    app = make_app(b)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        await wait_for(pilot, lambda: len(tree_names(app)) >= 28 + len(HOSTILE_NAMES))
        assert_inert(app)
        for name in HOSTILE_NAMES:
            vm = next(v for v in screen.vm_tree.vms() if v.name == name)
            screen.vm_tree.move_cursor_to_key(vm.vm_id)
            await wait_for(pilot, lambda: screen.selected_vm_id == vm.vm_id)
            for tab in "23456":  # every pane title names the VM
                await pilot.press(tab)
                await pilot.pause(0.05)
                assert_inert(app)
        # Every screen line still fits the terminal (no wide / RTL / 10k-char overflow).
        for line in screen_text(app).splitlines():
            from rich.cells import cell_len
            assert cell_len(line) <= SIZE[0]
        assert "🚀" in screen_text(app) or any("🚀" in n for n in tree_names(app))
        # The hostile run's output: colours kept, everything else inert.
        await screen.open_run(vm_id, run_id)
        await wait_for(pilot, lambda: "alt-screen" in screen_text(app))
        assert_inert(app)
        text = screen_text(app)
        assert "red" in text and "wide" in text
        # 10 MB of output in one poll: shown, and the app still answers keys.
        await screen.open_run(vm_id, big_id)
        await wait_for(pilot, lambda: screen.run_view.log_view.line_count >= 100_000, timeout=20)
        await pilot.press("p")
        await wait_for(pilot, lambda: app.repository.paused)
        await pilot.press("p")
        assert app.is_running and app._exception is None


async def test_base64_output_that_does_not_decode():
    world = build_demo_world(ManualClock())
    vm_id, run_id = world.demo["base64_run"]

    def rewrite(request, payload):
        if request.url.path.endswith(f"/runs/{run_id}"):
            payload.update(stdout="%%%not*base64%%%", stdout_encoding="base64")
            return payload
        return None

    b = make_backend(world, wrap=lambda inner: RewritingTransport(inner, rewrite))
    app = make_app(b)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        await wait_for(pilot, lambda: screen.vm_tree.vm_count > 0)
        await screen.open_run(vm_id, run_id)
        await wait_for(pilot, lambda: "could not be decoded" in screen_text(app))
        assert app.is_running and app._exception is None


# --- failed mutations -------------------------------------------------------------------------

FAILURES = [(409, "conflict"), (403, "forbidden"), (500, "internal"), (503, "unavailable")]


def new_notes(app, seen: set[str]) -> list[str]:
    return [f"{n.title or ''}: {n.message}" for n in app._notifications if n.identity not in seen]


def seen_notes(app) -> set[str]:
    return {n.identity for n in app._notifications}


async def _confirm(pilot, app, key: str) -> None:
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(app.screen, ModalScreen))
    await pilot.press("y")


async def test_failed_vm_delete_is_shown_not_marked_done_not_retried():
    world = build_demo_world(ManualClock())
    b = make_backend(world)
    app = make_app(b)
    vm_id = next(v.vm_id for v in world.vms.values() if v.name == "scratch-2")
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        await wait_for(pilot, lambda: screen.vm_tree.vm_count > 0)
        screen.vm_tree.move_cursor_to_key(vm_id)
        screen.vm_tree.focus()
        await wait_for(pilot, lambda: screen.selected_vm_id == vm_id)
        for status, code in FAILURES:
            b.emulator.faults.reset()
            b.emulator.faults.update({"error_rate": 1.0, "error_status": status, "error_code": code,
                                      "methods": ["DELETE"]})
            sent = b.emulator.count("delete_vm")
            told = seen_notes(app)
            await _confirm(pilot, app, "d")
            await wait_for(pilot, lambda: any(code in n and "failed" in n for n in new_notes(app, told)))
            await pilot.pause(0.2)
            assert b.emulator.count("delete_vm") == sent + 1, f"{status} was retried"
            assert vm_id in world.vms and "scratch-2" in tree_names(app)
            assert not app.repository.is_pending("vm", vm_id)
            assert not any(n.startswith("Done") for n in new_notes(app, told))
        assert app.is_running


async def test_failed_cancel_is_shown_not_marked_done_not_retried():
    world = build_demo_world(ManualClock())
    vm_id, run_id = world.demo["long_run"]
    b = make_backend(world)
    app = make_app(b)
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        await wait_for(pilot, lambda: screen.vm_tree.vm_count > 0)
        screen.vm_tree.move_cursor_to_key(vm_id)
        await wait_for(pilot, lambda: screen.selected_vm_id == vm_id)
        runs = screen.query_one("#runs-pane")
        await wait_for(pilot, lambda: runs.data_list.get(run_id) is not None)
        runs.data_list.move_cursor_to_key(run_id)
        runs.data_list.focus()
        for status, code in FAILURES:
            b.emulator.faults.reset()
            b.emulator.faults.update({"error_rate": 1.0, "error_status": status, "error_code": code,
                                      "methods": ["POST"]})
            sent = b.emulator.count("cancel_run")
            told = seen_notes(app)
            await _confirm(pilot, app, "c")
            await wait_for(pilot, lambda: any(code in n and "failed" in n for n in new_notes(app, told)))
            await pilot.pause(0.2)
            assert b.emulator.count("cancel_run") == sent + 1, f"{status} was retried"
            assert runs.data_list.get(run_id).state == "running"
            assert not app.repository.is_pending("run", run_id)
            assert world.vms[vm_id].runs[run_id].is_running(world.now())
        assert app.is_running


# --- idempotent runs --------------------------------------------------------------------------


class DropAfterServing(httpx.AsyncBaseTransport):
    """The server does the work, then the connection drops before the answer
    arrives (the first ``drops`` POSTs): the worst case for a retry."""

    def __init__(self, inner: httpx.AsyncBaseTransport, drops: int = 1) -> None:
        self.inner, self.drops = inner, drops

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.method == "POST" and self.drops > 0:
            self.drops -= 1
            await response.aread()
            raise httpx.RemoteProtocolError("peer closed connection without sending a response", request=request)
        return response


async def test_a_run_retried_after_a_dropped_connection_starts_once():
    world = build_demo_world(ManualClock())
    vm_id, _ = world.demo["long_run"]
    b = make_backend(world, wrap=lambda inner: DropAfterServing(inner), intervals=Intervals())
    before = world.runs_created
    response = await b.repository.run(vm_id, m.RunRequest(command="sleep 30", background=True))
    assert b.client.stats.retries == 1  # the answer was lost once, the request sent twice
    assert world.runs_created == before + 1
    assert response.run_id in world.vms[vm_id].runs
    # The contrast: two sends with different keys really do start two runs.
    await b.client.run(vm_id, m.RunRequest(command="sleep 30", background=True), idempotency_key="k1")
    await b.client.run(vm_id, m.RunRequest(command="sleep 30", background=True), idempotency_key="k2")
    assert world.runs_created == before + 3
    await b.client.aclose()
