"""Numbers behind the org activity view: status filter parsing, latency
formatting and per-time-bucket request counts and latency percentiles.
No Textual import: plain functions, tested on their own."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

# Bucket widths the sparklines may use (ms): the smallest that keeps the
# shown window within MAX_BUCKETS buckets is chosen, so labels read "2 min".
NICE_BUCKETS_MS = (
    10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000,
    3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000,
)
MAX_BUCKETS = 40


class StatusFilterError(ValueError):
    pass


_STATUS_HELP = "expected e.g. 404, 4xx, 500-599, >=500, error, ok or a comma list (429,503)"


def _code(text: str) -> int:
    if not text.isdigit() or not 100 <= int(text) <= 599:
        raise StatusFilterError(f"status: {text!r} is not an HTTP status (100-599); {_STATUS_HELP}")
    return int(text)


def parse_status(text: str) -> dict[str, Any]:
    """A status filter as the API's query parameters (``status_min``,
    ``status_max`` or a ``status`` list). Raises StatusFilterError in words."""
    spec = text.strip().lower().replace(" ", "")
    if not spec:
        return {}
    if spec == "error":
        return {"status_min": 400}
    if spec == "ok":
        return {"status_max": 399}
    if "," in spec:
        parts = [p for p in spec.split(",") if p]
        for part in parts:
            if not re.fullmatch(r"[1-5]xx", part):
                _code(part)
        return {"status": parts}
    if re.fullmatch(r"[1-5]xx", spec):
        low = int(spec[0]) * 100
        return {"status_min": low, "status_max": low + 99}
    match = re.fullmatch(r"(>=|<=|>|<)(\d+)", spec)
    if match:
        op, code = match[1], _code(match[2])
        return {">=": {"status_min": code}, ">": {"status_min": code + 1},
                "<=": {"status_max": code}, "<": {"status_max": code - 1}}[op]
    match = re.fullmatch(r"(\d+)-(\d+)", spec)
    if match:
        low, high = _code(match[1]), _code(match[2])
        if low > high:
            raise StatusFilterError(f"status: {low}-{high} is an empty range (the first number is larger)")
        return {"status_min": low, "status_max": high}
    if spec.endswith("+"):
        return {"status_min": _code(spec[:-1])}
    single = _code(spec) if spec.isdigit() else None
    if single is None:
        raise StatusFilterError(f"status: cannot read {text.strip()!r}; {_STATUS_HELP}")
    return {"status_min": single, "status_max": single}


def latency(ms: float | None) -> str:
    """"180 ms", "1.2 s", "2m 05s"; "-" when unknown."""
    if ms is None or isinstance(ms, bool) or not math.isfinite(ms):
        return "-"
    if ms < 1000:
        return f"{ms:.0f} ms"
    seconds = ms / 1000
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m {secs:02d}s"


def bucket_label(ms: int) -> str:
    seconds = ms // 1000
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86_400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86_400} d"


def percentile(sorted_values: list[float], q: float) -> float | None:
    """Nearest-rank percentile of an ascending list (None when empty)."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


@dataclass
class ActivitySummary:
    count: int = 0
    errors: int = 0  # HTTP status >= 400
    p50: float | None = None
    p95: float | None = None
    start_ms: int = 0
    end_ms: int = 0
    bucket_ms: int = NICE_BUCKETS_MS[0]
    counts: list[int] = field(default_factory=list)
    p50s: list[float] = field(default_factory=list)
    p95s: list[float] = field(default_factory=list)

    @property
    def headline(self) -> str:
        """"42 req · p50 180 ms · p95 1.2 s · 3 errors"."""
        if not self.count:
            return "0 req"
        errors = f" · {self.errors} error{'s' if self.errors != 1 else ''}" if self.errors else ""
        return f"{self.count} req · p50 {latency(self.p50)} · p95 {latency(self.p95)}{errors}"

    @property
    def window(self) -> str:
        if not self.count:
            return ""
        span = max(self.end_ms - self.start_ms, self.bucket_ms)
        return f"over {bucket_label(_round_span(span))} · {len(self.counts)} buckets of {bucket_label(self.bucket_ms)}"


def _round_span(ms: int) -> int:
    for unit in (86_400_000, 3_600_000, 60_000, 1000):
        if ms >= unit:
            return round(ms / unit) * unit
    return ms


def summarize(rows: Iterable[Any], max_buckets: int = MAX_BUCKETS) -> ActivitySummary:
    """Request count and total-latency p50/p95 per time bucket over the
    window the rows cover (oldest to newest ``t_ms``)."""
    rows = [r for r in rows if getattr(r, "t_ms", None)]
    if not rows:
        return ActivitySummary()
    times = [r.t_ms for r in rows]
    first, last = min(times), max(times)
    span = max(1, last - first + 1)
    bucket = next((b for b in NICE_BUCKETS_MS if span / b <= max_buckets), NICE_BUCKETS_MS[-1])
    start = first - first % bucket
    n = max(1, (last - start) // bucket + 1)
    per_bucket: list[list[float]] = [[] for _ in range(n)]
    for row in rows:
        per_bucket[min(n - 1, (row.t_ms - start) // bucket)].append(float(row.total_ms or 0))
    for values in per_bucket:
        values.sort()
    everything = sorted(float(r.total_ms or 0) for r in rows)
    return ActivitySummary(
        count=len(rows),
        errors=sum(1 for r in rows if (r.status or 0) >= 400),
        p50=percentile(everything, 50),
        p95=percentile(everything, 95),
        start_ms=start,
        end_ms=last,
        bucket_ms=bucket,
        counts=[len(v) for v in per_bucket],
        p50s=[percentile(v, 50) or 0.0 for v in per_bucket],
        p95s=[percentile(v, 95) or 0.0 for v in per_bucket],
    )
