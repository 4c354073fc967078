"""How old shown data is and when it is refreshed next, in words.

"34 s old · next in 12 s". The status bar (of the VM list) and each pane
title say it when it matters: the data is ``NOTABLE`` seconds old or more
(a pause, a failing server), or its refresh is slower than configured and
``NOTABLE`` seconds or more apart (a list stretched by its budget, a backoff). A list on its usual interval is
not a ticking counter; the status bar then says only "2 s ago".
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


def notable_staleness(repo: Any, entry: Any, *, say_paused: bool = True) -> str:
    """``staleness`` of a repository entry when it matters (see the module
    doc), else "". ``say_paused``: end with "paused" while paused (the
    status bar says that on its own)."""
    if entry is None or entry.fetched_at is None:
        return ""
    now = repo.clock.now()
    interval = repo.interval(entry.query)
    # Slowed down to NOTABLE seconds or more (a 0.2 s interval held to 1 s by a cap is not news).
    slowed = interval is not None and interval >= NOTABLE and interval > repo.intervals.base(entry.query) + 1e-6
    if now - entry.fetched_at < NOTABLE and not slowed:
        return ""
    return staleness(entry, now, paused=repo.paused and say_paused)


def output_polling(repo: Any, query: Any) -> str:
    """"output 50.0 MB · polled every 50 s" for a followed run whose poll
    interval its output budget stretched (the whole output comes with every
    poll), else "". ``r`` still fetches at once."""
    entry = repo.peek(query)
    interval = repo.interval(query) if entry is not None else None
    # Only a real slow-down is news (seconds apart, twice the usual at least).
    if entry is None or entry.cost is None or interval is None or interval < max(3.0, 2 * repo.intervals.running_run):
        return ""
    return f"output {entry.cost.bytes / 1_000_000:.1f} MB · polled every {seconds(interval)} · r now"
