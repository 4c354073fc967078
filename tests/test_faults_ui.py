"""The fault matrix (issue 7): the real app against the emulator with one
fault switched on at a time. Each row checks that the app keeps running and
answers keys, that the user is told in words (status bar / notification, no
traceback), that the last good data stays on screen, and that it recovers by
itself once the fault is off (a change made on the server then shows up)."""

from __future__ import annotations

import asyncio
from typing import Callable

import pydantic
import pytest
from fault_support import (
    SIZE,
    RefusingTransport,
    make_app,
    make_backend,
    notifications,
    screen_text,
    status_text,
    tree_names,
    user_told,
    wait_for,
)

from arker_tui.emulator import ManualClock, build_demo_world
from arker_tui.emulator.demo import DEMO_VM_NAMES
from tests.dashboard_support import main_screen

ALL_NAMES = set(DEMO_VM_NAMES)


def loaded(app) -> Callable[[], bool]:
    def check() -> bool:
        screen = main_screen(app)
        runs = screen.query_one("#runs-pane") if screen is not None else None
        return ALL_NAMES <= tree_names(app) and runs is not None and runs.data_list.total_count > 0
    return check


async def assert_responsive(pilot, app) -> None:
    """A key press still does what it says: p pauses live refresh, p resumes."""
    await pilot.press("p")
    await wait_for(pilot, lambda: app.repository.paused and "paused" in status_text(app), timeout=2)
    await pilot.press("p")
    await wait_for(pilot, lambda: not app.repository.paused, timeout=2)


async def assert_recovers(pilot, app, backend) -> None:
    """Back to live on its own, and new server data reaches the screen."""
    await wait_for(pilot, lambda: app.repository.state == "live" and "● live" in status_text(app), timeout=5)
    backend.emulator.world.add_vm("recovered-after-fault")
    await wait_for(pilot, lambda: "recovered-after-fault" in tree_names(app), timeout=5)
    assert "error" not in status_text(app)


def no_traceback(app) -> None:
    seen = screen_text(app) + "\n".join(notifications(app))
    assert "Traceback" not in seen and "File \"" not in seen
    assert app._exception is None


async def run_row(
    switch_on: Callable[[object], None],
    switch_off: Callable[[object], None],
    words: tuple[str, ...],
    *,
    header: str = "error",
    backend=None,
    timeout: float = 5.0,
) -> None:
    b = backend or make_backend()
    app = make_app(b)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, loaded(app))
        switch_on(b)
        await wait_for(pilot, lambda: all(w in user_told(app) for w in words), timeout=timeout)
        assert app.is_running
        assert f"● {header} ·" in status_text(app)  # a short word; the reason is in the main area
        assert ALL_NAMES <= tree_names(app), "the last good data left the screen"
        no_traceback(app)
        await assert_responsive(pilot, app)
        assert ALL_NAMES <= tree_names(app)
        switch_off(b)
        await assert_recovers(pilot, app, b)
        no_traceback(app)


def faults(**values):
    def on(b) -> None:
        b.emulator.faults.update(values)
    return on


def reset(b) -> None:
    b.emulator.faults.reset()


# --- slow and silent servers ---------------------------------------------------------


async def test_latency_longer_than_the_timeout():
    # "5 s latency" scaled down: every call takes longer than the client's timeout.
    b = make_backend(timeout=0.2)
    await run_row(faults(latency=0.5), reset, ("timed out", "Could not refresh VMs"), header="offline", backend=b)


async def test_request_that_never_answers():
    b = make_backend(timeout=0.2)
    await run_row(faults(hang=True), reset, ("timed out",), header="offline", backend=b)


async def test_latency_below_the_timeout_is_only_slow():
    """Slow but in time: no error at all, the data keeps coming."""
    b = make_backend(timeout=1.0)
    app = make_app(b)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, loaded(app))
        b.emulator.faults.update({"latency": 0.1})
        b.emulator.world.add_vm("arrived-while-slow")
        await wait_for(pilot, lambda: "arrived-while-slow" in tree_names(app))
        assert app.repository.state == "live"
        await assert_responsive(pilot, app)


