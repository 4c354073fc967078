"""``SaveLogForm``: write the run log the app holds to a local file.

Proposes ``./<vm-name>-<run-id>.log``; plain text unless "keep colours" is
ticked. An existing file is replaced only when "replace it" is ticked: the
first submit on an existing path says so and ticks nothing by itself.
Nothing is sent to the server (allowed read-only).
"""

from __future__ import annotations

import asyncio
from typing import Callable

from textual.app import ComposeResult
from textual.widgets import Checkbox, Input

from ..log_save import SavedLog, default_path, resolve, save
from .base import FormScreen, Refused

Entries = Callable[[], tuple[list[tuple[str, str]], int, int]]  # () -> (entries, dropped, cap)


class SaveLogForm(FormScreen[SavedLog]):
    FORM_TITLE = "Save the run log"
    SUBMIT_LABEL = "Save"
    ACTION = "runlog.save"
    FIRST_FIELD = "path"

    def __init__(self, vm_name: str, vm_id: str, run_id: str, entries: Entries) -> None:
        super().__init__()
        self.vm_name, self.vm_id, self.run_id = vm_name, vm_id, run_id
        self.entries = entries

    def intro(self) -> str:
        _lines, dropped, cap = self.entries()
        held = f"; the first {dropped:,} lines were dropped (cap {cap:,})" if dropped else ""
        return f"run {self.run_id} on {self.vm_name} ({self.vm_id}): the output the app holds{held}"

    def compose_fields(self) -> ComposeResult:
        yield from self.row("path", "File", Input(default_path(self.vm_name, self.run_id), compact=True,
                                                  id="save-path"))
        yield from self.checks("options", "Options", [
            Checkbox("keep colours (ANSI)", id="save-colours", compact=True),
            Checkbox("replace it if it exists", id="save-replace", compact=True),
        ])

    def errors(self) -> dict[str, str]:
        path = self.value("path").strip()
        if not path:
            return {"path": "File: type a path to write to"}
        if "\x00" in path:
            return {"path": "File: a path cannot hold a NUL character"}
        return {}

    def build(self) -> tuple[str, bool, bool]:
        colours = self.query_one("#save-colours", Checkbox).value
        replace = self.query_one("#save-replace", Checkbox).value
        return self.value("path").strip(), colours, replace

    async def send(self, request: tuple[str, bool, bool]) -> SavedLog:
        path, colours, replace = request
        entries, dropped, cap = self.entries()
        try:
            return await asyncio.to_thread(save, path, entries, colours=colours, overwrite=replace,
                                           dropped=dropped, cap=cap)
        except FileExistsError:
            raise Refused(f"{resolve(path)} exists: nothing was written. Tick \"replace it if it exists\" "
                          "to overwrite it, or change the path.") from None
        except OSError as error:
            reason = error.strerror or str(error)
            raise Refused(f"Could not write {resolve(path)}: {reason}. Nothing was written.") from None
