"""The org activity view against the demo emulator: rows, filters sent to the
API, sort keys, sparklines, refresh, errors; and its pure helpers."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Sparkline, Static

from arker_tui.api.models import OrgRunListRow
from arker_tui.backend import open_demo
from arker_tui.emulator import build_demo_world
from arker_tui.emulator.clock import ManualClock
from arker_tui.emulator.faults import Faults
from arker_tui.repository import Intervals, Query
from arker_tui.settings import Settings
from arker_tui.ui.activity_stats import (
    StatusFilterError,
    latency,
    parse_status,
    percentile,
    summarize,
)
from arker_tui.ui.app import ArkerApp
from arker_tui.ui.screens.activity import ActivityScreen
from arker_tui.ui.screens.main import MainScreen

# --- pure helpers ----------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("", {}),
    ("4xx", {"status_min": 400, "status_max": 499}),
    ("500-599", {"status_min": 500, "status_max": 599}),
    (" 404 ", {"status_min": 404, "status_max": 404}),
    (">=500", {"status_min": 500}),
    ("<400", {"status_max": 399}),
    ("500+", {"status_min": 500}),
    ("error", {"status_min": 400}),
    ("ok", {"status_max": 399}),
    ("429,503", {"status": ["429", "503"]}),
])
def test_parse_status(text, expected):
    assert parse_status(text) == expected


@pytest.mark.parametrize("text, words", [
    ("abc", "cannot read"), ("600", "not an HTTP status"), ("599-500", "empty range"),
    ("4xx,abc", "not an HTTP status"), ("6xx", "cannot read"),
])
def test_parse_status_errors_in_words(text, words):
    with pytest.raises(StatusFilterError, match=words):
        parse_status(text)


def test_latency_and_percentile():
    assert latency(180.4) == "180 ms"
    assert latency(1234) == "1.2 s"
    assert latency(125_000) == "2m 05s"
    assert latency(None) == "-"
    values = sorted([10.0, 20.0, 30.0, 40.0, 1000.0])
    assert percentile(values, 50) == 30.0
    assert percentile(values, 95) == 1000.0
    assert percentile([], 50) is None


def _row(i: int, t_ms: int, total: float, status: int = 200) -> OrgRunListRow:
    return OrgRunListRow(request_id=f"req_{i}", t_ms=t_ms, total_ms=total, status=status)


def test_summarize_buckets_counts_and_percentiles():
    minute = 60_000
    base = 1_767_225_600_000  # a whole hour
    rows = [_row(0, base + 5_000, 100), _row(1, base + 10_000, 300), _row(2, base + 20_000, 200, 500),
            _row(3, base + 9 * minute + 1, 2000)]
    summary = summarize(rows)
    assert summary.bucket_ms == 30_000  # a 9-minute span in at most 40 buckets
    assert summary.count == 4 and summary.errors == 1
    assert sum(summary.counts) == 4
    assert summary.counts[0] == 3 and summary.counts[-1] == 1
    assert summary.p50s[0] == 200 and summary.p95s[0] == 300
    assert summary.p50s[-1] == 2000
    assert summary.p50 == 200 and summary.p95 == 2000
    assert summary.headline == "4 req · p50 200 ms · p95 2.0 s · 1 error"
    assert summarize([]).headline == "0 req"


# --- the screen against the emulator ---------------------------------------------------------


def make_app(intervals: Intervals | None = None, settings: Settings | None = None):
    backend = open_demo(settings or Settings(), world=build_demo_world(ManualClock()), intervals=intervals)
    params: list[dict] = []
    world = backend.emulator.world
    original = world.list_org_runs

    def recording(query):
        if not (query.get("endpoint") == "fork" and query.get("since") == "0"):  # the VM tree's fork rows
            params.append(dict(query))
        return original(query)

    world.list_org_runs = recording
    app = ArkerApp(backend.repository, settings=backend.settings, demo=True)
    return app, backend, params


async def wait_for(pilot, predicate, timeout: float = 5.0) -> None:
    for _ in range(int(timeout / 0.02)):
        if predicate():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition not reached in time")


async def open_activity(pilot, app) -> ActivityScreen:
    await pilot.press("a")
    await wait_for(pilot, lambda: isinstance(app.screen, ActivityScreen) and app.screen.rows)
    return app.screen


async def test_a_opens_the_activity_with_the_orgs_rows_and_esc_goes_back():
    app, backend, params = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_activity(pilot, app)
        world = backend.emulator.world
        day_ago = world.clock.now_ms() - 24 * 3600 * 1000  # the log's default window
        world_rows = [r for r in world.org_rows if r["t_ms"] >= day_ago]
        assert screen.list.row_count == len(world_rows) > 100
        # Newest first by default, and the request asked for that sort.
        shown = [r.t_ms for r in screen.list.items()]
        assert shown == sorted(shown, reverse=True)
        assert params[-1]["sort"] == "when" and params[-1]["dir"] == "desc"
        query = screen.query_key
        assert backend.repository.peek(query).subscribed
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert not backend.repository.peek(query).subscribed  # closed on unmount


async def test_filters_go_to_the_api_and_reduce_the_rows():
    app, backend, params = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_activity(pilot, app)
        total = screen.list.row_count

        await pilot.press("e")  # endpoint: run
        await wait_for(pilot, lambda: params[-1].get("endpoint") == "run" and screen.rows
                       and {r.endpoint for r in screen.rows} == {"run"})
        runs = screen.list.row_count
        assert 0 < runs < total

        await pilot.press("s", *"5xx", "enter")
        await wait_for(pilot, lambda: params[-1].get("status_min") == "500")
        await wait_for(pilot, lambda: screen.rows and all(500 <= r.status <= 599 for r in screen.rows))
        assert params[-1]["status_max"] == "599" and params[-1]["endpoint"] == "run"
        assert 0 < screen.list.row_count < runs
        assert screen.focused is screen.list  # enter went back to the list

        await pilot.press("c")  # clear every filter
        await wait_for(pilot, lambda: screen.list.row_count == total)
        # The unfiltered query is still fresh in the cache: no request needed.
        assert screen.query_key == Query.org_runs(sort="when", dir="desc", lite=True)

        await pilot.press("slash", *"deploy", "enter")
        await wait_for(pilot, lambda: params[-1].get("search") == "deploy")
        await wait_for(pilot, lambda: screen.rows and all("deploy" in r.command for r in screen.rows))
        assert screen.list.row_count < total

        await pilot.press("c")
        await wait_for(pilot, lambda: screen.list.row_count == total)
        vm = backend.emulator.world.find_vm_by_name("ml-train")
        await pilot.press("v", *"ml-train", "enter")
        await wait_for(pilot, lambda: params[-1].get("vm") == "ml-train")
        await wait_for(pilot, lambda: screen.rows and {r.vm_id for r in screen.rows} == {vm.vm_id})
        assert "ml-train" in str(app.screen.query_one("#activity-title", Static).render())

        # Part of a name matches, as in `/`: sent as the ids of the VMs it names.
        await pilot.press("c")
        await wait_for(pilot, lambda: screen.list.row_count == total)
        ci = [v.vm_id for v in backend.emulator.world.org_vms() if "ci-runner" in v.name]
        assert len(ci) >= 2
        await pilot.press("v", *"ci-run", "enter")
        await wait_for(pilot, lambda: sorted(params[-1].get("vm_ids", "").split(",")) == sorted(ci))
        await wait_for(pilot, lambda: screen.rows and {r.vm_id for r in screen.rows} <= set(ci))
        assert len({r.vm_id for r in screen.rows}) >= 2


async def test_sort_offers_only_the_columns_on_screen():
    app, backend, params = make_app()
    async with app.run_test(size=(70, 30)) as pilot:
        screen = await open_activity(pilot, app)
        shown = screen.list.shown_columns()
        assert "QUEUE" not in shown and "CODE" not in shown  # hidden below 72 and 80 columns
        assert screen.sort_keys() == ["when", "status", "total"]
        seen = []
        for _ in range(4):
            await pilot.press("o")
            seen.append(screen.sort)
        assert seen == ["status", "total", "when", "status"]


async def test_a_failed_request_shows_the_servers_error_message():
    app, backend, params = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_activity(pilot, app)
        failed = next(r for r in screen.list.items() if r.status == 503)
        assert not failed.body_out  # the list is fetched lite
        screen.list.move_cursor_to_key(failed.request_id)
        await pilot.press("enter")
        from arker_tui.ui.screens.text_view import TextView
        await wait_for(pilot, lambda: isinstance(app.screen, TextView))
        assert "error       unavailable: compute host is restarting" in app.screen.body
        assert params[-1].get("lite") in (None, "false")


async def test_a_bad_status_is_said_in_words_and_not_sent():
    app, backend, params = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_activity(pilot, app)
        sent = len(params)
        query = screen.query_key
        await pilot.press("s", *"abc", "enter")
        await pilot.pause(0.1)
        error = screen.query_one("#filter-error", Static)
        assert error.has_class("visible")
        assert "cannot read 'abc'" in str(error.render())
        assert screen.query_key == query and len(params) == sent
        assert isinstance(screen.focused, Input)  # stays in the field to fix it
        await pilot.press("backspace", "backspace", "backspace", *"4xx", "enter")
        await wait_for(pilot, lambda: params[-1].get("status_min") == "400")
        assert not error.has_class("visible")


async def test_sort_keys_cycle_and_direction_changes_order():
    app, backend, params = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_activity(pilot, app)
        await pilot.press("o")  # when -> status
        await wait_for(pilot, lambda: params[-1].get("sort") == "status"
                       and screen.query_key.filter_dict["sort"] == "status"
                       and screen.rows and screen.rows[0].status >= 500)
        statuses = [r.status for r in screen.list.items()]
        assert statuses == sorted(statuses, reverse=True)
        assert "HTTP status ↓" in str(screen.query_one("#activity-title", Static).render())

        await pilot.press("O")  # ascending
        await wait_for(pilot, lambda: params[-1].get("dir") == "asc" and screen.rows[0].status == 200)
        statuses = [r.status for r in screen.list.items()]
        assert statuses == sorted(statuses)

        await pilot.press("o")  # status -> total (path has no column, so it is not offered)
        await wait_for(pilot, lambda: params[-1].get("sort") == "total" and screen.rows
                       and screen.query_key.filter_dict["sort"] == "total")
        await wait_for(pilot, lambda: [r.total_ms for r in screen.list.items()]
                       == sorted(r.total_ms for r in screen.rows))


async def test_sparklines_show_counts_and_latency_numbers():
    app, backend, params = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_activity(pilot, app)
        counts = screen.query_one("#spark-count", Sparkline).data
        assert sum(counts) == len(screen.rows)
        p95 = screen.query_one("#spark-p95", Sparkline).data
        p50 = screen.query_one("#spark-p50", Sparkline).data
        assert len(p95) == len(counts) > 5
        assert all(a <= b for a, b in zip(p50, p95, strict=True))
        totals = sorted(r.total_ms for r in screen.rows)
        headline = str(screen.query_one("#charts-headline", Static).render())
        assert headline.startswith(f"{len(totals)} req · p50 {latency(percentile(totals, 50))} · "
                                   f"p95 {latency(percentile(totals, 95))}")
        label = str(screen.query_one("#label-count", Static).render())
        assert f"max {int(max(counts))}" in label
        # A filter changes the charts too.
        await pilot.press("e", "e")  # fork
        await wait_for(pilot, lambda: screen.rows and {r.endpoint for r in screen.rows} == {"fork"})
        assert sum(screen.query_one("#spark-count", Sparkline).data) == len(screen.rows)


async def test_refreshes_on_the_org_runs_interval_while_shown():
    app, backend, params = make_app(Intervals(org_runs=0.1))
    world = backend.emulator.world
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_activity(pilot, app)
        before = screen.list.row_count
        vm = world.find_vm_by_name("api-dev")
        row = world.record_activity("run", status=503, path=f"/v1/vms/{vm.vm_id}/run", vm=vm,
                                    command="echo brand-new")
        await wait_for(pilot, lambda: screen.list.row_count == before + 1)
        assert screen.list.items()[0].request_id == row["request_id"]
        await pilot.press("escape")
        await pilot.pause()
        fetched = len(params)
        await pilot.pause(0.4)
        assert len(params) == fetched  # no refresh once the view is gone


async def test_errors_are_shown_in_words():
    app, backend, params = make_app(settings=Settings(max_retries=0))
    backend.emulator.world.features.discard("org_runs")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, ActivityScreen) and app.screen.error is not None)
        screen = app.screen
        line = str(screen.query_one("#activity-error", Static).render())
        assert "not available on this backend" in line
        assert screen.list.empty_text == "Org activity is not available on this backend."

    app, backend, params = make_app(settings=Settings(max_retries=0))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_activity(pilot, app)
        backend.emulator.faults = Faults(error_rate=1.0, error_status=500, path_prefix="/v1/runs")
        await pilot.press("e")
        await wait_for(pilot, lambda: screen.error is not None)
        line = str(screen.query_one("#activity-error", Static).render())
        assert line.startswith("Could not refresh org activity: internal:")
        assert screen.list.empty_text.startswith("Could not load org activity (internal)")
        # The reason is above the rows, where no toast covers it.
        ids = [w.id for w in screen.children]
        assert ids.index("activity-error") < ids.index("activity-list")


async def test_empty_state_in_words():
    app, backend, params = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_activity(pilot, app)
        await pilot.press("slash", *"zqx", "enter")
        await wait_for(pilot, lambda: params[-1].get("search") == "zqx"
                       and screen.list.row_count == 0 and screen.list.empty_text.startswith("No activity"))
        assert str(screen.query_one("#charts-headline", Static).render()) == "0 req"


async def test_enter_shows_the_row_in_full_and_palette_has_the_view():
    app, backend, params = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Org activity" in titles
        screen = await open_activity(pilot, app)
        row = screen.list.cursor_item
        await pilot.press("enter")
        await pilot.pause()
        from arker_tui.ui.screens.text_view import TextView
        assert isinstance(app.screen, TextView)
        assert row.request_id in app.screen.title_text
        assert f"HTTP {row.status}" in app.screen.body
        assert Query.org_runs(**screen.filters()) == screen.query_key
