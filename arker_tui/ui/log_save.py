"""Saving a run log to a file: what is written, and how.

Pure (no Textual). The lines are the log's stored form (see
``terminal_text``): already sanitized, so the only escape sequences left are
SGR colours. Plain text drops those; "with colours" keeps them and resets
at each line's end, so ``cat`` / ``less -R`` show what the app showed and
nothing else reaches the terminal. The two streams are written as the log
shows them, in blocks under a ``--- stderr ---`` / ``--- stdout ---`` line:
their interleaving is unknown and the file does not pretend otherwise.

An existing file is never replaced unless ``overwrite`` says so (the file
is opened with ``x``: no window between the check and the write).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .terminal_text import visible_text

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class SavedLog:
    path: Path
    lines: int  # output lines written (block labels not counted)
    dropped: int  # earlier lines the cap had dropped: not in the file
    cap: int
    colours: bool

    def words(self) -> str:
        """What the app says once written."""
        kind = "with colours" if self.colours else "plain text"
        text = f"Saved {self.lines:,} lines ({kind}) to {self.path}"
        if self.dropped:
            text += (f". {self.dropped:,} earlier lines are not in it: the log keeps the last "
                     f"{self.cap:,} (--run-log-cap)")
        else:
            text += ". Nothing was dropped: it is the whole output"
        return text


def default_path(vm_name: str | None, run_id: str | None) -> str:
    """``./<vm-name>-<run-id>.log``, with anything odd in the names made a dash."""
    parts = [re.sub(r"\.{2,}", ".", _UNSAFE_NAME.sub("-", part)).strip("-.")
             for part in (vm_name or "vm", run_id or "run")]
    return "./" + "-".join(p for p in parts if p) + ".log"


def resolve(path: str) -> Path:
    """The absolute path a typed path means (``~`` expanded, relative to the working directory)."""
    return Path(os.path.abspath(os.path.expanduser(path.strip())))


def render(entries: Iterable[tuple[str, str]], colours: bool) -> tuple[str, int]:
    """(file text, output lines) from (stream, stored) pairs; stream "label" is a block label."""
    out: list[str] = []
    lines = 0
    for stream, stored in entries:
        if stream == "label":
            out.append(f"--- {stored} ---")
            continue
        lines += 1
        if colours:
            out.append(stored + "\x1b[0m" if "\x1b" in stored else stored)
        else:
            out.append(visible_text(stored))
    return ("\n".join(out) + "\n" if out else ""), lines


def save(path: str, entries: Iterable[tuple[str, str]], *, colours: bool, overwrite: bool, dropped: int,
         cap: int) -> SavedLog:
    """Write the log; ``FileExistsError`` when the file exists and ``overwrite`` is off,
    ``IsADirectoryError`` / ``OSError`` as the system says."""
    target = resolve(path)
    if target.is_dir():
        raise IsADirectoryError(f"{target} is a directory: add a file name")
    text, lines = render(entries, colours)
    with open(target, "w" if overwrite else "x", encoding="utf-8", errors="replace", newline="\n") as file:
        file.write(text)
    return SavedLog(target, lines, dropped, cap, colours)