# --- server errors -----------------------------------------------------------------------

WORDS = {500: "internal", 502: "unavailable", 503: "unavailable", 504: "unavailable"}


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_server_errors_always(status):
    await run_row(faults(error_rate=1.0, error_status=status), reset, (WORDS[status], f"HTTP {status}"))


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_server_errors_at_30_percent(status):
    """Intermittent errors: retried where safe, the data never leaves the
    screen, and it ends live. A 500 is not retried, so the user is told."""
    b = make_backend()
    b.emulator.faults.update({"seed": status})
    app = make_app(b)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, loaded(app))
        b.emulator.reset_counts()
        b.emulator.faults.update({"error_rate": 0.3, "error_status": status})
        told = False
        for _ in range(12):
            await pilot.pause(0.05)
            assert ALL_NAMES <= tree_names(app)
            told = told or WORDS[status] in user_told(app)
        failed = sum(1 for r in b.emulator.requests if r.status == status)
        assert failed > 0, "the fault never fired"
        assert app.is_running
        no_traceback(app)
        await assert_responsive(pilot, app)
        if status == 500:
            assert told
        else:
            assert b.client.stats.retries > 0
        reset(b)
        await assert_recovers(pilot, app, b)


async def test_429_retry_after_is_honoured_not_hammered():
    b = make_backend()
    app = make_app(b)
    retry_after = 0.25
    window = 0.8
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, loaded(app))
        b.emulator.reset_counts()
        b.emulator.faults.update({"error_rate": 1.0, "error_status": 429, "retry_after": retry_after})
        loop = asyncio.get_running_loop()
        started = loop.time()
        await wait_for(pilot, lambda: "resource_pressure" in user_told(app))
        await pilot.pause(max(0.0, window - (loop.time() - started)))
        window = loop.time() - started  # a loaded machine stretches the wait
        # Every request of a query waits Retry-After after the one before it
        # (the client between attempts, the repository between fetches).
        for route in ("list_vms", "list_runs"):
            sent = b.emulator.count(route)
            assert 1 <= sent <= window / retry_after + 1, (route, sent, window)
        assert "resource_pressure" in user_told(app)
        assert ALL_NAMES <= tree_names(app)
        await assert_responsive(pilot, app)
        reset(b)
        await assert_recovers(pilot, app, b)


# --- the network -------------------------------------------------------------------------


async def test_dropped_connections():
    await run_row(faults(drop_rate=1.0), reset, ("no answer",), header="offline")


async def test_connection_refused():
    refusing: list[RefusingTransport] = []

    def wrap(inner):
        refusing.append(RefusingTransport(inner))
        return refusing[0]

    def on(b) -> None:
        refusing[0].refusing = True

    def off(b) -> None:
        refusing[0].refusing = False

    b = make_backend(wrap=wrap)
    await run_row(on, off, ("Connection refused",), header="offline", backend=b)
    assert refusing[0].refused > 0


# --- auth and permissions ------------------------------------------------------------------


async def test_401_says_how_to_set_the_key():
    await run_row(faults(error_rate=1.0, error_status=401), reset, ("unauthorized", "ARKER_API_KEY"),
                  header="key refused")


async def test_wrong_api_key_says_how_to_set_it():
    """A real bad key (not a fault): the user is told what to do, the key is not shown."""
    b = make_backend(api_key="sk-wrong-key-0001", emulator_key="sk-right-key-0002")
    app = make_app(b)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "ARKER_API_KEY" in user_told(app))
        told = user_told(app)
        assert "unauthorized" in told
        assert "sk-wrong-key-0001" not in told + screen_text(app)
        assert app.is_running
        no_traceback(app)


