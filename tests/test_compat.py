"""The two touches of Textual's private parts in ``ui/compat.py``: these fail
when Textual changes what they rely on."""

from __future__ import annotations

import pytest
from textual.app import App

from arker_tui.ui.compat import RedactedCrashes, forget_clipboard


class Crashing(RedactedCrashes):
    def crash_output(self, error: Exception) -> str:
        return f"redacted report of {type(error).__name__}"



async def test_a_crash_prints_the_redacted_report_not_the_traceback():
    app = Crashing()
    secret = "ak_live_secret_in_a_local"
    printed = ""
    with pytest.raises(RuntimeError):  # run_test raises the app's exception again on exit
        async with app.run_test():
            try:
                raise RuntimeError(f"boom near {secret[:2]}")
            except RuntimeError as error:
                app._handle_exception(error)  # what Textual calls on an unhandled exception
            printed = " ".join(str(r) for r in app._exit_renderables)
    assert printed == "redacted report of RuntimeError"
    assert secret not in printed


async def test_forget_clipboard_drops_only_a_secret():
    app = App()
    async with app.run_test():
        app.copy_to_clipboard("tok_once")
        assert app.clipboard == "tok_once"
        forget_clipboard(app, ["other"])
        assert app.clipboard == "tok_once"
        forget_clipboard(app, ["tok_once"])
        assert app.clipboard == ""


async def test_write_to_terminal_reaches_the_driver_and_not_a_headless_one():
    from textual.drivers.headless_driver import HeadlessDriver

    from arker_tui.ui.compat import write_to_terminal

    written: list[str] = []

    class Recording(HeadlessDriver):
        @property
        def is_headless(self) -> bool:
            return False

        def write(self, data: str) -> None:
            written.append(data)

    app = App()
    app.driver_class = Recording
    async with app.run_test(headless=False):
        assert write_to_terminal(app, "\x1b]9;hello\x07") is True
    assert "\x1b]9;hello\x07" in written
    headless = App()
    async with headless.run_test():
        assert write_to_terminal(headless, "\x1b]9;hello\x07") is False
