"""How old shown data is and when it is refreshed next, in words.

"34 s old · next in 12 s". The status bar always says it of the VM list;
a pane title says it only when it matters (``NOTABLE`` seconds or more: a
list slowed down by its budget, a backoff, a pause), so a pane on its fast
interval is not a ticking counter.
"""

from __future__ import annotations

from typing import Any

NOTABLE = 10.0  # seconds of age or of wait from which a pane title says them


def seconds(value: float) -> str:
    """A short duration: "34 s", "5 min", "1.2 h"."""
    value = max(0.0, value)
    if value < 60:
        return f"{value:.0f} s"
    if value < 3600:
        return f"{value / 60:.0f} min"
    return f"{value / 3600:.1f} h"


def staleness(entry: Any, now: float, *, paused: bool) -> str:
    """"34 s old · next in 12 s" for a repository entry; "" before any data."""
    if entry is None or entry.fetched_at is None:
        return ""
    words = f"{seconds(now - entry.fetched_at)} old"
    if entry.loading:
        return f"{words} · refreshing"
    if entry.next_refresh_at is not None:
        return f"{words} · next in {seconds(entry.next_refresh_at - now)}"
    if paused:
        return f"{words} · paused"
    return words


def notable_staleness(entry: Any, now: float, *, paused: bool) -> str:
    """``staleness`` when the data is old or its next refresh far, else ""."""
    if entry is None or entry.fetched_at is None:
        return ""
    age = now - entry.fetched_at
    wait = entry.next_refresh_at - now if entry.next_refresh_at is not None else 0.0
    if age < NOTABLE and wait < NOTABLE:
        return ""
    return staleness(entry, now, paused=paused)


def output_polling(repo: Any, query: Any) -> str:
    """"output 50.0 MB · polled every 50 s" for a followed run whose poll
    interval its output budget stretched (the whole output comes with every
    poll), else "". ``r`` still fetches at once."""
    entry = repo.peek(query)
    interval = repo.interval(query) if entry is not None else None
    if entry is None or entry.cost is None or interval is None or interval <= repo.intervals.running_run:
        return ""
    return f"output {entry.cost.bytes / 1_000_000:.1f} MB · polled every {seconds(interval)} · r now"
