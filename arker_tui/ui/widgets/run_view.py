"""``RunView``: one run's header and its live log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget

from ...api import models as m
from ...api.output import decode_output
from ...repository import ChangeEvent, Query
from .. import format as fmt
from ..actions import action, bindings
from ..intents import IntentSource, ShowText
from ..keymap import keys_of
from ..server_text import plain
from ..staleness import output_polling
from ..watch import Watching
from .log_search_bar import LogSearchBar
from .log_searching import SearchLineHost
from .run_log import RunLog

if TYPE_CHECKING:
    from textual import getters

    from ..app_base import ArkerAppBase

HEADER_LINES = 3
GAP = "  "


def flow(segments: list[Text], width: int, max_lines: int = HEADER_LINES) -> Text:
    """Segments laid out in lines of ``width`` cells, two spaces apart; a
    segment is never broken across lines (one wider than a line is cut)."""
    lines: list[Text] = []
    line = Text()
    for segment in segments:
        if not segment.plain:
            continue
        if segment.cell_len > width:
            segment = segment.copy()
            segment.truncate(width, overflow="ellipsis")
        if line.plain and line.cell_len + cell_len(GAP) + segment.cell_len > width:
            lines.append(line)
            line = Text()
        if line.plain:
            line.append(GAP)
        line.append_text(segment)
    if line.plain:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1].append(" …")
        lines[-1].truncate(width, overflow="ellipsis")
    return Text("\n").join(lines)


class RunHeader(Widget):
    DEFAULT_CSS = """
    RunHeader { height: auto; max-height: 3; background: $panel; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.segments: list[Text] = []

    def show(self, segments: list[Text]) -> None:
        if segments != self.segments:
            self.segments = segments
            self.refresh(layout=True)

    def render(self) -> Text:
        return flow(self.segments, max(10, self.content_region.width or self.size.width))

    def get_content_height(self, container, viewport, width: int) -> int:
        return max(1, len(flow(self.segments, max(10, width)).plain.split("\n")))


class RunView(SearchLineHost, IntentSource, Watching, Vertical):
    DEFAULT_CSS = """
    RunView { height: 1fr; border-top: solid $primary 60%; }
    RunView:focus-within { border-top: solid $accent; }
    RunView > RunLog { height: 1fr; }
    """

    if TYPE_CHECKING:  # the app typed (see app_base)
        app = getters.app(ArkerAppBase)

    BINDINGS = bindings("runview")

    def __init__(self, *, id: str | None = None, max_lines: int = 100_000) -> None:
        super().__init__(id=id)
        self.header = RunHeader()
        self.log_view = RunLog(max_lines=max_lines, stream_labels=True)
        self.search_bar = LogSearchBar(id="log-search")
        self.vm_id: str | None = None
        self.vm_name: str | None = None
        self.run_id: str | None = None
        self.run: m.Run | None = None
        self.error: str | None = None
        self._shown_ended = False
        self.query_watch = self.watch_query(self._on_change)

    def compose(self) -> ComposeResult:
        yield self.header
        yield self.log_view
        yield self.search_bar

    @property
    def repo(self):
        return self.app.repository

    @property
    def searched_log(self) -> RunLog:
        return self.log_view

    def open(self, vm_id: str, run_id: str, vm_name: str | None = None) -> None:
        self.vm_name = vm_name or vm_id
        if (vm_id, run_id) == (self.vm_id, self.run_id) and self.query_watch.query is not None:
            self.update_header()
            return
        self.query_watch.forget()
        self.vm_id, self.run_id, self.run, self.error = vm_id, run_id, None, None
        self.log_view.clear()
        self.query_watch.watch(Query.run(vm_id, run_id))
        self.update_header()

    def close(self) -> None:
        self.query_watch.forget()
        self.vm_id = self.run_id = None
        self.close_search()

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
        if event.error is not None:
            self.error = f"{event.error.code}: {event.error.message}"
            if event.error.code == "not_found":
                self.error = "This run no longer exists (its VM may have been deleted)."
        else:
            self.error = None
            if self.run is None or getattr(event, "output_replaced", False):
                self._show_whole(event.value)
            else:
                self.run = event.value
                out, err = getattr(event, "stdout_appended", ""), getattr(event, "stderr_appended", "")
                if out or err:
                    self.log_view.append(out, err)
        self.update_header()

    def on_run_log_follow_changed(self, event: RunLog.FollowChanged) -> None:
        self.update_header()

    def header_segments(self) -> list[Text]:
        run = self.run
        vm = plain(f"on {self.vm_name or self.vm_id or '?'}", 60, style="bold")
        if run is None:
            segments = [plain(self.run_id or "", 40), vm, Text("loading…", style="dim")]
        else:
            pending = self.repo.is_pending("run", run.run_id)
            state = Text("⌛ cancelling", style="bold yellow") if pending else fmt.run_result(run.state, run.exit_code)
            segments = [plain(run.command or "-", 60, style="bold"), state,
                        Text(fmt.duration(run.started_at, run.completed_at)), vm]
            if run.retry_count:
                segments.append(Text(f"retries {run.retry_count}", style="yellow"))
            if not run.is_terminal:
                follow = "following" if self.log_view.following else "paused: s follows"
                segments.append(Text(follow, style="dim"))
                polling = output_polling(self.repo, self.query_watch.query) if self.query_watch.query else ""
                if polling:  # big output: polled less often, within its budget
                    segments.append(Text(polling, style="yellow"))
                watched = getattr(self.repo, "watched", None)
                if watched is not None and self.vm_id and watched.is_watched(self.vm_id, run.run_id):
                    segments.append(Text("watched", style="dim"))  # told when it ends; W unwatches
            if self.log_view.wrap:
                segments.append(Text("wrap", style="dim"))
        if self.log_view.streams != "both":
            segments.append(Text(f"{self.log_view.streams} only: t shows both", style="bold yellow"))
        if run is not None:
            segments += [plain(run.run_id, 40, style="dim"),
                         plain(f"session {run.session_id or 'default'}", 40, style="dim"),
                         Text(f"started {fmt.ago(run.started_at)}", style="dim")]
            if run.fail_reason:
                segments.append(plain(f"fail: {run.fail_reason}", 120, style="bold red"))
        if self.error:
            segments.append(plain(self.error, 160, style="red"))
        return segments

    def update_header(self) -> None:
        ended = self.run is not None and self.run.is_terminal
        self.log_view.finished = ended
        if ended != self._shown_ended:
            self._shown_ended = ended
            self.refresh_bindings()  # c Cancel run goes from the footer once the run has ended
        self.header.show(self.header_segments())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if parameters == ("runlog.cancel",) and self.run is not None and self.run.is_terminal:
            return False
        return True

    def why_not(self, key: str) -> str | None:
        """Why a run log key hidden from the footer does nothing now."""
        run = self.run
        if run is None or not run.is_terminal:
            return None
        keymap = self.app.keymap
        if key in keys_of(action("runlog.cancel"), keymap):
            return f"This run has already ended ({run.state}): there is nothing to cancel."
        if key in keys_of(action("runlog.follow"), keymap):
            return "This run has ended: its log will not grow, so there is nothing to follow."
        return None

    def on_resize(self) -> None:
        self.header.refresh(layout=True)

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
                  ("retries", str(run.retry_count or 0)), ("VM", f"{self.vm_name} ({run.vm_id or self.vm_id or '-'})")]
        fields += [(key, str(value)) for key, value in sorted(run.extra_fields.items())]
        self.post_message(ShowText(f"Run {run.run_id}", "\n".join(f"{k:<12} {v}" for k, v in fields)))

    # --- search, streams, copy, save ----------------------------------------------------

    def action_cycle_streams(self) -> None:
        streams = self.log_view.cycle_streams()
        self.update_header()
        if self.log_view.search is not None:
            self.search_bar.show_status(self.log_view.search_status())
        words = {"both": "both streams (stderr marked ▌)", "stdout": "stdout only", "stderr": "stderr only"}
        self.notify(f"Run log: {words[streams]}", timeout=2)

    def action_copy_lines(self) -> None:
        """``y``: the selected text if there is one, else the lines on screen (OSC 52)."""
        selected = self.screen.get_selected_text()
        if selected:
            self.app.copy_to_clipboard(selected)
            self.notify(f"Copied the selection ({len(selected.splitlines()) or 1} lines)", timeout=2)
            return
        text = self.log_view.screen_text()
        if not text:
            self.notify("Nothing on screen to copy.", severity="warning", timeout=2)
            return
        self.app.copy_to_clipboard(text)
        self.notify(f"Copied the {len(text.splitlines())} lines on screen", timeout=2)

    def save_entries(self) -> tuple[list[tuple[str, str]], int, int]:
        """What a save writes: every held entry, the dropped count, the cap."""
        log = self.log_view
        return log.stored_lines(), log.dropped_count, log.max_lines
