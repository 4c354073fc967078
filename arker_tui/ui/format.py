"""Formatting helpers shared by every view: times, sizes, states, safe text.

Every helper takes whatever the server sent (possibly missing, malformed or
hostile) and returns something printable: a parse failure degrades to "-",
an unknown enum value is shown as it is with a neutral ``?`` glyph, and text
from the server is stripped of control characters before it reaches the
terminal. Styled cells are rich ``Text`` with theme-agnostic style names.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import humanize
from rich.text import Text

DASH = "-"

# C0/C1 controls (ESC, BEL, CR, ...), DEL, and the bidi embedding/override/
# isolate controls, which can reorder what follows them on the terminal line.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_WHITESPACE_RUN = re.compile(r"[\t\n\r\v\f]+")


# --- safe text -------------------------------------------------------------------


def clean(text: Any) -> str:
    """``text`` as one printable line: tabs/newlines become spaces, controls go."""
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub("", _WHITESPACE_RUN.sub(" ", text))


def trim(text: Any, n: int) -> str:
    """A one-line, control-free ``text`` of at most ``n`` characters ("…" when cut)."""
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    if len(text) > 4 * n + 64:  # don't clean megabytes to show a few characters
        text = text[: 4 * n + 64]
    line = " ".join(clean(text).split())
    if n <= 0:
        return ""
    if len(line) > n:
        return line[: n - 1] + "…"
    return line


# --- times -----------------------------------------------------------------------


def parse_time(value: Any) -> datetime | None:
    """An aware datetime from an ISO string (or epoch seconds/ms); None if unparseable."""
    if value is None or isinstance(value, bool):
        return None
    try:
        if isinstance(value, datetime):
            dt = value
        elif isinstance(value, (int, float)):
            seconds = value / 1000 if abs(value) > 1e11 else value
            dt = datetime.fromtimestamp(seconds, timezone.utc)
        elif isinstance(value, str):
            text = value.strip()
            if not text:
                return None
            if text.endswith(("Z", "z")):
                text = text[:-1] + "+00:00"
            dt = datetime.fromisoformat(text)
        else:
            return None
    except (ValueError, OverflowError, OSError, TypeError):
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt


# What "now" is for relative times; tests pin it to make screens repeatable.
clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)


def _now(now: Any) -> datetime:
    return parse_time(now) or clock()


def ago(iso: Any, now: Any = None) -> str:
    """"3 minutes ago" (or "in 2 minutes"-style for the future); "-" if unknown."""
    dt = parse_time(iso)
    if dt is None:
        return DASH
    try:
        return humanize.naturaltime(_now(now) - dt)
    except (OverflowError, ValueError, TypeError):
        return DASH


def exact_time(iso: Any) -> str:
    """The instant in local time, e.g. "2026-11-29 16:50:13 UTC"; "-" if unknown."""
    dt = parse_time(iso)
    if dt is None:
        return DASH
    try:
        return dt.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z").strip()
    except (OverflowError, ValueError, OSError):
        return DASH


def format_seconds(seconds: float) -> str:
    """A compact duration: "14s", "4m 12s", "1h 02m", "3d 4h"."""
    total = max(0, int(seconds))
    if total < 60:
        return f"{total}s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h {minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h"


def duration(start_iso: Any, end_iso: Any = None, now: Any = None) -> str:
    """Time from start to end, or to now (ticking) when end is None; "-" if unknown."""
    start = parse_time(start_iso)
    if start is None:
        return DASH
    if end_iso is None:
        end = _now(now)
    else:
        parsed = parse_time(end_iso)
        if parsed is None:
            return DASH
        end = parsed
    try:
        delta: timedelta = end - start
    except (OverflowError, ValueError):
        return DASH
    return format_seconds(delta.total_seconds())


# --- sizes ------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return number


def _short(number: float) -> str:
    """2 -> "2", 1.5 -> "1.5", 1.25 -> "1.2"."""
    if number == int(number):
        return str(int(number))
    return f"{number:.1f}".rstrip("0").rstrip(".")


def mib(n: Any) -> str:
    """A size given in MiB: "512 MiB", "4 GiB", "1.5 GiB", "2 TiB"; "-" if unknown."""
    number = _number(n)
    if number is None:
        return DASH
    if abs(number) >= 1024 * 1024:
        return f"{_short(number / (1024 * 1024))} TiB"
    if abs(number) >= 1024:
        return f"{_short(number / 1024)} GiB"
    return f"{_short(number)} MiB"


def size_bytes(n: Any) -> str:
    """A byte count, binary units: "1.5 KiB", "3.0 GiB"; "-" if unknown."""
    number = _number(n)
    if number is None:
        return DASH
    try:
        return humanize.naturalsize(int(number), binary=True)
    except (ValueError, OverflowError, TypeError):
        return DASH


def cpu_mem(vm: Any) -> str:
    """vCPUs and memory at a glance: "2c 4G", "1c 512M"; "-" when both unknown."""
    vcpu = _number(getattr(vm, "vcpu_count", None))
    memory = _number(getattr(vm, "memory_mib", None))
    parts = []
    if vcpu is not None:
        parts.append(f"{_short(vcpu)}c")
    if memory is not None:
        if abs(memory) >= 1024:
            parts.append(f"{_short(memory / 1024)}G")
        else:
            parts.append(f"{_short(memory)}M")
    return " ".join(parts) or DASH


# --- states -------------------------------------------------------------------------

UNKNOWN_GLYPH = "?"
UNKNOWN_STYLE = ""

# state -> (glyph, style)
VM_STATE_LOOK: dict[str, tuple[str, str]] = {
    "idle": ("○", "dim"),
    "running": ("●", "green"),
}
SESSION_STATE_LOOK = VM_STATE_LOOK
PENDING_LOOK = ("⌛", "yellow")
RUN_STATE_LOOK: dict[str, tuple[str, str]] = {
    "running": ("●", "cyan"),
    "completed": ("✔", "green"),
    "failed": ("✖", "red"),
    "cancelled": ("⊘", "yellow dim"),
}
NONZERO_EXIT_STYLE = "yellow"
TUNNEL_STATE_LOOK: dict[str, tuple[str, str]] = {
    "starting": ("◌", "yellow"),
    "open": ("●", "green"),
    "closed": ("○", "dim"),
}


def _state_name(state: Any) -> str:
    return trim(state, 24) if state not in (None, "") else DASH


def _look(table: dict[str, tuple[str, str]], state: Any) -> tuple[str, str]:
    if isinstance(state, str) and state in table:
        return table[state]
    return UNKNOWN_GLYPH, UNKNOWN_STYLE


def _styled(glyph: str, name: str, style: str, label: bool) -> Text:
    return Text(f"{glyph} {name}" if label else glyph, style=style)


def vm_state(state: Any, *, pending: str | None = None, label: bool = True) -> Text:
    """A VM's state: "○ idle" dim, "● running" green; a pending delete wins:
    "⌛ deleting" yellow. Unknown states show as "? <state>"."""
    if pending:
        glyph, style = PENDING_LOOK
        return _styled(glyph, trim(pending, 24), style, label)
    glyph, style = _look(VM_STATE_LOOK, state)
    return _styled(glyph, _state_name(state), style, label)


def session_state(state: Any, *, pending: str | None = None, label: bool = True) -> Text:
    """A session's state: same look as a VM's."""
    return vm_state(state, pending=pending, label=label)


def _exit_number(exit_code: Any) -> int | None:
    if exit_code is None or isinstance(exit_code, bool):
        return None
    try:
        return int(exit_code)
    except (TypeError, ValueError, OverflowError):
        return None


def run_state(state: Any, exit_code: Any = None, *, label: bool = True) -> Text:
    """A run's state: "● running" cyan, "✔ completed" green (yellow when the
    program exited non-zero), "✖ failed" red, "⊘ cancelled" dim yellow."""
    glyph, style = _look(RUN_STATE_LOOK, state)
    if state == "completed":
        code = _exit_number(exit_code)
        if code is not None and code != 0:
            style = NONZERO_EXIT_STYLE
    return _styled(glyph, _state_name(state), style, label)


def exit_code(code: Any) -> Text:
    """An exit code cell: "-" when none, "0" green, anything else yellow."""
    if code is None:
        return Text(DASH, style="dim")
    number = _exit_number(code)
    if number is None:
        return Text(trim(code, 8))
    return Text(str(number), style="green" if number == 0 else NONZERO_EXIT_STYLE)


def tunnel_state(state: Any, *, label: bool = True) -> Text:
    """A tunnel's state: "◌ starting" yellow, "● open" green, "○ closed" dim."""
    glyph, style = _look(TUNNEL_STATE_LOOK, state)
    return _styled(glyph, _state_name(state), style, label)


def run_result(state: Any, exit_code: Any = None) -> Text:
    """A run's state as a result that reads right without colour: "● running",
    "✔ exit 0", "✖ exit 127" (a completed run whose program failed), "✖ failed"
    (the platform failed it), "⊘ cancelled"."""
    if state == "completed":
        code = _exit_number(exit_code)
        if code is None:
            return Text("✔ completed", style="green")
        return Text(f"✔ exit {code}", style="green") if code == 0 else Text(f"✖ exit {code}", style="bold red")
    return run_state(state, exit_code)
