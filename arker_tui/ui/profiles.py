"""Profiles inside the app (a mixin of ``ArkerApp``): config notices,
the saved theme, theme persistence and switching profile, which swaps the
whole repository: the old one is closed, the main screen is rebuilt on the
new one."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Iterable

from textual.app import SystemCommand

from ..config import ConfigError, Profiles, Resolved
from .terminal_text import safe_label

if TYPE_CHECKING:  # pragma: no cover
    from .app import ArkerApp

log = logging.getLogger("arker_tui.ui")


class ProfilesMixin:
    """Needs ``self.profiles: Profiles | None`` and ``self.resolved: Resolved | None``."""

    profiles: Profiles | None
    resolved: Resolved | None

    def init_profiles(self, profiles: Profiles | None, resolved: Resolved | None) -> None:
        self.profiles = profiles
        self.resolved = resolved
        self._saved_theme = resolved.theme if resolved else None
        self.switching_profile = False

    def mount_profiles(self: "ArkerApp") -> None:
        """On mount: say what was wrong with the config, apply the saved
        theme, and save the theme whenever the user changes it."""
        if self.profiles is None:
            return
        notices = self.profiles.config.problems + (self.resolved.warnings if self.resolved else [])
        for notice in notices:
            self.notify(safe_label(notice, 400), title="Config", severity="warning", timeout=10)
        self._apply_theme(self.resolved.theme if self.resolved else None)
        self.theme_changed_signal.subscribe(self, self._on_theme_changed)

    def _apply_theme(self: "ArkerApp", theme: str | None) -> None:
        if not theme or theme == self.theme:
            return
        if theme not in self.available_themes:
            self.notify(f"Theme {safe_label(theme, 60)!r} is unknown; known: "
                        f"{', '.join(sorted(self.available_themes))}", title="Config", severity="warning")
            return
        self._saved_theme = theme
        self.theme = theme

    def _on_theme_changed(self: "ArkerApp", theme) -> None:
        name = getattr(theme, "name", None)
        if self.profiles is None or not name or name == self._saved_theme:
            return
        self._saved_theme = name
        try:
            self.profiles.save_theme(name, self.resolved.profile if self.resolved else None)
        except (OSError, ConfigError) as error:
            self.notify(f"Theme not saved: {safe_label(str(error), 300)}", title="Config", severity="warning")

    # --- switching ------------------------------------------------------------

    def profile_commands(self: "ArkerApp") -> Iterable[SystemCommand]:
        if self.profiles is None:
            return
        current = self.resolved.profile if self.resolved else None
        for name in self.profiles.names:
            if name == current:
                continue
            yield SystemCommand(f"Switch profile: {name}", "Reconnect with this profile of the config file",
                                lambda n=name: self.start_profile_switch(n))

    def start_profile_switch(self: "ArkerApp", name: str) -> None:
        self.run_worker(self.switch_profile(name), group="profile", exclusive=True, exit_on_error=False)

    async def switch_profile(self: "ArkerApp", name: str) -> bool:
        """Connect with profile ``name``: close the old repository, give the
        app the new one, rebuild the main screen. False (and a notice) if not."""
        from ..backend import open_backend
        from .screens.main import MainScreen

        if self.profiles is None:
            return False
        try:
            resolved = self.profiles.resolve(name)
            backend = open_backend(resolved.settings, intervals=resolved.intervals)
        except (ConfigError, ValueError) as error:
            self.notify(safe_label(str(error), 400), title="Profile not switched", severity="error")
            return False
        self.switching_profile = True
        old = self.repository
        try:
            await old.aclose()
            self.repository = backend.repository
            self.settings = backend.settings
            self.demo = backend.demo
            self.resolved = resolved
            await self.repository.start()
            while len(self.screen_stack) > 1:
                await self.pop_screen()
            base = self.screen
            if not base._result_callbacks:
                # Textual 8 pushes no result callback for the default screen,
                # and switch_screen pops one: give it an empty one to pop.
                base._push_result_callback(base, None)
            await self.switch_screen(MainScreen())  # the old one unmounts: its subscriptions close
            self.set_keymap(resolved.keymap)
            self._apply_theme(resolved.theme)
        finally:
            self.switching_profile = False
        client = getattr(old, "client", None)
        if client is not None and hasattr(client, "aclose"):
            try:
                await client.aclose()
            except Exception:  # the old connection's errors are no longer ours
                log.exception("closing the old client failed")
        where = f"{resolved.settings.region} / {resolved.settings.provider}"
        self.notify(f"Profile {safe_label(name, 60)} · {where}" + (" · demo world (no API key)" if self.demo else ""),
                    title="Switched profile", timeout=4)
        for warning in resolved.warnings:
            self.notify(safe_label(warning, 300), title="Config", severity="warning", timeout=8)
        return True
