"""The VM's runs, newest first, with a state filter; enter opens the run log."""

from __future__ import annotations

from rich.text import Text

from ...api import models as m
from ...repository import Query
from .. import format as fmt
from .. import sort_keys as by
from ..actions import bindings
from ..filter_terms import RUN_FIELDS
from ..intents import OpenRun
from ..terminal_text import safe_label
from .data_list import Column, DataList
from .list_pane import ListPane

STATE_FILTERS = (None, "running", "completed", "failed", "cancelled")


class RunsPane(ListPane):
    kind = "run"
    noun = "run"
    empty_text = "No runs on this VM yet. Press x to run a command."

    BINDINGS = bindings("runs")

    def __init__(self, *, id: str | None = None) -> None:
        self.state_filter: str | None = None
        super().__init__(id=id)

    def make_list(self) -> DataList:
        runs = DataList(
            [Column("RUN", 16, hide_below=70, sort=lambda r: r.run_id),
             Column("COMMAND", 0, 10, ratio=3, sort=lambda r: by.text(r.command)),
             Column("STATE", 13, sort=lambda r: (by.text(r.state) or "", by.number(r.exit_code) or 0)),
             Column("DURATION", 9, justify="right", sort=lambda r: by.duration(r.started_at, r.completed_at),
                    sort_cached=False),  # a running run's duration grows
             Column("STARTED", 15, hide_below=90, sort=lambda r: by.time(r.started_at)),
             Column("RETRY", 5, justify="right", hide_below=100, sort=lambda r: by.number(r.retry_count) or 0),
             Column("FAIL REASON", 0, 8, ratio=2, hide_below=110, sort=lambda r: by.text(r.fail_reason))],
            key_of=lambda r: r.run_id,
            render_row=self.render_run,
            sort_key=lambda r: (r.started_at or "", r.run_id),
            reverse=True,
            sort_by="STARTED",
            descending=True,
            filter_text_of=lambda r: f"{r.run_id} {r.command or ''} {r.state} {r.fail_reason or ''}",
            empty_text=self.empty_text,
        )
        runs.filter_fields = RUN_FIELDS  # state:, exit!=0, cmd:, age> in the `/` line
        return runs

    def make_query(self, vm_id: str | None) -> Query | None:
        return Query.runs(vm_id, state=self.state_filter) if vm_id else None

    def loaded_empty_text(self) -> str:
        if self.state_filter:
            return f"No {self.state_filter} runs on this VM (t shows every state)."
        return self.empty_text

    def filter_badges(self) -> list[str]:
        state = [f"[state:{self.state_filter}]"] if self.state_filter else []
        return state + super().filter_badges()

    def render_run(self, r: m.RunSummary) -> list:
        pending = self.pending_of(r.run_id)
        state = Text("⌛ cancelling", style="bold yellow") if pending else fmt.run_result(r.state, r.exit_code)
        retry = str(r.retry_count or 0)
        return [safe_label(r.run_id), safe_label(r.command or "-"), state,
                fmt.duration(r.started_at, r.completed_at), fmt.ago(r.started_at), retry,
                safe_label(r.fail_reason or "")]

    def action_open(self) -> None:
        run = self.cursor_item
        if run is not None and self.vm_id:
            self.post_message(OpenRun(self.vm_id, run.run_id))

    def action_cycle_state(self) -> None:
        i = STATE_FILTERS.index(self.state_filter)
        self.state_filter = STATE_FILTERS[(i + 1) % len(STATE_FILTERS)]
        self.rebind()
