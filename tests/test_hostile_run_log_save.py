"""Server text on the run log's save path: a hostile VM name or run id never
reaches the proposed file name or the screen as a control sequence or markup."""

from __future__ import annotations

import re

from textual.app import App
from textual.widgets import Input, Static

from arker_tui.ui.forms.save_log import SaveLogForm
from arker_tui.ui.log_save import default_path

CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
HOSTILE_NAME = "\x1b]0;pwned\x07[bold red]evil[/]/../../etc\x1b[2J"
HOSTILE_RUN = "run_\x1b[31m1\x9b2J\u202e"


def test_the_proposed_file_name_is_inert_and_stays_in_the_working_directory() -> None:
    path = default_path(HOSTILE_NAME, HOSTILE_RUN)
    assert path.startswith("./") and "/" not in path[2:] and ".." not in path
    assert not CONTROL.search(path) and "[" not in path and "\u202e" not in path


class FormApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(SaveLogForm(HOSTILE_NAME, "vm_\x1b[5m1", HOSTILE_RUN, lambda: ([], 0, 10)))


async def test_the_save_form_shows_hostile_names_as_plain_text() -> None:
    app = FormApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        form = app.screen
        intro = str(form.query_one(".form-intro", Static).render())
        assert not CONTROL.search(intro)
        assert "[bold red]evil[/]" in intro  # shown as the characters it is, never as markup
        assert not CONTROL.search(form.query_one("#save-path", Input).value)
