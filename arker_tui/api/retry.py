"""When and how long to wait before retrying a request."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

RETRY_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How many times, and how long apart, a failed request is retried."""

    max_retries: int = 3
    base_delay: float = 0.25
    max_delay: float = 8.0
    # Longest Retry-After we will sit through inside one call; longer ones are
    # surfaced as an error so the caller (the repository) backs off instead.
    max_retry_after: float = 30.0

    def delay(self, attempt: int, retry_after: float | None, rand=random.random) -> float:
        """Exponential backoff with full jitter; never shorter than Retry-After."""
        backoff = min(self.max_delay, self.base_delay * (2**attempt)) * (0.5 + rand() / 2)
        return backoff if retry_after is None else retry_after


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After is seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
