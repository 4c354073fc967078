"""The VM's runs, newest first, with a state filter; enter opens the run log."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message

from ...api import models as m
from ...repository import Query
from .. import format as fmt
from ..screens.confirm import ConfirmRequest
from ..terminal_text import safe_label
from .data_list import Column, DataList
from .list_pane import ListPane

STATE_FILTERS = (None, "running", "completed", "failed", "cancelled")


class RunsPane(ListPane):
    kind = "run"
    noun = "run"
    empty_text = "No runs on this VM yet. Press x to run a command."

    BINDINGS = [
        Binding("c", "cancel_run", "Cancel run", id="runs.cancel"),
        Binding("t", "cycle_state", "State filter", id="runs.state_filter"),
        Binding("x", "run_command", "Run", id="runs.run_command"),
    ]

    class OpenRun(Message):
        def __init__(self, vm_id: str, run_id: str) -> None:
            super().__init__()
            self.vm_id = vm_id
            self.run_id = run_id

    def __init__(self, *, id: str | None = None) -> None:
        self.state_filter: str | None = None
        super().__init__(id=id)

    def make_list(self) -> DataList:
        return DataList(
            [Column("RUN", 16, hide_below=70), Column("COMMAND", 0, 10, ratio=3), Column("STATE", 12),
             Column("EXIT", 4, justify="right", hide_below=60), Column("DURATION", 9, justify="right"),
             Column("STARTED", 15, hide_below=90), Column("RETRY", 5, justify="right", hide_below=100),
             Column("FAIL REASON", 0, 8, ratio=2, hide_below=110)],
            key_of=lambda r: r.run_id,
            render_row=self.render_run,
            sort_key=lambda r: (r.started_at or "", r.run_id),
            reverse=True,
            filter_text_of=lambda r: f"{r.run_id} {r.command or ''} {r.state} {r.fail_reason or ''}",
            empty_text=self.empty_text,
        )

    def make_query(self, vm_id: str | None) -> Query | None:
        return Query.runs(vm_id, state=self.state_filter) if vm_id else None

    def render_run(self, r: m.RunSummary) -> list:
        pending = self.pending_of(r.run_id)
        state = Text("⌛ cancelling", style="bold yellow") if pending else fmt.run_state(r.state, r.exit_code)
        exit_code = "-" if r.exit_code is None else str(r.exit_code)
        retry = str(r.retry_count or 0)
        return [safe_label(r.run_id), safe_label(r.command or "-"), state, exit_code,
                fmt.duration(r.started_at, r.completed_at), fmt.ago(r.started_at), retry,
                safe_label(r.fail_reason or "")]

    def tick(self) -> None:
        """Re-render running rows so their durations tick."""
        running = [r.run_id for r in self.data_list.items() if r.state == "running"]
        if running:
            self.data_list.refresh_rows(running)

    def action_open(self) -> None:
        run = self.data_list.cursor_item
        if run is not None and self.vm_id:
            self.post_message(self.OpenRun(self.vm_id, run.run_id))

    def action_cycle_state(self) -> None:
        i = STATE_FILTERS.index(self.state_filter)
        self.state_filter = STATE_FILTERS[(i + 1) % len(STATE_FILTERS)]
        self.app.notify(f"Runs: showing {self.state_filter or 'every state'}", timeout=2)
        vm_id, self.query_key = self.vm_id, None
        self.bind_vm(vm_id)

    def action_run_command(self) -> None:
        from ..forms.actions import open_run_command

        open_run_command(self.app)

    def action_cancel_run(self) -> None:
        run = self.selected()
        if run is not None:
            self.app.cancel_run(self.vm_id, run)


def cancel_request(vm_id: str, run: m.RunSummary) -> ConfirmRequest:
    return ConfirmRequest("Cancel", "run", fmt.trim(run.command or run.run_id, 50), run.run_id,
                          [f"on VM {vm_id}", f"running for {fmt.duration(run.started_at, None)}"])
