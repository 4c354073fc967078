"""Profiles inside the app: config notices, the saved theme, theme
persistence, and switching profile, which swaps the whole repository: the
old one is closed, the screens over the main screen are closed, and the
main screen is built again on the new one."""

from __future__ import annotations

import logging
from typing import Any, Iterable

from textual.app import App, SystemCommand

from ..backend import open_backend
from ..config import ConfigError, Profiles, Resolved
from .screens.main import MainScreen

log = logging.getLogger("arker_tui.ui")


class ProfileSwitcher:
    """The app's profiles. ``app`` needs ``repository``, ``settings``,
    ``demo`` and ``keymap`` attributes (``ArkerApp`` has them)."""

    def __init__(self, app: App, profiles: Profiles | None, resolved: Resolved | None) -> None:
        self.app: Any = app
        self.profiles = profiles
        self.resolved = resolved
        self.saved_theme = resolved.theme if resolved else None
        self.switching = False

    def mount(self) -> None:
        """On mount: say what was wrong with the config, apply the saved
        theme, and save the theme whenever the user changes it."""
        if self.profiles is None:
            return
        notices = self.profiles.config.problems + (self.resolved.warnings if self.resolved else [])
        for notice in notices:
            self.app.notify(notice, title="Config", severity="warning", timeout=10)
        self.apply_theme(self.resolved.theme if self.resolved else None)
        self.app.theme_changed_signal.subscribe(self.app, self.on_theme_changed)

    def apply_theme(self, theme: str | None) -> None:
        app = self.app
        if not theme or theme == app.theme:
            return
        if theme not in app.available_themes:
            app.notify(f"Theme {theme[:60]!r} is unknown; known: {', '.join(sorted(app.available_themes))}",
                       title="Config", severity="warning")
            return
        self.saved_theme = theme
        app.theme = theme

    def on_theme_changed(self, theme: Any) -> None:
        name = getattr(theme, "name", None)
        if self.profiles is None or not name or name == self.saved_theme:
            return
        self.saved_theme = name
        try:
            self.profiles.save_theme(name, self.resolved.profile if self.resolved else None)
        except (OSError, ConfigError) as error:
            self.app.notify(f"Theme not saved: {error}", title="Config", severity="warning")

    # --- switching ------------------------------------------------------------

    def commands(self) -> Iterable[SystemCommand]:
        if self.profiles is None:
            return
        current = self.resolved.profile if self.resolved else None
        for name in self.profiles.names:
            if name != current:
                yield SystemCommand(f"Switch profile: {name}", "Reconnect with this profile of the config file",
                                    lambda n=name: self.start(n))

    def start(self, name: str) -> None:
        self.app.run_worker(self.switch(name), group="profile", exclusive=True, exit_on_error=False)

    async def switch(self, name: str) -> bool:
        """Connect with profile ``name``: close the old repository, give the
        app the new one, show a new main screen. False (and a notice) if not."""
        app = self.app
        if self.profiles is None:
            return False
        try:
            resolved = self.profiles.resolve(name)
            backend = open_backend(resolved.settings, intervals=resolved.intervals)
        except (ConfigError, ValueError) as error:
            app.notify(str(error), title="Profile not switched", severity="error")
            return False
        self.switching = True
        old = app.repository
        try:
            app.watched_runs.detach()  # kept for this profile only
            await old.aclose()
            app.repository = backend.repository
            app.settings = backend.settings
            app.demo = backend.demo
            self.resolved = resolved
            await app.repository.start()
            app.watched_runs.attach(app.repository, resolved.profile)
            while len(app.screen_stack) > 1:  # dialogs and views over the main screen
                await app.pop_screen()
            main = app.screen
            if isinstance(main, MainScreen):
                await main.rebuild()  # on the new repository: the old panes' subscriptions close
            app.set_keymap(resolved.keymap)
            self.apply_theme(resolved.theme)
        finally:
            self.switching = False
        client = getattr(old, "client", None)
        if client is not None and hasattr(client, "aclose"):
            try:
                await client.aclose()
            except Exception:  # the old connection's errors are no longer ours
                log.exception("closing the old client failed")
        where = f"{resolved.settings.region} / {resolved.settings.provider}"
        app.notify(f"Profile {name} · {where}" + (" · demo world (no API key)" if app.demo else ""),
                   title="Switched profile", timeout=4)
        for warning in resolved.warnings:
            app.notify(warning, title="Config", severity="warning", timeout=8)
        return True
