"""``ArkerApp``: the Textual application. It renders repository state and
turns keys into repository calls; it never talks to the client itself.

The app's own keys (quit, help, palette, refresh, pause, activity) are
handled here; everything that acts on a pane's data goes to the current
screen's controller. Every notification passes through ``notify``, which
shows it as inert text: nothing from the server can become markup, a link
or an action.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from textual.app import SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

from .. import allocator
from ..api.routes import DEFAULT_CONTROL_URL
from ..config import WatchedRunsConfig
from ..repository import Query, collector
from ..settings import Settings
from .actions import BY_ID, MUTATING, SCOPES, Action, bindings
from .app_base import ArkerAppBase
from .compat import RedactedCrashes
from .keymap import check_keymap, keys_of
from .profiles import ProfileSwitcher
from .screens.help import HelpScreen, help_text
from .screens.main import MainScreen
from .server_text import plain_block
from .terminal_text import safe_label
from .watched_runs import WatchedRunsKeeper

ALLOCATOR_AFTER = 2.0  # seconds after the first frame: when the C allocator is tuned (allocator.py)


class ArkerApp(RedactedCrashes, ArkerAppBase):
    CSS_PATH = "app.tcss"
    TITLE = "arker-tui"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-normal"), (160, "-wide")]

    BINDINGS = bindings("app")

    def __init__(
        self,
        repository: Any,
        *,
        settings: Settings,
        demo: bool = False,
        readonly: bool = False,
        run_log_cap: int = 100_000,
        keymap: dict[str, str] | None = None,
        profiles: Any = None,  # config.Profiles: the config file, for theme and profile switching
        resolved: Any = None,  # config.Resolved: the profile the app starts with
    ) -> None:
        super().__init__()
        self.repository = repository
        self.settings = settings
        self.demo = demo
        self.readonly = readonly
        self.run_log_cap = run_log_cap
        self.keymap, self._keymap_problems = check_keymap(keymap or {})
        self.crash_report: Path | None = None  # the report written after a crash
        self.profiles = ProfileSwitcher(self, profiles, resolved)
        # Watched runs: the alerts when one ends, and each profile's list (ui/watched_runs.py).
        self.watched_runs = WatchedRunsKeeper(
            self, profiles.config.watched_runs if profiles is not None else WatchedRunsConfig())

    # --- lifecycle ------------------------------------------------------------

    def get_default_screen(self) -> MainScreen:
        # The first screen of the stack; switching profile builds it again (profiles.py).
        # Not a mode: a mode's screen is restyled, laid out and painted twice more at start.
        return MainScreen()

    def on_load(self) -> None:
        # The VM list is fetched while the screen is built and styled, so the
        # first paint can show it (the main screen's subscription joins it).
        prefetch = getattr(self.repository, "prefetch", None)
        if prefetch is not None:
            prefetch(Query.vms())

    async def on_mount(self) -> None:
        if self.keymap:
            self.set_keymap(self.keymap)
        for problem in self._keymap_problems:
            self.notify(problem, title="Config", severity="warning", timeout=10)
        await self.repository.start()
        if self.demo:
            # After the first frame: the VMs come first, the notice a moment later.
            self.call_after_refresh(self.notify, self.demo_notice(), title="Demo mode", timeout=8)
        self.profiles.mount()
        self.watched_runs.attach(self.repository, self.settings.profile)

    def demo_notice(self) -> str:
        """Why this is the demo world, naming a URL the user set that is not used."""
        asked = self.profiles.resolved.settings if self.profiles.resolved is not None else None
        hosts = []
        if asked is not None and asked.control_url != DEFAULT_CONTROL_URL:
            hosts.append(f"control plane {asked.control_url}")
        if asked is not None and asked.base_url:
            hosts.append(f"compute host {asked.base_url}")
        if hosts and asked is not None and not asked.api_key:
            return (f"No API key is set, so the {' and the '.join(hosts)} you set "
                    "is not used: this is the built-in demo world. Set ARKER_API_KEY (or the profile's "
                    "api_key_env) to use it.")
        return "No API key set: this is the built-in demo world. Set ARKER_API_KEY to use your org."

    def on_ready(self) -> None:
        collector.end_startup()  # the command line held the collector off for start-up (cli._run_app)
        # Long before any run's output is megabytes, and out of start-up's way.
        self.set_timer(ALLOCATOR_AFTER, self._tune_allocator)

    def _tune_allocator(self) -> None:
        allocator.map_big_blocks()
        if allocator.can_give_back():  # glibc's: elsewhere it is not there
            self.set_interval(allocator.TRIM_EVERY, allocator.give_back_free_memory)

    async def on_unmount(self) -> None:
        self.watched_runs.detach()
        await self.repository.aclose()

    # --- what reaches the screen ------------------------------------------------

    def notify(self, message: str, *, title: str = "", severity: Any = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Every toast, as inert text (``markup`` is ignored: nothing shown is markup)."""
        super().notify(plain_block(message, 400, max_lines=12), title=safe_label(title, 80), severity=severity,
                       timeout=timeout, markup=False)

    # --- crashes ----------------------------------------------------------------

    def secrets(self) -> list[str]:
        """What must never be written anywhere: the API key."""
        return [self.settings.api_key] if self.settings.api_key else []

    def crash_output(self, error: Exception) -> str:
        """A redacted report in the state directory, and what the terminal shows
        on exit instead of Textual's traceback with locals."""
        from .. import crash  # on the crash path only

        if self.crash_report is None:
            try:
                self.crash_report = crash.write_report(error, self.secrets(), context=repr(self.settings))
            except OSError:
                pass
        summary = crash.redact(crash.format_report(error, self.secrets()), self.secrets())
        return summary + (f"\nA report is in {self.crash_report}\n" if self.crash_report else "")

    # --- read-only ----------------------------------------------------------------

    def allows(self, action_id: str) -> bool:
        return not (self.readonly and action_id in MUTATING)

    # --- keys -------------------------------------------------------------------------

    def key_display(self, act: Action) -> str:
        """The keys an action is on now (after the user's keymap), as the footer writes them."""
        return "/".join(self.get_key_display(Binding(key, "")) for key in keys_of(act, self.keymap))

    def focused_scope(self) -> str | None:
        """The scope of the pane holding the focus (its section comes first in the help)."""
        node: DOMNode | None = self.screen.focused
        while node is not None:
            for binding in getattr(node, "BINDINGS", ()):
                act = BY_ID.get(getattr(binding, "id", None) or "")
                if act is not None and act.scope not in ("list", "listpane"):
                    return act.scope
            node = node.parent
        return None

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        scopes = getattr(self.screen, "HELP_SCOPES", tuple(SCOPES))
        self.push_screen(HelpScreen(help_text(self.key_display, scopes, self.focused_scope())))

    def action_refresh_now(self) -> None:
        held = self.repository.refresh_subscribed()
        if held:  # a list at its per-minute request cap, or a server's Retry-After
            later = "a list" if len(held) == 1 else f"{len(held)} lists"
            self.notify(f"Refreshing… {later} at a request limit: in {max(held.values()):.0f} s", timeout=3)
        else:
            self.notify("Refreshing…", timeout=1.5)

    def action_toggle_pause(self) -> None:
        if self.repository.paused:
            self.repository.resume()
            self.notify("Live refresh resumed", timeout=2)
        else:
            self.repository.pause()
            self.notify("Live refresh paused: p resumes, r refreshes once", timeout=3)

    def action_show_activity(self) -> None:
        from .screens.activity import ActivityScreen  # on first use: not needed to start

        if not isinstance(self.screen, ActivityScreen) and not self.screen.is_modal:
            self.push_screen(ActivityScreen())

    def action_show_watched(self) -> None:
        self.watched_runs.show()

    def action_open_ended_run(self) -> None:
        self.watched_runs.open_last_ended()

    # --- command palette ------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for act in BY_ID.values():
            if act.scope == "app" and act.command:
                yield self._command(act, lambda a=act: self.run_action(a.handler))
        yield from self.profiles.commands()
        for act in getattr(screen, "palette_actions", lambda: [])():
            yield self._command(act, lambda a=act: screen.run_palette_action(a))  # type: ignore[attr-defined]

    def _command(self, act: Action, callback: Any) -> SystemCommand:
        help_line = f"{act.help or act.description} ({self.key_display(act)})"
        return SystemCommand(act.command, help_line, callback)
