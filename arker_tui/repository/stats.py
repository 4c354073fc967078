"""``RepositoryStats``: the counters the status bar and the tests read."""

from __future__ import annotations

from dataclasses import dataclass

from ..api.errors import ArkerError


@dataclass
class RepositoryStats:
    """Counters of fetches made and fetches saved."""

    requests: int = 0  # fetches started (one per query refresh; a paged list counts once)
    saved_by_cache: int = 0  # get() answered from a fresh entry, no request
    saved_by_single_flight: int = 0  # a reader joined a fetch already in flight
    errors: int = 0  # fetches that failed
    mutations: int = 0  # mutations sent (cancel, delete, create, ...)
    mutation_errors: int = 0
    in_flight: int = 0  # fetches running now
    last_latency: float | None = None  # seconds, of the last finished fetch
    last_error: ArkerError | None = None
    last_success_at: float | None = None  # repository clock time
