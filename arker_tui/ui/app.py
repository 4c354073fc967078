"""``ArkerApp``: the Textual application. It renders repository state and
turns keys into repository calls; it never talks to the client itself."""

from __future__ import annotations

import gc
from typing import Awaitable, Callable, Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from ..api import models as m
from ..api.errors import ArkerError
from ..settings import Settings
from .profiles import ProfilesMixin
from .screens.confirm import ConfirmDialog, ConfirmRequest
from .screens.main import MainScreen
from .terminal_text import safe_label
from .widgets.runs_pane import cancel_request

# Actions that change something on the server: hidden and refused read-only.
MUTATING_ACTIONS = frozenset({
    "delete", "delete_vm", "cancel_run", "fork", "run_command", "new", "resize", "release", "signal", "mount",
    "write_file",
})


class ArkerApp(ProfilesMixin, App):
    CSS_PATH = "app.tcss"
    TITLE = "arker-tui"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-normal"), (160, "-wide")]

    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("slash", "filter", "Filter", id="app.filter"),
        Binding("r", "refresh_now", "Refresh", id="app.refresh"),
        Binding("p", "toggle_pause", "Pause", id="app.pause"),
        Binding("g", "cycle_grouping", "Group", show=False, id="app.grouping"),
        Binding("a", "show_activity", "Activity", id="app.activity"),
        Binding("colon", "command_palette", "Commands", show=False, id="app.palette"),
    ]

    def __init__(
        self,
        repository,
        *,
        settings: Settings,
        demo: bool = False,
        readonly: bool = False,
        run_log_cap: int = 100_000,
        keymap: dict[str, str] | None = None,
        profiles=None,  # config.Profiles: the config file, for theme and profile switching
        resolved=None,  # config.Resolved: the profile the app starts with
    ) -> None:
        super().__init__()
        self.repository = repository
        self.settings = settings
        self.demo = demo
        self.readonly = readonly
        self.run_log_cap = run_log_cap
        self._keymap = keymap or {}
        self.crash_report = None  # Path of the report written after a crash
        self.init_profiles(profiles, resolved)

    # --- lifecycle ------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        return MainScreen()

    def on_load(self) -> None:
        # The VM list is fetched while the screen is built and styled, so the
        # first paint can show it (the main screen's subscription joins it).
        from ..repository import Query

        prefetch = getattr(self.repository, "prefetch", None)
        if prefetch is not None:
            prefetch(Query.vms())

    async def on_mount(self) -> None:
        if self._keymap:
            self.set_keymap(self._keymap)
        await self.repository.start()
        if self.demo:
            # After the first frame: the VMs come first, the notice a moment later.
            self.call_after_refresh(self.notify, "No API key set: this is the built-in demo world. "
                                    "Set ARKER_API_KEY to use your org.", title="Demo mode", timeout=6)
        self.mount_profiles()

    def on_ready(self) -> None:
        if not gc.isenabled():  # the command line turns it off for start-up (cli._run_app)
            gc.freeze()
            gc.enable()

    async def on_unmount(self) -> None:
        await self.repository.aclose()

    # --- crashes ----------------------------------------------------------------

    def secrets(self) -> list[str]:
        """What must never be written anywhere: the API key."""
        return [self.settings.api_key] if self.settings.api_key else []

    def _handle_exception(self, error: Exception) -> None:
        """A crash: write a redacted report to the state directory, let Textual
        restore the terminal, and print a redacted traceback (no locals) and
        where the report is instead of Textual's traceback with locals."""
        from rich.text import Text

        from .. import crash

        if self.crash_report is None:
            try:
                self.crash_report = crash.write_report(error, self.secrets(), context=repr(self.settings))
            except OSError:
                pass
        super()._handle_exception(error)
        summary = crash.redact(crash.format_report(error, self.secrets()), self.secrets())
        where = f"\nA report is in {self.crash_report}\n" if self.crash_report else ""
        self._exit_renderables[:] = [Text(summary + where)]

    @property
    def main_screen(self) -> MainScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    # --- read-only ----------------------------------------------------------------

    def allows(self, action: str) -> bool:
        return not (self.readonly and action in MUTATING_ACTIONS)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.allows(action)

    # --- global actions -------------------------------------------------------

    def action_help(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def action_refresh_now(self) -> None:
        self.repository.refresh_subscribed()
        self.notify("Refreshing…", timeout=1.5)

    def action_toggle_pause(self) -> None:
        if self.repository.paused:
            self.repository.resume()
            self.notify("Live refresh resumed", timeout=2)
        else:
            self.repository.pause()
            self.notify("Live refresh paused: p resumes, r refreshes once", timeout=3)
        if self.main_screen is not None:
            self.main_screen.update_status()

    def action_filter(self) -> None:
        screen = self.main_screen
        if screen is None or self.screen is not screen:
            return
        screen.focused_pane().open_filter()

    def action_show_activity(self) -> None:
        from .screens.activity import ActivityScreen  # on first use: not needed to start

        if not isinstance(self.screen, ActivityScreen) and not self.screen.is_modal:
            self.push_screen(ActivityScreen())

    def action_cycle_grouping(self) -> None:
        if self.main_screen is not None:
            self.main_screen.vm_tree.action_cycle_grouping()

    # --- flows shared by panes ------------------------------------------------

    def confirm_then(self, request: ConfirmRequest, mutation: Callable[[], Awaitable[object]], done: str) -> None:
        """Ask first; only a confirmed dialog sends the mutation."""
        action = "cancel_run" if request.verb == "Cancel" else "delete"
        if not self.allows(action):
            self.notify("Read-only mode: nothing can be changed.", severity="warning")
            return

        async def run_it(confirmed: bool | None) -> None:
            if not confirmed:
                return
            try:
                await mutation()
            except ArkerError as error:
                self.notify(f"{error.code}: {safe_label(error.message, 300)}",
                            title=f"{request.verb} {request.kind} failed", severity="error", timeout=8)
            else:
                self.notify(safe_label(done, 200), title="Done", timeout=4)

        def on_dismiss(confirmed: bool | None) -> None:
            self.run_worker(run_it(confirmed), group="mutations", exit_on_error=False)

        self.push_screen(ConfirmDialog(request), on_dismiss)

    def cancel_run(self, vm_id: str, run: m.RunSummary) -> None:
        if run.state != "running":
            self.notify(f"Run {run.run_id} is {run.state}; only a running run can be cancelled.",
                        severity="warning")
            return
        self.confirm_then(cancel_request(vm_id, run), lambda: self.repository.cancel_run(vm_id, run.run_id),
                          f"Cancelled run {run.run_id}")

    def show_text(self, title: str, body: str) -> None:
        from .screens.text_view import TextView

        self.push_screen(TextView(title, body))

    def close_run_view(self) -> None:
        if self.main_screen is not None:
            self.main_screen.close_run_view()

    # --- command palette ------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        main = self.main_screen
        yield SystemCommand("Refresh now", "Fetch everything on screen again (r)", self.action_refresh_now)
        yield SystemCommand("Pause / resume live refresh", "Stop or restart interval refresh (p)",
                            self.action_toggle_pause)
        yield SystemCommand("Help: keys of the focused pane", "Show the key panel (?)", self.action_help)
        yield SystemCommand("Org activity", "Every run / fork / sync call of the org, with latency (a)",
                            self.action_show_activity)
        yield from self.profile_commands()
        if main is None:
            return
        for number, name in (("1", "VM tree"), ("2", "Runs"), ("3", "Sessions"), ("4", "Tunnels"),
                             ("5", "Filesystems"), ("6", "VM details")):
            yield SystemCommand(f"Go to {name}", f"Focus the {name} pane ({number})",
                                lambda n=number: main.action_focus_pane(n))
        yield SystemCommand("Switch VM grouping", "Lineage, region or state (g)", self.action_cycle_grouping)
        yield SystemCommand("Filter the focused list", "Substring, case-insensitive (/)", self.action_filter)
        if main.run_view_open:
            yield SystemCommand("Follow / stop following the run log", "(s)", main.run_view.log_view.action_toggle_follow)
            yield SystemCommand("Close the run log", "(esc)", self.close_run_view)
        if not self.readonly:
            yield SystemCommand("Delete the selected VM", "Asks first (d in the tree)", main.delete_selected_vm)
            yield SystemCommand("Cancel the selected run", "Asks first (c in Runs)",
                                main.runs_pane.action_cancel_run)
            for pane, noun in ((main.sessions_pane, "session"), (main.tunnels_pane, "tunnel"),
                               (main.filesystems_pane, "filesystem"), (main.syncs_pane, "sync")):
                yield SystemCommand(f"Delete the selected {noun}", "Asks first (d in its pane)", pane.action_delete)
        from .forms.actions import palette_commands

        yield from palette_commands(self, main)
        yield SystemCommand("Quit", "Leave arker-tui (q)", self.exit)
