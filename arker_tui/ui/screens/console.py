"""``ConsoleScreen``: a line-mode console into one persistent session of a VM.

Arker has no PTY, but a session keeps its cwd and env across runs and takes
signals, which is enough for a console that feels like a shell: each line
typed is a foreground run in the session (with an Idempotency-Key), its
output goes to a capped scrollback, the prompt follows the session's cwd.
While a command runs, ctrl+c sends SIGINT to the session (a second ctrl+c
within 2 s offers SIGKILL, after asking) and ctrl+b offers to run it again
in the background (``console_signals``). Failures are written in the
scrollback in words and the line goes back into the input: the console
stays open whatever happens.

The screen is its own controller: its keys are local actions (the action
table's ``console`` scope); anything that sends a signal or starts a second
copy of a command asks first (``ConfirmDialog``) and checks the session
again just before sending.
"""

from __future__ import annotations

import asyncio
import time
import uuid
import weakref
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Input, Static

from ...api import models as m
from ...api.errors import ArkerError
from ...api.output import decode_output
from ...repository import ChangeEvent, Query
from ..actions import Action, bindings, in_scope
from ..console import words
from ..console.history import ConsoleHistory, HistoryCursor, HistorySearch, history_path
from ..console.prompt import builtin, prompt, prompt_text, running_badge
from ..server_text import plain
from ..targets import Target, item_target, short_id
from ..watch import Watching
from ..widgets.footer import KeyFooter
from ..widgets.log_search_bar import LogSearchBar
from ..widgets.log_searching import SearchLineHost
from ..widgets.run_log import RunLog
from .console_signals import ConsoleSignals, Running
from .text_view import TextView

if TYPE_CHECKING:
    from textual import getters

    from ..app_base import ArkerAppBase

TICK = 0.5  # seconds between updates of the running line
SHOW_RUNNING_AFTER = 0.1  # seconds before a command's line and "running" show (a quick one: with its output)
READ_BACK_DELAY = 0.1  # seconds after a command's output before the session is read back
BOLD_GREEN, YELLOW, RESET = "\x1b[1;32m", "\x1b[33m", "\x1b[0m"  # the console's own lines

_histories: "weakref.WeakKeyDictionary[App, ConsoleHistory]" = weakref.WeakKeyDictionary()


def console_history(app: App) -> ConsoleHistory:
    """The app's console history: on disk only if the config file turns it on."""
    history = _histories.get(app)
    if history is None:
        profiles = getattr(getattr(app, "profiles", None), "profiles", None)
        on_disk = bool(getattr(getattr(profiles, "config", None), "console_history", False))
        history = _histories[app] = ConsoleHistory(history_path(on_disk))
    return history


