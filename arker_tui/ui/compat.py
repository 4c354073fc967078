"""The few places where arker-tui must reach into Textual's private parts.

Each touch is here and nowhere else, with a test in ``tests/test_compat.py``
that fails when Textual changes what it relies on:

- ``RedactedCrashes``: after an unhandled exception Textual prints a
  traceback *with local variables* (the API key among them) when the app
  exits. There is no public hook, so the app's ``_handle_exception`` is
  extended to replace that output with a redacted report.
- ``forget_clipboard``: ``App.copy_to_clipboard`` keeps a copy of the text in
  the app; after a one-time tunnel token is shown, that copy is dropped
  (there is no public way to clear it without also clearing the terminal's
  clipboard, which the user may still need).
- ``write_to_terminal``: a desktop notification (OSC 9 / OSC 777) is a
  sequence written to the terminal; Textual writes its own (the bell, OSC 52)
  through the app's driver, and has no public method for another one.
"""

from __future__ import annotations

from typing import Callable, Iterable

from rich.text import Text
from textual.app import App


class RedactedCrashes(App):
    """Calls ``crash_output(error)`` on an unhandled exception and prints what
    it returns instead of Textual's traceback with locals."""

    def crash_output(self, error: Exception) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def _handle_exception(self, error: Exception) -> None:
        output: Callable[[Exception], str] = self.crash_output
        super()._handle_exception(error)
        self._exit_renderables[:] = [Text(output(error))]


def forget_clipboard(app: App, secrets: Iterable[str]) -> None:
    """Drop the app's own copy of the clipboard if it holds one of ``secrets``."""
    if app.clipboard in set(secrets):
        app._clipboard = ""


def write_to_terminal(app: App, data: str) -> bool:
    """Write ``data`` (already safe) to the terminal the app runs in, as
    ``App.bell`` does; False when there is none (headless, or not started)."""
    driver = getattr(app, "_driver", None)
    if driver is None or app.is_headless:
        return False
    driver.write(data)
    return True