async def test_the_problem_panel_does_not_promise_a_retry_while_paused():
    """Paused, nothing retries on its own: the panel says so and not "retrying in 1 s"."""
    b = make_backend(api_key="sk-wrong-key-0001", emulator_key="sk-right-key-0002")
    app = make_app(b)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "retrying in" in screen_text(app).lower())
        await pilot.press("p")
        await wait_for(pilot, lambda: "refresh is paused" in screen_text(app).lower())
        assert "retrying in" not in screen_text(app).lower()
        await pilot.press("p")
        await wait_for(pilot, lambda: "retrying in" in screen_text(app).lower())


async def test_403():
    await run_row(faults(error_rate=1.0, error_status=403), reset, ("forbidden",), header="forbidden")


# --- a VM deleted elsewhere -------------------------------------------------------------------


async def test_selected_vm_deleted_elsewhere():
    world = build_demo_world(ManualClock())
    vm_id, run_id = world.demo["long_run"]
    b = make_backend(world)
    app = make_app(b)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, loaded(app))
        screen = main_screen(app)
        screen.vm_tree.move_cursor_to_key(vm_id)
        await wait_for(pilot, lambda: screen.selected_vm_id == vm_id)
        await screen.open_run(vm_id, run_id)
        await wait_for(pilot, lambda: screen.run_view.run is not None)
        name = world.vms[vm_id].name
        world.delete_vm(vm_id)  # elsewhere: not through the app
        await wait_for(pilot, lambda: name not in tree_names(app))
        # The selection moved on to another VM, and the user was told why.
        await wait_for(pilot, lambda: screen.selected_vm_id not in (None, vm_id))
        assert any("gone" in n for n in notifications(app))
        # The run view that was open says the run is gone instead of spinning.
        await wait_for(pilot, lambda: screen.run_view.error is not None)
        assert "no longer exists" in screen.run_view.error
        await wait_for(pilot, lambda: "This run no" in screen_text(app))  # on the next frame
        # A VM that is gone is not a connection problem: the status goes back to live.
        await wait_for(pilot, lambda: "● live" in status_text(app))
        assert app.is_running
        no_traceback(app)
        await assert_responsive(pilot, app)


# --- bad bodies ------------------------------------------------------------------------------


async def test_malformed_json():
    await run_row(faults(malformed_rate=1.0), reset, ("malformed",))


class Rewrite:
    """A switchable change of the emulator's 2xx bodies (see RewritingTransport)."""

    def __init__(self, change: Callable[[str, object], object]) -> None:
        self.change = change
        self.on = False

    def wrap(self, inner):
        from fault_support import RewritingTransport
        return RewritingTransport(inner, self)

    def __call__(self, request, payload):
        return self.change(request.url.path, payload) if self.on else None

    def switch_on(self, b) -> None:
        self.on = True

    def switch_off(self, b) -> None:
        self.on = False


async def test_body_of_the_wrong_shape():
    rewrite = Rewrite(lambda path, payload: {"vms": "surprise", "runs": 42} if "/runs" in path or path.endswith("/vms")
                      else None)
    b = make_backend(wrap=rewrite.wrap)
    await run_row(rewrite.switch_on, rewrite.switch_off, ("unexpected response shape",), backend=b)


async def test_body_that_is_not_an_object():
    rewrite = Rewrite(lambda path, payload: ["not", "an", "object"])
    b = make_backend(wrap=rewrite.wrap)
    await run_row(rewrite.switch_on, rewrite.switch_off, ("unexpected response shape",), backend=b)


def _vms_of(payload):
    return payload.get("vms", []) if isinstance(payload, dict) else []


async def _show_vm(pilot, app, name: str) -> None:
    screen = main_screen(app)
    vm = next(v for v in screen.vm_tree.vms() if v.name == name)
    screen.vm_tree.move_cursor_to_key(vm.vm_id)
    await wait_for(pilot, lambda: screen.selected_vm_id == vm.vm_id)


