"""``AppFooter``: Textual's ``Footer`` without its memory leak.

``Footer`` recomposes whenever the active bindings change (every focus move,
every screen change, every pane switch) and binds each new ``FooterKey`` to
its own ``compact`` reactive with ``data_bind``. Each binding appends a
``(footer_key, setter)`` pair to the footer's watcher list for ``compact``,
and Textual (8.2) only drops the pairs of removed keys when ``compact``
itself changes, which in this app it never does. So every key press that
moved focus kept the six to ten keys of the old footer alive, with their
styles, render caches and message queues: about 5 MiB per simulated minute
in the soak (``benchmarks/soak.py``), all of it unreachable from the screen.

Before composing new keys, this footer drops the watchers whose node has
closed (the keys the recompose just removed), the same test Textual applies
when the value changes, and empties those keys' render caches.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer

WATCHERS = "__watchers"  # where textual.reactive keeps watch() callbacks (setattr with this literal name)


def prune_closed_watchers(node: object) -> int:
    """Drop the watchers of ``node`` whose watching node has closed; how many."""
    watchers = getattr(node, WATCHERS, None)
    if not isinstance(watchers, dict):
        return 0
    dropped = 0
    for entries in watchers.values():
        alive = []
        for reactable, callback in entries:
            if getattr(reactable, "_closing", False) or getattr(reactable, "_closed", False):
                dropped += 1
                # Textual's ``StylesCache.get_inner_outer`` is an lru_cache(1024)
                # keyed by the cache object itself, so the last 1,024 removed
                # widgets' caches stay alive: empty this one's rendered lines.
                styles_cache = getattr(reactable, "_styles_cache", None)
                if styles_cache is not None:
                    styles_cache.clear()
            else:
                alive.append((reactable, callback))
        entries[:] = alive
    return dropped


class AppFooter(Footer):
    def compose(self) -> ComposeResult:
        prune_closed_watchers(self)
        yield from super().compose()
