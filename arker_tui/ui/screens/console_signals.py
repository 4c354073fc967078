"""The console's signals and background runs (a part of ``ConsoleScreen``):
ctrl+c sends SIGINT to the session, a second one within 2 s offers SIGKILL
after asking; ctrl+b runs the typed line in the background, or, while a
command runs, runs it again there once the user confirms that running it
twice is safe. ``ConsoleSignals`` uses the screen's ``repo``, ``vm``,
``session_id``, ``running``, ``input``, ``note`` and ``submit``."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

from ...api import models as m
from ...api.errors import ArkerError
from ..console import words
from ..console.prompt import builtin
from ..server_text import plain
from ..targets import gone_reason
from .confirm import ConfirmDialog, ConfirmRequest

KILL_WINDOW = 2.0  # seconds: a second ctrl+c within this offers SIGKILL


def watch_background_run(repository: Any, vm: m.Vm, run_id: str, command: str) -> bool:
    """Hand a background run started from the console to the watched-runs
    registry (``repository.watched``, see repository/watched.py), so its end
    is announced wherever the user is. The one call site for it; False when
    this repository has no registry."""
    watched = getattr(repository, "watched", None)
    if watched is None:
        return False
    watched.watch(vm.vm_id, run_id, vm_name=vm.name, command=command, origin="started")
    return True


@dataclass
class Running:
    """The foreground command in flight."""

    command: str
    started: float  # time.monotonic()
    interrupted_at: float | None = None  # the last SIGINT sent
    to_background: bool = False  # run it again in the background once it ends


class ConsoleSignals:
    """ctrl+c and ctrl+b of the console (mixed into ``ConsoleScreen``)."""

    async def start_background(self: Any, command: str) -> None:
        request = m.RunRequest(command=command, session_id=self.session_id, background=True)
        try:
            result = await self.repo.run(self.vm_id, request, idempotency_key=uuid.uuid4().hex)
        except ArkerError as error:
            self.note(words.failure(error, what="the background run"))
            self.give_back(command)
            return
        run_id = getattr(result, "run_id", None) or "?"
        watched = watch_background_run(self.repo, self.vm, run_id, command) if run_id != "?" else False
        tail = "you are told when it ends" if watched else "enter on it in Runs opens its log"
        self.note(f"Running in the background as run {run_id}: it is in Runs; {tail}.")

    # --- signals -------------------------------------------------------------------------

    def refuse_read_only(self: Any, what: str) -> bool:
        if self.readonly:
            self.note(f"Read-only mode: {what} is off (started with --readonly).")
        return self.readonly

    def action_interrupt(self: Any) -> None:
        running = self.running
        if running is None:
            if self.input.value:  # as a shell does: the line is dropped, a fresh prompt
                self.echo(self.input.value, "^C")
                self._forget_line()
            return
        if self.refuse_read_only("sending signals"):
            return
        now = time.monotonic()
        if running.interrupted_at is not None and now - running.interrupted_at <= KILL_WINDOW:
            self.offer_kill(running)
            return
        running.interrupted_at = now
        self.run_worker(self.send_signal("SIGINT"), group="console-signal", exit_on_error=False)

    def offer_kill(self: Any, running: Running) -> None:
        request = ConfirmRequest("Send SIGKILL to", self.session_target(), (
            f"{plain(running.command, 60).plain!r} ends at once, with no chance to clean up",
            "SIGINT was sent already and it is still running"),
            hint="What runs in the session is killed where it is.", button="Send SIGKILL")

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self.run_worker(self.send_signal("SIGKILL", checked=running), group="console-signal",
                                exit_on_error=False)

        self.app.push_screen(ConfirmDialog(request), answered)

    async def send_signal(self: Any, signal: str, *, checked: Running | None = None) -> None:
        """Send ``signal`` to the session; with ``checked``: only if that command still runs."""
        if checked is not None:
            reason = gone_reason(self.repo, self.session_target())
            if reason is None and self.running is not checked:
                reason = "the command already ended"
            if reason is not None:
                self.note(f"Nothing was sent: {reason}.")
                return
        request = m.RunRequest(command="", session_id=self.session_id, signal=signal)
        try:
            await self.repo.run(self.vm_id, request)
        except ArkerError as error:
            self.note(words.signal_failure(error, signal))
            return
        self.note(f"{signal} sent to session {self.session_id}")

    def action_background(self: Any) -> None:
        if self.refuse_read_only("running commands"):
            return
        running = self.running
        if running is None:  # not started yet: nothing runs twice
            line = self.input.value.strip()
            if not line or builtin(line):
                self.note("ctrl+b runs the typed command as a background run: type one first.")
                return
            self.submit(line, background=True)
            return
        if running.to_background:
            return
        request = ConfirmRequest("Run again in the background, in", self.session_target(), (
            f"{plain(running.command, 60).plain!r} is interrupted here (SIGINT) and started again as a background run",
            "so it runs twice: confirm only if that is safe (not for a deploy, a migration, a payment)"),
            hint="The foreground copy stops where it is; the new one starts from the beginning.",
            button="Run it again")

        def answered(confirmed: bool | None) -> None:
            if confirmed and self.running is running:
                running.to_background = True
                running.interrupted_at = time.monotonic()
                self.run_worker(self.send_signal("SIGINT"), group="console-signal", exit_on_error=False)

        self.app.push_screen(ConfirmDialog(request), answered)
