"""``WatchedScreen``: every watched run across VMs, live.

One row per watched run: VM, command, state (as it changes), duration
(ticking while it runs) and exit code. Enter selects the run's VM on the
main screen and opens its log; ``W`` unwatches the run under the cursor,
``U`` every run that ended. The rows come from the repository's
``WatchedRuns`` registry, which keeps polling them wherever the user is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from ...repository.watched import WatchedRun
from .. import format as fmt
from ..actions import bindings
from ..server_text import plain
from ..widgets.data_list import Column, DataList
from ..widgets.footer import KeyFooter

if TYPE_CHECKING:
    from textual import getters

    from ..app_base import ArkerAppBase

EMPTY_TEXT = "No watched runs: open a run's log, or start one in the background (x)."  # fits 80 columns


def state_cell(run: WatchedRun) -> Text:
    if run.state is None:
        return Text("… loading", style="dim")
    if run.state == "gone":
        return Text("? gone", style="yellow")
    cell = fmt.run_result(run.state, run.exit_code)
    if run.error and not run.ended:
        cell.append(" ⚠", style="yellow")  # its last poll failed; the error is in the title line
    return cell


def duration_cell(run: WatchedRun) -> str:
    if not run.started_at:
        return "-"
    return fmt.duration(run.started_at, run.completed_at if run.ended else None)


def exit_cell(run: WatchedRun) -> Text:
    if run.exit_code is None:
        return Text("-", style="dim")
    return Text(str(run.exit_code), style="green" if run.exit_code == 0 else "bold red")


class WatchedScreen(Screen):
    if TYPE_CHECKING:  # the app typed (see app_base)
        app = getters.app(ArkerAppBase)

    BINDINGS = bindings("watched")
    HELP_SCOPES = ("watched", "app", "list")

    DEFAULT_CSS = """
    WatchedScreen #watched-title { height: 1; background: $panel; padding: 0 1; }
    WatchedScreen #watched-list { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._listener: Any = None
        self.title_line = Static("", id="watched-title", markup=False)
        self.list: DataList[WatchedRun] = DataList(
            [Column("VM", 0, 8, ratio=2), Column("COMMAND", 0, 10, ratio=3), Column("STATE", 13),
             Column("DURATION", 9, justify="right"), Column("EXIT", 4, justify="right"),
             Column("RUN", 16, hide_below=90)],
            key_of=lambda r: r.key,
            render_row=self.render_row,
            filter_text_of=lambda r: f"{r.vm_label} {r.command or ''} {r.run_id} {r.state or ''}",
            empty_text=EMPTY_TEXT,
            id="watched-list",
        )

    @property
    def registry(self) -> Any:
        return getattr(self.app.repository, "watched", None)

    def compose(self) -> ComposeResult:
        yield self.title_line
        yield self.list
        yield KeyFooter()

    def on_mount(self) -> None:
        registry = self.registry
        if registry is not None:
            self._listener = registry.listen(lambda: self.call_later(self.show_runs))
        self.show_runs()
        self.list.focus()
        self.set_interval(1.0, self.tick)

    def on_unmount(self) -> None:
        if self._listener is not None:
            self._listener.close()

    # --- rows -------------------------------------------------------------------------

    def render_row(self, run: WatchedRun) -> list:
        return [plain(run.vm_label, 60), plain(run.command or run.run_id, 200), state_cell(run),
                duration_cell(run), exit_cell(run), plain(run.run_id, 40, style="dim")]

    def show_runs(self) -> None:
        registry = self.registry
        runs = registry.runs() if registry is not None else []
        self.list.set_items(runs)
        running = sum(not r.ended and r.state != "gone" for r in runs)
        title = Text("Watched runs", style="bold")
        title.append(f" {len(runs)}" + (f" · {running} running" if running else ""))
        failing = next((r for r in runs if r.error and not r.ended and r.state != "gone"), None)
        if failing is not None:
            title.append(" · ")
            title.append_text(plain(f"{failing.run_id}: {failing.error}", 80, style="yellow"))
        self.title_line.update(title)

    def tick(self) -> None:
        """Once a second: the durations of running runs move on."""
        running = [r.key for r in self.list.items() if not r.ended and r.started_at]
        if running:
            self.list.refresh_rows(running)

    # --- keys -------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_open_run(self) -> None:
        run = self.list.cursor_item
        if run is None:
            self.notify("No watched run to open.", severity="warning")
            return
        self.app.watched_runs.open_run(run.vm_id, run.run_id)

    def on_data_list_selected(self, message: DataList.Selected) -> None:
        message.stop()
        self.action_open_run()

    def action_unwatch(self) -> None:
        run = self.list.cursor_item
        if run is None or self.registry is None:
            return
        self.registry.unwatch(run.vm_id, run.run_id)
        self.notify(f"No longer watching {fmt.trim(run.command or run.run_id, 40)} on {fmt.trim(run.vm_label, 30)}.",
                    timeout=3)

    def action_unwatch_ended(self) -> None:
        count = self.registry.unwatch_ended() if self.registry is not None else 0
        self.notify(f"{count} ended run{'s' if count != 1 else ''} no longer watched." if count
                    else "No watched run has ended.", timeout=3)
