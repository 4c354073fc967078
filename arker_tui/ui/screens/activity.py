"""``ActivityScreen``: the org's run activity (``GET /v1/runs``).

Rows of every run / fork / sync call with their HTTP status and timings;
filters (VM, endpoint, status range, search) and the sort are query
parameters of the API, so each change is a new repository ``Query`` (the
old one is unsubscribed and goes stale). Above the rows, sparklines of the
request count and of the total latency's p50 / p95 per time bucket.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Sparkline, Static

from ...api import models as m
from ...api.errors import ArkerError
from ...api.models import ORG_RUN_SORT_KEYS
from ...repository import ChangeEvent, Query
from .. import format as fmt
from ..activity_stats import ActivitySummary, StatusFilterError, bucket_label, latency, parse_status, summarize
from ..server_text import plain
from ..terminal_text import safe_label
from ..watch import Watching
from ..widgets.data_list import Column, DataList
from ..widgets.footer import KeyFooter
from .text_view import TextView

if TYPE_CHECKING:
    from textual import getters

    from ..app_base import ArkerAppBase

ENDPOINTS = (None, "run", "fork", "sync")
SORT_LABELS = {"when": "time", "status": "HTTP status", "path": "path", "total": "total time",
               "queue": "queue time", "your_code": "code time", "runtime": "runtime"}
# The sort keys the user can cycle through, each with the column it orders:
# only columns on screen are offered (path and runtime have none).
SORT_COLUMNS = {"when": "TIME", "status": "HTTP", "total": "TOTAL", "queue": "QUEUE", "your_code": "CODE"}
MAX_VM_IDS = 50  # a VM filter matching more VMs than this is sent as typed
EMPTY_TEXT = "No activity matches: widen the filters (c clears them)."
FILTER_DEBOUNCE = 0.6


def status_text(status: int | None) -> Text:
    """An HTTP status coloured by class: 2xx green, 3xx cyan, 4xx yellow, 5xx red."""
    if not status:
        return Text("-", style="dim")
    style = {2: "green", 3: "cyan", 4: "yellow", 5: "bold red"}.get(status // 100, "dim")
    return Text(str(status), style=style)


def clock_time(t_ms: int | None, *, full: bool = False) -> str:
    """Local wall-clock time of a row (absolute, so it does not drift)."""
    if not t_ms:
        return "-"
    try:
        when = datetime.fromtimestamp(t_ms / 1000, timezone.utc).astimezone()
    except (OverflowError, OSError, ValueError):
        return "-"
    return when.strftime("%Y-%m-%d %H:%M:%S %Z" if full else "%H:%M:%S")


class ActivityCharts(Vertical):
    """A headline and three labelled sparklines: requests, p50, p95."""

    DEFAULT_CSS = """
    ActivityCharts { height: auto; padding: 0 1; background: $boost; }
    ActivityCharts > #charts-headline { height: 1; text-style: bold; }
    ActivityCharts > Horizontal { height: 1; }
    ActivityCharts .chart-label { width: 24; color: $text-muted; }
    ActivityCharts Sparkline { width: 1fr; }
    ActivityCharts #spark-p95 > .sparkline--max-color { color: $error; }
    ActivityCharts #spark-p95 > .sparkline--min-color { color: $error 30%; }
    ActivityCharts #spark-p50 > .sparkline--max-color { color: $warning; }
    ActivityCharts #spark-p50 > .sparkline--min-color { color: $warning 30%; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.summary = ActivitySummary()

    def compose(self) -> ComposeResult:
        yield Static("", id="charts-headline", markup=False)
        for name in ("count", "p50", "p95"):
            with Horizontal():
                yield Static("", id=f"label-{name}", classes="chart-label", markup=False)
                yield Sparkline([], id=f"spark-{name}")

    def show(self, summary: ActivitySummary) -> None:
        self.summary = summary
        headline = Text(summary.headline)
        if summary.window:
            headline.append(f"  {summary.window}", style="dim")
        self.query_one("#charts-headline", Static).update(headline)
        per = bucket_label(summary.bucket_ms)
        peak = max(summary.counts, default=0)
        labels = {
            "count": (f"req / {per}", f"max {peak}"),
            "p50": ("p50 total", f"max {latency(max(summary.p50s, default=None))}"),
            "p95": ("p95 total", f"max {latency(max(summary.p95s, default=None))}"),
        }
        data = {"count": [float(c) for c in summary.counts], "p50": summary.p50s, "p95": summary.p95s}
        for name, (title, top) in labels.items():
            label = Text(f"{title:<12}", style="bold")
            label.append(top if summary.count else "", style="")
            self.query_one(f"#label-{name}", Static).update(label)
            self.query_one(f"#spark-{name}", Sparkline).data = data[name]


