"""The repository: the only thing the UI asks for data (imports no Textual).

It caches one entry per ``Query``, refreshes what is subscribed on
per-kind intervals, shares in-flight requests, backs off on errors, polls
running runs and hands out only what changed (``ChangeEvent``).
"""

from .clock import Clock, FakeClock, MonotonicClock
from .entry import Entry
from .events import ChangeEvent
from .intervals import Intervals
from .query import Query
from .repository import Handle, Repository, Subscription
from .stats import RepositoryStats
from .watched import WatchedRun, WatchedRuns

__all__ = [
    "ChangeEvent",
    "Clock",
    "Entry",
    "FakeClock",
    "Handle",
    "Intervals",
    "MonotonicClock",
    "Query",
    "Repository",
    "RepositoryStats",
    "Subscription",
    "WatchedRun",
    "WatchedRuns",
]
