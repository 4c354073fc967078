"""What the app writes to the terminal, and the notifications it shows, for
tests: a driver that records (Textual's headless driver writes nothing and
makes the app skip the bell) and an app that keeps its notifications."""

from __future__ import annotations

from pathlib import Path

from textual.drivers.headless_driver import HeadlessDriver

from arker_tui.ui import app as app_module
from arker_tui.ui.app import ArkerApp


def recording_driver() -> type[HeadlessDriver]:
    """A driver that keeps what the app writes to the terminal (Textual's
    headless driver writes nothing and makes the app skip the bell)."""

    class Recording(HeadlessDriver):
        written: list[str] = []

        @property
        def is_headless(self) -> bool:
            return False

        def write(self, data: str) -> None:
            Recording.written.append(data)

    return Recording


class TellingApp(ArkerApp):
    """The app, keeping every notification it shows."""

    CSS_PATH = str(Path(app_module.__file__).parent / ArkerApp.CSS_PATH)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.told: list[tuple[str, str, str]] = []

    def notify(self, message: str, *, title: str = "", severity="information", timeout=None, markup=False) -> None:
        self.told.append((title, message, severity))
        super().notify(message, title=title, severity=severity, timeout=timeout)


def bells(driver) -> int:
    """The bell as the app rings it: one write of BEL alone (frames carry BELs that end OSC sequences)."""
    return driver.written.count("\x07")


def desktop_writes(driver) -> list[str]:
    return [w for w in driver.written if w.startswith(("\x1b]9;", "\x1b]777;"))]