class FilterField(Input):
    DEFAULT_CSS = """
    FilterField { border: none; height: 1; padding: 0 1; margin-right: 1; background: $panel; }
    FilterField:focus { border: none; background: $accent 30%; }
    """


class ActivityScreen(Watching, Screen):
    if TYPE_CHECKING:  # the app typed (see app_base)
        app = getters.app(ArkerAppBase)

    BINDINGS = [
        Binding("escape", "back", "Back", id="activity.back"),
        Binding("o", "cycle_sort", "Sort", id="activity.sort"),
        Binding("O", "toggle_direction", "Asc/desc", id="activity.direction"),
        Binding("e", "cycle_endpoint", "Endpoint", id="activity.endpoint"),
        Binding("slash", "focus_filter('search')", "Search", id="activity.search"),
        Binding("v", "focus_filter('vm')", "VM", show=False, id="activity.vm"),
        Binding("s", "focus_filter('status')", "Status", show=False, id="activity.status"),
        Binding("c", "clear_filters", "Clear filters", id="activity.clear"),
    ]

    DEFAULT_CSS = """
    ActivityScreen #activity-title { height: 1; background: $panel; padding: 0 1; }
    ActivityScreen #activity-filters { height: 1; margin: 1 0 0 0; }
    ActivityScreen #f-vm { width: 22; }
    ActivityScreen #f-endpoint { width: 16; padding: 0 1; margin-right: 1; background: $panel; }
    ActivityScreen #f-status { width: 24; }
    ActivityScreen #f-search { width: 1fr; margin-right: 0; }
    ActivityScreen #filter-error { height: auto; color: $error; padding: 0 1; display: none; }
    ActivityScreen #filter-error.visible { display: block; }
    ActivityScreen #activity-error { height: auto; color: $text; background: $error 25%; padding: 0 1;
                                     margin-top: 1; display: none; }
    ActivityScreen #activity-error.visible { display: block; }
    ActivityScreen ActivityCharts { margin-top: 1; }
    ActivityScreen #activity-list { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.sort = "when"
        self.descending = True
        self.endpoint: str | None = None
        self.vm_filter = ""
        self.search = ""
        self.status_filter = ""  # the last valid status text
        self.rows: list[m.OrgRunListRow] = []
        self.error: ArkerError | None = None
        self.query_watch = self.watch_query(self._on_change)
        self._debounce: Timer | None = None
        self._vm_names: dict[str, str] = {}
        self.list = DataList(
            [Column("TIME", 8), Column("CALL", 4), Column("VM", 0, 8, ratio=2),
             Column("COMMAND", 0, 10, ratio=3), Column("HTTP", 4, justify="right"),
             Column("EXIT", 4, justify="right", hide_below=64),
             Column("TOTAL", 7, justify="right"), Column("QUEUE", 7, justify="right", hide_below=72),
             Column("CODE", 7, justify="right", hide_below=80)],
            key_of=lambda r: r.request_id,
            render_row=self.render_row,
            filter_text_of=lambda r: f"{r.command} {r.path} {r.vm_id} {r.request_id}",
            empty_text="Loading…",
            sortable=False,  # the server sorts (o / O are the screen's)
            markable=False,
            id="activity-list",
        )

    # --- composition ----------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", id="activity-title")
        with Horizontal(id="activity-filters"):
            yield FilterField(placeholder="v: VM name or id", id="f-vm")
            yield Static("", id="f-endpoint")
            yield FilterField(placeholder="s: status 5xx, 400-499", id="f-status")
            yield FilterField(placeholder="/: search command, path", id="f-search")
        yield Static("", id="filter-error", markup=False)
        # Above the rows, where no toast covers it and nothing cuts it off.
        yield Static("", id="activity-error", markup=False)
        self.charts = ActivityCharts(id="activity-charts")
        yield self.charts
        yield self.list
        yield KeyFooter()

    def on_mount(self) -> None:
        self.charts.show(ActivitySummary())
        self._update_endpoint_label()
        self.bind_query()
        self.list.focus()

    def on_unmount(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()

    @property
    def query_key(self) -> Query | None:
        return self.query_watch.query

    # --- the query ------------------------------------------------------------

    def filters(self) -> dict[str, Any]:
        filters: dict[str, Any] = {"sort": self.sort, "dir": "desc" if self.descending else "asc", "lite": True}
        if self.vm_filter:
            filters.update(self._vm_filter_param())
        if self.endpoint:
            filters["endpoint"] = self.endpoint
        if self.search:
            filters["search"] = self.search
        filters.update(parse_status(self.status_filter))
        return filters

    def make_query(self) -> Query:
        return Query.org_runs(**self.filters())

    def _vm_filter_param(self) -> dict[str, Any]:
        """The API's ``vm`` is one exact name or id; the user types part of
        one, as in ``/``. A part that names known VMs is sent as their ids."""
        text = self.vm_filter
        needle = text.lower()
        names = self._known_vm_names()
        if text in names or text in names.values():
            return {"vm": text}
        ids = sorted(vm_id for vm_id, name in names.items() if needle in vm_id.lower() or needle in name.lower())
        if ids and len(ids) <= MAX_VM_IDS:
            return {"vm_ids": ids}
        return {"vm": text}

    def bind_query(self) -> None:
        """Watch the query of the current filters and sort (a new Query per change)."""
        self._update_title()
        if not self.query_watch.watch(self.make_query()):
            return
        self.rows = []
        self.list.empty_text = "Loading…"
        self.list.set_items([])
        self.charts.show(ActivitySummary())

    def _on_change(self, event: ChangeEvent) -> None:
        if event.error is not None:
            if event.value is None:
                self.list.empty_text = f"Could not load org activity ({event.error.code}): the reason is above."
            self._show_error(event.error)  # may say "not available" instead
            self.list.refresh()
            return
        self._show_error(None)
        self._show_rows(event.value or [])

    def _show_rows(self, rows: list[m.OrgRunListRow]) -> None:
        self.rows = list(rows)
        self._vm_names = self._known_vm_names()
        self.list.empty_text = EMPTY_TEXT
        # The server sorted them: set_items keeps its order (no client sort)
        # and re-renders only rows that changed.
        self.list.set_items(self.rows)
        self.charts.show(summarize(self.rows))
        self._update_title()

    def _known_vm_names(self) -> dict[str, str]:
        entry = self.app.repository.peek(Query.vms())
        if entry is None or not entry.value:
            return self._vm_names
        return {vm.vm_id: vm.label for vm in entry.value}

    def _show_error(self, error: ArkerError | None) -> None:
        self.error = error
        line = self.query_one("#activity-error", Static)
        if error is None:
            line.remove_class("visible")
            return
        if error.code in ("unsupported_operation", "not_implemented"):
            text = f"Org activity is not available on this backend: {error.message}"
            self.list.empty_text = "Org activity is not available on this backend."
        else:
            shown = " · showing the last good rows" if self.rows else ""
            text = f"Could not refresh org activity: {error.code}: {error.message}{shown} · retrying"
        line.update(plain(text, 300))
        line.add_class("visible")

    # --- rendering ------------------------------------------------------------

    def render_row(self, r: m.OrgRunListRow) -> list:
        vm = self._vm_names.get(r.vm_id or "") or r.vm_id or "-"
        command = r.command or r.path or ""
        return [
            clock_time(r.t_ms),
            safe_label(r.endpoint or "-", 4),
            safe_label(vm, 40),
            safe_label(command, 200),
            status_text(r.status),
            fmt.exit_code(r.exit_code),
            latency(r.total_ms),
            latency(r.queue_ms),
            latency(r.executor_duration_ms) if r.executor_duration_ms else Text("-", style="dim"),
        ]

    def _update_title(self) -> None:
        arrow = "↓" if self.descending else "↑"
        title = Text(" Org activity", style="bold")
        count = len(self.rows)
        title.append(f"  {count} row{'s' if count != 1 else ''}")
        title.append(f" · sorted by {SORT_LABELS.get(self.sort, self.sort)} {arrow}", style="")
        active = [f"vm={self.vm_filter}" if self.vm_filter else "",
                  f"endpoint={self.endpoint}" if self.endpoint else "",
                  f"status={self.status_filter}" if self.status_filter else "",
                  f"search={self.search}" if self.search else ""]
        active = [a for a in active if a]
        title.append(f" · {safe_label(' '.join(active), 80)}" if active else " · no filters", style="dim")
        self.query_one("#activity-title", Static).update(title)

    def _update_endpoint_label(self) -> None:
        label = Text("e: ", style="dim")
        label.append(self.endpoint or "any call", style="bold" if self.endpoint else "")
        self.query_one("#f-endpoint", Static).update(label)

    # --- filters ----------------------------------------------------------------

    def _read_filters(self) -> None:
        """Take the filter fields' values; a bad status is said in words and not applied."""
        self.vm_filter = self.query_one("#f-vm", Input).value.strip()
        self.search = self.query_one("#f-search", Input).value.strip()
        status = self.query_one("#f-status", Input).value.strip()
        error_line = self.query_one("#filter-error", Static)
        try:
            parse_status(status)
        except StatusFilterError as error:
            error_line.update(str(error))
            error_line.add_class("visible")
        else:
            self.status_filter = status
            error_line.remove_class("visible")

    def apply_filters(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        self._read_filters()
        self.bind_query()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(FILTER_DEBOUNCE, self.apply_filters)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.apply_filters()
        if not self.query_one("#filter-error").has_class("visible"):
            self.list.focus()

    def action_focus_filter(self, name: str) -> None:
        self.query_one(f"#f-{name}", Input).focus()

    def action_cycle_endpoint(self) -> None:
        self.endpoint = ENDPOINTS[(ENDPOINTS.index(self.endpoint) + 1) % len(ENDPOINTS)]
        self._update_endpoint_label()
        self.bind_query()

    def action_clear_filters(self) -> None:
        for name in ("vm", "status", "search"):
            self.query_one(f"#f-{name}", Input).value = ""
        self.endpoint = None
        self._update_endpoint_label()
        self.apply_filters()

    # --- sort -----------------------------------------------------------------

    def sort_keys(self) -> list[str]:
        """The sort keys whose column is on screen at this width."""
        shown = set(self.list.shown_columns())
        keys = [k for k in ORG_RUN_SORT_KEYS if SORT_COLUMNS.get(k) in shown]
        return keys or ["when"]

    def action_cycle_sort(self) -> None:
        keys = self.sort_keys()
        self.sort = keys[(keys.index(self.sort) + 1) % len(keys)] if self.sort in keys else keys[0]
        self.bind_query()

    def action_toggle_direction(self) -> None:
        self.descending = not self.descending
        self.bind_query()

    # --- navigation -------------------------------------------------------------

    def action_back(self) -> None:
        if isinstance(self.focused, Input):
            self.apply_filters()
            self.list.focus()
            return
        self.app.pop_screen()

    def on_data_list_selected(self, message: DataList.Selected) -> None:
        row = self.list.get(message.key)
        if row is None:
            return
        message.stop()
        if row.status >= 400 and not row.body_out:
            # The list is fetched without bodies (lite): fetch this one row's
            # answer so the detail can say what went wrong.
            self.run_worker(self._show_failed(row), group="activity-detail", exclusive=True)
            return
        self.app.push_screen(TextView(f"Request {row.request_id}", describe(row, self._vm_names)))

    async def _show_failed(self, row: m.OrgRunListRow) -> None:
        query = Query.org_runs(since=row.t_ms, until=row.t_ms, vm_ids=[row.vm_id] if row.vm_id else None,
                               lite=False, max_rows=50)
        try:
            rows = await self.app.repository.get(query)
        except ArkerError as error:
            row_with_body = row
            note = f"(the answer's body could not be fetched: {error.code})"
        else:
            row_with_body = next((r for r in rows or () if r.request_id == row.request_id), row)
            note = "" if row_with_body.body_out else "(the server kept no body for this answer)"
        body = describe(row_with_body, self._vm_names)
        self.app.push_screen(TextView(f"Request {row.request_id}", f"{body}\n{note}" if note else body))


def describe(r: m.OrgRunListRow, vm_names: dict[str, str]) -> str:
    vm = r.vm_id or "-"
    if r.vm_id and vm_names.get(r.vm_id):
        vm = f"{vm_names[r.vm_id]} ({r.vm_id})"
    lines = [
        f"time        {clock_time(r.t_ms, full=True)}",
        f"call        {r.method or ''} {r.path or ''}  ({r.endpoint or '-'})",
        f"status      HTTP {r.status or '-'}   exit code {'-' if r.exit_code is None else r.exit_code}",
        f"vm          {vm}",
        f"command     {r.command or '-'}",
        f"run         {r.run_id or '-'}   session {r.session_id or '-'}",
        f"region      {r.region or '-'}   source {r.source or '-'}   key {r.api_key_prefix or '-'}…",
        "",
        f"total       {latency(r.total_ms)}",
        f"queue       {latency(r.queue_ms)}",
        f"your code   {latency(r.executor_duration_ms)}  ({r.executor_kind or '-'}, "
        f"cpu {latency(r.executor_cpu_ms)}, {r.executor_mem_mb:.0f} MB)",
        f"runtime     {latency(r.lambda_duration_ms)}  (call {latency(r.lambda_call_ms)})",
        f"bytes       in {r.body_bytes_in}   out {r.body_bytes_out}",
    ]
    if r.source_vm_id:
        lines.insert(4, f"forked from {r.source_vm_id}")
    error = error_of(r)
    if error:
        lines.insert(3, f"error       {error}")
    return "\n".join(lines)


def error_of(r: m.OrgRunListRow) -> str | None:
    """The ``code: message`` of a failed call's answer body, if it holds one."""
    if r.status < 400 or not r.body_out:
        return None
    try:
        body = json.loads(r.body_out)
    except ValueError:
        return r.body_out[:300]
    if not isinstance(body, dict):
        return r.body_out[:300]
    code, text = body.get("code"), body.get("message")
    return f"{code}: {text}" if code or text else r.body_out[:300]
