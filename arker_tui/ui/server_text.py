"""Text from the server (or anything the user did not type) on its way to a
widget: always through the one sanitizer, always as ``Text``, never as
markup, so no server string can style the screen, draw a link or run an
action (``[@click=app.quit]``)."""

from __future__ import annotations

from rich.text import Text

from ..api.errors import ArkerError
from .terminal_text import safe_label

BLOCK_LINES = 2_000  # lines of a multi-line block shown at most


def _head(text: str, max_cells: int | None) -> str:
    """Enough of ``text`` to fill ``max_cells`` cells: a megabyte is not
    sanitized to show a line of it."""
    if max_cells is not None and len(text) > 4 * max_cells + 64:
        return text[: 4 * max_cells + 64]
    return text


def plain(value: object, max_cells: int | None = None, style: str = "") -> Text:
    """One line of inert text, cut to ``max_cells`` cells (with "…")."""
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    return Text(safe_label(_head(text, max_cells), max_cells), style=style, end="")


def plain_block(value: object, max_cells: int | None = 400, max_lines: int = BLOCK_LINES) -> str:
    """Several lines of server text, each sanitized and bounded: for widgets
    that take a plain string with ``markup=False``, and for toasts."""
    text = value if isinstance(value, str) else str(value)
    lines = text.splitlines() or [""]
    kept = [safe_label(_head(line, max_cells), max_cells) for line in lines[:max_lines]]
    if len(lines) > max_lines:
        kept.append(f"… {len(lines) - max_lines:,} more lines")
    return "\n".join(kept)


def error_text(error: ArkerError) -> str:
    """An API error in words, safe for the terminal."""
    hints = {
        "conflict": "it clashes with something that exists",
        "not_found": "it does not exist (deleted elsewhere?)",
        "forbidden": "your key may not change it",
        "unauthorized": "the API key was refused",
        "resource_pressure": "the platform is busy; try again shortly",
        "unsupported_operation": "this backend does not support it",
        "not_implemented": "this backend does not support it",
        "network_error": "no answer from the server; submitting again is safe",
    }
    hint = hints.get(error.code)
    text = f"{error.code}: {error.message}" + (f" ({hint})" if hint else "")
    return safe_label(text, 400)
