"""``RunView``: one run's header and its live log."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from ...api import models as m
from ...api.output import decode_output
from ...repository import ChangeEvent, Query
from .. import format as fmt
from ..terminal_text import safe_label
from .run_log import RunLog


class RunHeader(Static):
    DEFAULT_CSS = """
    RunHeader { height: auto; max-height: 4; background: $panel; padding: 0 1; }
    """


class RunView(Vertical):
    DEFAULT_CSS = """
    RunView { height: 1fr; border-top: solid $accent; }
    RunView > RunLog { height: 1fr; }
    """

    BINDINGS = [
        Binding("c", "cancel_run", "Cancel run", id="runlog.cancel"),
        Binding("escape", "close", "Back", id="runlog.close"),
        Binding("i", "info", "Run info", id="runlog.info"),
    ]

    def __init__(self, *, id: str | None = None, max_lines: int = 100_000) -> None:
        super().__init__(id=id)
        self.header = RunHeader("")
        self.log_view = RunLog(max_lines=max_lines)
        self.vm_id: str | None = None
        self.run_id: str | None = None
        self.run: m.Run | None = None
        self.error: str | None = None
        self._subscription: Any = None

    def compose(self) -> ComposeResult:
        yield self.header
        yield self.log_view

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.app.allows(action)

    @property
    def repo(self):
        return self.app.repository

    def open(self, vm_id: str, run_id: str) -> None:
        if (vm_id, run_id) == (self.vm_id, self.run_id):
            return
        self.close_subscription()
        self.vm_id, self.run_id, self.run, self.error = vm_id, run_id, None, None
        self.log_view.clear()
        query = Query.run(vm_id, run_id)
        entry = self.repo.peek(query)
        if entry is not None and entry.value is not None:
            self._show_whole(entry.value)
        self._subscription = self.repo.subscribe(query, self._on_change)
        self.update_header()

    def close_subscription(self) -> None:
        if self._subscription is not None:
            self._subscription.close()
            self._subscription = None

    def on_unmount(self) -> None:
        self.close_subscription()

    def _show_whole(self, run: m.Run) -> None:
        """The whole output at once. The API keeps the two streams apart, so
        their interleaving is unknown: a running run ends on stdout (its
        progress), a finished one on stderr (where a failure explains itself)."""
        self.run = run
        out = decode_output(run.stdout, run.stdout_encoding)
        err = decode_output(run.stderr, run.stderr_encoding)
        if run.state == "running":
            self.log_view.set_output("", err)
            self.log_view.append(out, "")
        else:
            self.log_view.set_output(out, err)

    def _on_change(self, event: ChangeEvent) -> None:
        if event.query != Query.run(self.vm_id or "", self.run_id or ""):
            return
        if event.error is not None:
            self.error = f"{event.error.code}: {event.error.message}"
            if event.error.code == "not_found":
                self.error = "This run no longer exists (its VM may have been deleted)."
        else:
            self.error = None
            first = self.run is None
            if first or getattr(event, "output_replaced", False):
                self._show_whole(event.value)
            else:
                self.run = event.value
                out, err = getattr(event, "stdout_appended", ""), getattr(event, "stderr_appended", "")
                if out or err:
                    self.log_view.append(out, err)
        self.update_header()

    def on_run_log_follow_changed(self, event: RunLog.FollowChanged) -> None:
        self.update_header()

    def update_header(self) -> None:
        run = self.run
        if run is None:
            text = Text(f" {self.run_id or ''}  loading…", style="dim")
            if self.error:
                text.append("  " + safe_label(self.error), style="red")
            self.header.update(text)
            return
        pending = self.repo.is_pending("run", run.run_id)
        state = Text("⌛ cancelling", style="bold yellow") if pending else fmt.run_state(run.state, run.exit_code)
        line = Text()
        line.append(safe_label(fmt.trim(run.command or "-", 60)), style="bold")
        line.append("  ")
        line.append_text(state)
        line.append(f"  {fmt.duration(run.started_at, run.completed_at)}")
        line.append(f"  exit {'-' if run.exit_code is None else run.exit_code}")
        if run.retry_count:
            line.append(f"  retries {run.retry_count}", style="yellow")
        follow = "following" if self.log_view.following else "paused (s to follow)"
        line.append(f"  · {follow}", style="dim")
        second = Text(f"{safe_label(run.run_id)}  session {safe_label(run.session_id or 'default')}"
                      f"  started {fmt.ago(run.started_at)}", style="dim")
        if run.fail_reason:
            second.append(f"  fail: {safe_label(run.fail_reason, 120)}", style="bold red")
        if self.error:
            second.append(f"  {safe_label(self.error, 120)}", style="red")
        self.header.update(Text("\n").join([line, second]))

    def action_cancel_run(self) -> None:
        if self.run is not None and self.vm_id:
            self.app.cancel_run(self.vm_id, self.run)

    def action_info(self) -> None:
        """Every field of the run in full (the header trims the command)."""
        run = self.run
        if run is None:
            return
        fields = [("command", run.command or "-"), ("run id", run.run_id), ("state", run.state),
                  ("exit code", "-" if run.exit_code is None else str(run.exit_code)),
                  ("fail reason", run.fail_reason or "-"), ("session", run.session_id or "default"),
                  ("started", f"{run.started_at} ({fmt.ago(run.started_at)})"),
                  ("completed", run.completed_at or "-"), ("duration", fmt.duration(run.started_at, run.completed_at)),
                  ("retries", str(run.retry_count or 0)), ("VM", run.vm_id or self.vm_id or "-")]
        fields += [(key, str(value)) for key, value in sorted(run.extra_fields.items())]
        self.app.show_text(f"Run {run.run_id}", "\n".join(f"{k:<12} {v}" for k, v in fields))

    def action_close(self) -> None:
        self.app.close_run_view()