class ConsoleInput(Input):
    """The command line: up / down walk this VM's history."""

    BINDINGS = bindings("consoleinput")

    def __init__(self, commands: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cursor = HistoryCursor(commands)

    def action_history(self, step: int) -> None:
        line = self.cursor.step(self.value, step)
        if line is not None:
            self.value = line
            self.cursor_position = len(line)


class ConsoleScreen(SearchLineHost, ConsoleSignals, Watching, Screen[None]):
    if TYPE_CHECKING:  # the app typed (see app_base)
        app = getters.app(ArkerAppBase)

    BINDINGS = bindings("console")
    HELP_SCOPES = ("app", "console", "consoleinput", "runlog", "logsearch")

    DEFAULT_CSS = """
    ConsoleScreen { background: $surface; }
    ConsoleScreen #console-header { height: 1; background: $panel; padding: 0 1; }
    ConsoleScreen #console-scrollback { height: 1fr; border-top: solid $primary 60%; }
    ConsoleScreen #console-scrollback:focus { border-top: solid $accent; }
    ConsoleScreen #console-line { height: 1; }
    ConsoleScreen #console-prompt { width: auto; max-width: 60%; padding: 0 1 0 1; }
    ConsoleScreen #console-input { width: 1fr; border: none; height: 1; padding: 0; }
    ConsoleScreen #console-hint { height: 1; color: $text-muted; padding: 0 1; }
    """

    def __init__(self, vm: m.Vm, session: m.Session, *, readonly: bool = False, max_lines: int = 100_000) -> None:
        super().__init__()
        self.vm = vm
        self.session = session
        self.readonly = readonly
        self.running: Running | None = None
        self.last_output = ""
        self.gone: str | None = None  # why the session can no longer be used
        self.search: HistorySearch | None = None
        self._retry: tuple[str, str] | None = None  # (line, Idempotency-Key) of a line whose answer was lost
        self.scrollback = RunLog(max_lines=max_lines, empty_text="", id="console-scrollback")
        self.search_bar = LogSearchBar(id="console-log-search")  # / from the scrollback
        self.header = Static(id="console-header")
        self.prompt_label = Static(id="console-prompt")
        self.hint = Static(id="console-hint")
        self._shown: dict[str, Text] = {}  # what each one-line Static shows
        self._pending_echo: str | None = None  # the line typed, until it is drawn
        self._pending_line: str | None = None  # ... and until then it stays in the input
        self._settling: asyncio.Event | None = None  # set: read the session back now (a line is waiting)
        self._queued: tuple[str, bool] | None = None  # a line typed during the read-back
        self.session_watch = self.watch_query(self._on_sessions)

    @property
    def searched_log(self) -> RunLog:
        return self.scrollback

    # --- layout -----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.history = console_history(self.app)
        self.input = ConsoleInput(self.history.commands(self.vm.vm_id), id="console-input",
                                  placeholder="a command for the session · ctrl+b: in the background",
                                  compact=True, select_on_focus=False)
        yield self.header
        yield self.scrollback
        yield self.search_bar
        with Horizontal(id="console-line"):
            yield self.prompt_label
            yield self.input
        yield self.hint
        yield KeyFooter()

    def on_mount(self) -> None:
        self.session_watch.watch(Query.sessions(self.vm.vm_id))
        if self.readonly:
            self.note("Read-only mode (started with --readonly): this console shows the session; "
                      "commands are not sent.")
        self.update_header()
        self.update_prompt()
        self.set_interval(TICK, self.tick)
        self.input.focus()

    @property
    def repo(self) -> Any:
        return self.app.repository

    @property
    def vm_id(self) -> str:
        return self.vm.vm_id

    @property
    def session_id(self) -> str:
        return self.session.session_id

    @property
    def settling(self) -> bool:
        """A command ended and the session is not read back yet."""
        return self._settling is not None

    def session_target(self) -> Target:
        return item_target("session", Query.sessions(self.vm_id), self.session, self.vm)

    # --- what is shown ------------------------------------------------------------

    def update_header(self) -> None:
        s = self.session
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append("Console ", style="bold")
        text.append_text(plain(self.vm.label, 30, style="bold"))
        text.append(f" ({short_id(self.vm_id)}) · ")
        text.append_text(plain(s.session_id, 24))
        text.append(f" idx {s.session_idx} · ")
        text.append_text(plain(s.state or "?", 12))
        env = s.env or {}
        text.append(f" · env {len(env)}" if env else " · no env")
        if env:
            text.append(": ")
            text.append_text(plain(" ".join(f"{k}={v}" for k, v in sorted(env.items())), 60, style="dim"))
        if self.readonly:
            text.append("  READ-ONLY", style="bold yellow")
        if self.gone:
            text.append("  ")
            text.append_text(plain(self.gone, 80, style="bold red"))
        self._show(self.header, text)

    def update_prompt(self) -> None:
        idle = prompt(self.vm.name, self.session.cwd)
        hint = Text(no_wrap=True, overflow="ellipsis", end="")
        if self.running is not None:
            self._show(self.prompt_label, running_badge(time.monotonic() - self.running.started, idle.cell_len))
            hint.append("running ", style="bold yellow")
            hint.append_text(plain(self.running.command, 60, style="bold"))
            hint.append(" · ctrl+c interrupts (twice: SIGKILL, asks first) · ctrl+b runs it again in the background")
        elif self.readonly:
            self._show(self.prompt_label, idle)
            hint.append("read-only: commands are not sent · ↑↓ history · ctrl+r search · esc closes", style="yellow")
        else:
            self._show(self.prompt_label, idle)
            hint.append("enter runs it · ↑↓ history · ^r finds · tab: scrollback (y copies, / searches)")
        if self.search is not None:
            hint = Text(self.search.words(), no_wrap=True, overflow="ellipsis", end="")
        self._show(self.hint, hint)

    def _show(self, line: Static, text: Text) -> None:
        """Update a one-line Static only when its text changed, and lay the
        screen out again only when its width did (a layout of the whole
        screen costs more than the rest of a command's round trip)."""
        shown = self._shown.get(line.id or "")
        if shown is not None and shown == text:
            return
        self._shown[line.id or ""] = text
        width_changed = shown is None or shown.cell_len != text.cell_len
        line.update(text, layout=width_changed and line is self.prompt_label)

    def tick(self) -> None:
        if self.running is not None:
            self.update_prompt()

    def echo_text(self, line: str, suffix: str = "") -> str:
        """The prompt and the line, as a shell shows what was typed."""
        shown = prompt_text(self.vm.name, self.session.cwd)
        return f"{BOLD_GREEN}{shown}{RESET} {plain(line, 2000).plain}{suffix}\n"

    def echo(self, line: str, suffix: str = "") -> None:
        self.flush_echo()
        self.scrollback.append(self.echo_text(line, suffix))

    def note(self, text: str) -> None:
        """A line of the console's own (never the command's output)."""
        self.flush_echo()
        self.scrollback.append(f"{YELLOW}{plain(text, 2000).plain}{RESET}\n")

    def show_output(self, result: m.CompletedRunResponse) -> None:
        self.flush_echo()
        out = decode_output(result.stdout, result.stdout_encoding)
        err = decode_output(result.stderr, result.stderr_encoding)
        # A line without its newline would be continued by the next prompt.
        self.scrollback.append(out + ("\n" if out and not out.endswith("\n") else ""),
                               err + ("\n" if err and not err.endswith("\n") else ""))
        self.last_output = out + err
        ending = words.ending(result)
        if ending:
            self.note(ending)

    # --- the session, as the server has it ------------------------------------------

    def _on_sessions(self, event: ChangeEvent) -> None:
        if event.error is not None:
            if event.error.code == "not_found":
                self.gone = "the VM is gone (deleted elsewhere?)"
                self.update_header()
            return
        current = next((s for s in event.value or () if s.session_id == self.session_id), None)
        if current is None:
            self.gone = "this session is gone (deleted elsewhere?)"
        else:
            self.session, self.gone = current, None
        self.update_header()
        if self.running is None:
            self.update_prompt()

    async def refresh_session(self) -> None:
        """Read the session back after a command: its cwd (and env) may have changed."""
        try:
            sessions = await self.repo.refresh(Query.sessions(self.vm_id))
        except ArkerError:
            return  # the watch shows why; the prompt keeps the last known cwd
        current = next((s for s in sessions or () if s.session_id == self.session_id), None)
        if current is not None:
            self.session, self.gone = current, None
        self.update_header()
        self.update_prompt()

    # --- running a line ------------------------------------------------------------

    @on(Input.Changed, "#console-input")
    def _edited(self, event: Input.Changed) -> None:
        if self.search is not None and event.value not in self.search.matches:
            self.search = None
            self.update_prompt()

    @on(Input.Submitted, "#console-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.search = None
        self.submit(event.value)

    def submit(self, line: str, *, background: bool = False) -> None:
        if self.running is not None:
            self._show(self.hint, Text("A command is running: ctrl+c interrupts it; your line stays here.",
                                       style="yellow", no_wrap=True, overflow="ellipsis", end=""))
            return
        if self._settling is not None:
            # The last command may have changed the cwd: the next line waits
            # for the session's read-back (at once, not after the delay).
            self._queued = (line, background)
            self._forget_line()
            self._settling.set()
            return
        command = line.strip()
        if not command:
            self.echo("")
            return
        local = builtin(command)
        if local == "clear":
            self._forget_line()
            self.action_clear_scrollback()
            return
        if local == "exit":
            self._forget_line()
            self.action_close_console()
            return
        if self.readonly:
            self.note("Read-only mode: nothing is sent (started with --readonly). The line stays in the input.")
            return
        self.history.add(self.vm_id, command)
        self.input.cursor.reset()
        if background:
            self._forget_line()
            self.echo(command, "  &")
            self.run_worker(self.start_background(command), group="console", exit_on_error=False)
            return
        key = self._retry[1] if self._retry is not None and self._retry[0] == command else uuid.uuid4().hex
        self._retry = None
        running = self.running = Running(command, time.monotonic())
        # A quick command's line leaves the input and shows in the scrollback
        # with its output, in one frame (one layout of the screen, not two);
        # the line and "running" show at once only if the answer takes a moment.
        self._pending_echo = self.echo_text(command)
        self._pending_line = line
        self.set_timer(SHOW_RUNNING_AFTER, lambda: self._show_running(running))
        self.run_worker(self.run_foreground(command, key), group="console", exit_on_error=False)

    def _show_running(self, running: Running) -> None:
        if self.running is running:
            self.flush_echo()
            self.update_prompt()

    def flush_echo(self) -> None:
        if self._pending_echo is not None:
            line, self._pending_echo = self._pending_echo, None
            self.scrollback.append(line)
        if self._pending_line is not None:
            typed, self._pending_line = self._pending_line, None
            if self.input.value == typed:  # unless the user is typing the next one already
                self.input.value = ""

    def _forget_line(self) -> None:
        self.input.value = ""
        self.input.cursor.reset()

    def give_back(self, line: str) -> None:
        """Nothing the user typed is lost: the line goes back into the input
        (unless they already typed another one)."""
        if not self.input.value.strip():
            self.input.value = line
            self.input.cursor_position = len(line)

    async def run_foreground(self, command: str, key: str) -> None:
        request = m.RunRequest(command=command, session_id=self.session_id)
        running = self.running
        try:
            result = await self.repo.run(self.vm_id, request, idempotency_key=key, refresh=False)
        except ArkerError as error:
            self.note(words.failure(error))
            if error.code == "network_error":
                self._retry = (command, key)  # sending it again must not run it twice
            self.give_back(command)
            if error.code == "not_found":
                self.gone = "the VM or this session is gone (deleted elsewhere?)"
        else:
            if isinstance(result, m.CompletedRunResponse):
                self.show_output(result)
        finally:
            self.running = None
            self.update_prompt()
        # The output is painted first (a frame comes within a few ms, and
        # reading back refetches several lists); then what the run touched
        # (the VM's state, its runs, the session's cwd) is read again. A line
        # typed meanwhile waits for it, and cuts the wait short.
        hurry = self._settling = asyncio.Event()
        try:
            try:
                async with asyncio.timeout(READ_BACK_DELAY):
                    await hurry.wait()
            except TimeoutError:
                pass
            self.repo.refresh_after_run(self.vm_id)
            await self.refresh_session()
            if running is not None and running.to_background:
                await self.start_background(command)
        finally:
            self._settling = None
            queued, self._queued = self._queued, None
            if queued is not None:
                self.submit(queued[0], background=queued[1])

    # --- history, scrollback, env ---------------------------------------------------------------

    def action_search_history(self) -> None:
        if self.search is None:
            self.search = HistorySearch(self.history, self.vm_id, self.input.value)
        match = self.search.next()
        if match is not None:
            self.input.value = match
            self.input.cursor_position = len(match)
        self.update_prompt()

    def action_clear_scrollback(self) -> None:
        self.scrollback.clear()

    def action_copy_output(self) -> None:
        if not self.last_output:
            self.notify("Nothing to copy yet: run a command first.", severity="warning")
            return
        # Without escape sequences: what lands in the clipboard is text.
        self.app.copy_to_clipboard("\n".join(plain(line).plain for line in self.last_output.splitlines()))
        self.notify(f"Copied the last output ({len(self.last_output.splitlines())} lines)", timeout=2)

    def action_show_env(self) -> None:
        s = self.session
        env = s.env or {}
        lines = [f"cwd {s.cwd or '/'}", ""] + ([f"{k}={v}" for k, v in sorted(env.items())]
                                               or ["(no environment overrides)"])
        self.app.push_screen(TextView(f"Session {s.session_id} on {self.vm.label}", "\n".join(lines)))

    def action_close_console(self) -> None:
        if self.search is not None:  # esc first ends a history search, restoring the line
            self.input.value = self.search.original
            self.search = None
            self.update_prompt()
            return
        self.dismiss(None)

    # --- the palette --------------------------------------------------------------------

    def palette_actions(self) -> list[Action]:
        return [a for a in in_scope("console") if a.command and not (a.mutating and self.readonly)]

    async def run_palette_action(self, act: Action) -> None:
        await self.run_action(act.handler)