async def test_unknown_fields_and_enum_values_are_shown_as_they_are():
    def change(path, payload):
        if path.endswith("/vms"):
            for vm in _vms_of(payload):
                vm["colour"] = "teal"
                if vm["name"] == "api-dev":
                    vm["state"] = "hibernating"
            return payload
        if path.endswith("/runs"):
            for run in payload.get("runs", []):
                run["state"] = "suspended"
                run["gpu_hours"] = 1.5
            return payload
        return None

    rewrite = Rewrite(change)
    rewrite.on = True
    b = make_backend(wrap=rewrite.wrap)
    app = make_app(b)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, loaded(app))
        await _show_vm(pilot, app, "api-dev")
        await wait_for(pilot, lambda: "suspended" in screen_text(app))
        await pilot.press("6")
        await wait_for(pilot, lambda: "hibernating" in screen_text(app))
        text = screen_text(app)
        assert "colour" in text and "teal" in text
        assert app.repository.state == "live"
        no_traceback(app)


async def test_missing_optional_fields():
    keep = {"vm_id", "name"}

    def change(path, payload):
        if path.endswith("/vms"):
            payload["vms"] = [{k: v for k, v in vm.items() if k in keep or vm["name"] != "api-dev"}
                              | ({} if vm["name"] != "worker-1" else {"name": None}) for vm in _vms_of(payload)]
            for vm in payload["vms"]:
                if vm.get("name") is None:
                    vm.pop("name", None)
            return payload
        if path.endswith("/runs"):
            payload["runs"] = [{"run_id": r["run_id"]} for r in payload.get("runs", [])]
            return payload
        return None

    rewrite = Rewrite(change)
    rewrite.on = True
    b = make_backend(wrap=rewrite.wrap)
    app = make_app(b)
    worker_1 = next(vm.vm_id for vm in b.emulator.world.vms.values() if vm.name == "worker-1")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "api-dev" in tree_names(app) and worker_1 in screen_text(app))
        assert "worker-1" not in tree_names(app)  # no name: shown by its id
        await _show_vm(pilot, app, "api-dev")
        runs = main_screen(app).query_one("#runs-pane")
        await wait_for(pilot, lambda: runs.data_list.total_count > 0)
        await pilot.press("6")
        await wait_for(pilot, lambda: "Region" in screen_text(app))
        assert app.repository.state == "live"
        no_traceback(app)


async def test_nulls_where_values_were_expected():
    def change(path, payload):
        if path.endswith("/vms"):
            for vm in _vms_of(payload):
                for key in list(vm):
                    if key not in ("vm_id", "name"):
                        vm[key] = None
            return payload
        if path.endswith("/runs"):
            for run in payload.get("runs", []):
                for key in list(run):
                    if key != "run_id":
                        run[key] = None
            return payload
        return None

    rewrite = Rewrite(change)
    b = make_backend(wrap=rewrite.wrap)
    app = make_app(b)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, loaded(app))
        rewrite.on = True
        b.emulator.world.add_vm("null-world")
        await wait_for(pilot, lambda: "null-world" in tree_names(app))
        assert ALL_NAMES <= tree_names(app)
        await _show_vm(pilot, app, "api-dev")
        runs = main_screen(app).query_one("#runs-pane")
        await wait_for(pilot, lambda: runs.data_list.total_count > 0 and runs.query_key is not None
                       and app.repository.peek(runs.query_key).error is None)
        await pilot.press("6")
        await wait_for(pilot, lambda: "Region" in screen_text(app))
        assert app.repository.state == "live", app.repository.stats.last_error
        no_traceback(app)


def test_nulls_take_defaults_and_a_null_state_is_unknown():
    """A null where a value was expected does not reject the whole answer."""
    from arker_tui.api import models as m

    vm = m.Vm.model_validate({"vm_id": "vm_1", "state": None, "sessions": None, "owner_org_id": None,
                              "name": None, "colour": None})
    assert (vm.state, vm.sessions, vm.owner_org_id, vm.name) == ("unknown", [], "", None)
    assert vm.extra_fields == {"colour": None}
    run = m.RunSummary.model_validate({"run_id": "r", "state": None, "started_at": None})
    assert run.state == "unknown" and not run.is_terminal and run.started_at == ""
    with pytest.raises(pydantic.ValidationError):
        m.Vm.model_validate({"vm_id": None})
