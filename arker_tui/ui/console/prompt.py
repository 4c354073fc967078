"""The console's prompt (``vm-name:cwd$``), its running line, and the
built-ins that never reach the VM."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

from ..format import format_seconds
from ..server_text import plain

BUILTINS = ("clear", "exit")
NAME_CELLS = 24  # of the VM's name in the prompt
CWD_CELLS = 40  # of the cwd: its tail is kept, the start becomes "…"


def short_cwd(cwd: str | None, max_cells: int = CWD_CELLS) -> str:
    """The cwd as the prompt shows it: its tail when it is long."""
    text = plain(cwd or "/").plain
    if cell_len(text) <= max_cells:
        return text
    tail = ""
    for char in reversed(text):  # by cells: a wide character takes two
        if cell_len(char + tail) > max_cells - 1:
            break
        tail = char + tail
    return "…" + tail


def prompt_text(vm_name: str | None, cwd: str | None) -> str:
    """``api-dev:/tmp$`` (both parts sanitized and bounded: they come from the server)."""
    return f"{plain(vm_name, NAME_CELLS).plain}:{short_cwd(cwd)}$"


def prompt(vm_name: str | None, cwd: str | None) -> Text:
    return Text(prompt_text(vm_name, cwd), style="bold green", end="")


def running_badge(seconds: float, width: int) -> Text:
    """``● running 12s`` in exactly ``width`` cells (the prompt's): the prompt
    line keeps its width while a command runs, so the screen is not laid out
    again on every tick."""
    elapsed = format_seconds(seconds)
    words = f"● running {elapsed}" if width >= len(f"● running {elapsed}") else f"● {elapsed}"
    text = Text(words[:width].ljust(width), style="bold yellow", end="")
    return text


def builtin(line: str) -> str | None:
    """The built-in a line is (run locally, never sent), or None."""
    word = line.strip()
    return word if word in BUILTINS else None
