"""Switchable faults, set from tests (``emulator.faults.error_rate = 1.0``) or
over HTTP (``POST /_emulator/faults`` with a JSON object of these fields;
``DELETE /_emulator/faults`` resets them).

Applied to every ``/v1`` request whose path starts with ``path_prefix``
(when set), in this order: hang, latency, drop, error (incl. 429), and, after
the world answered, the hostile rewrites (``hostile``), then malformed body.

A dropped connection raises ``DroppedConnection`` inside the ASGI app. It
subclasses ``httpx.RemoteProtocolError`` (a ``httpx.TransportError``), and
``httpx.ASGITransport`` re-raises app exceptions as they are, so an in-process
client sees exactly what it would see from a server that closed the socket:
catch ``httpx.TransportError`` and report ``network_error``. (Served through
uvicorn, the server turns it into a closed connection / 500 instead.)
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, fields
from typing import Any

import httpx


class DroppedConnection(httpx.RemoteProtocolError):
    """The emulator 'closed the connection' without answering."""

    def __init__(self, message: str = "emulator dropped the connection") -> None:
        super().__init__(message)


@dataclass
class Faults:
    """The faults applied to matching requests (all off by default)."""

    latency: float = 0.0  # seconds added to every matching request (asyncio.sleep)
    error_rate: float = 0.0  # 0..1 chance of answering error_status instead
    error_status: int = 500
    error_code: str | None = None  # default: derived from error_status
    error_message: str | None = None  # default: "injected fault: HTTP <status>"
    retry_after: float | None = None  # seconds; sent as Retry-After on 429 (and 503)
    fail_next: int = 0  # the next N matching requests fail with error_status, then normal
    drop_rate: float = 0.0  # 0..1 chance of a dropped connection
    malformed_rate: float = 0.0  # 0..1 chance the 2xx body is truncated, non-JSON
    hang: bool = False  # never answer (sleeps hang_seconds)
    hang_seconds: float = 3600.0
    # Hostile answers (see ``hostile``): applied to 2xx answers.
    text_suffix: str | None = None  # appended to every shown string (markup, escapes)
    pad_bytes: int = 0  # an extra field this long in every answer (past the client's cap)
    huge_field_bytes: int = 0  # every VM gets a field "notes" this long
    endless_cursors: bool = False  # every list page is empty with a new next_cursor
    page_items: int = 0  # every list page holds this many items, whatever its limit
    path_prefix: str | None = None  # e.g. "/v1/vms" — only these paths are faulted
    methods: list[str] | None = None  # e.g. ["POST"]
    seed: int = 0
    _rng: random.Random = field(default_factory=random.Random, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._rng.seed(self.seed)

    def matches(self, method: str, path: str) -> bool:
        if self.path_prefix and not path.startswith(self.path_prefix):
            return False
        if self.methods and method.upper() not in {m.upper() for m in self.methods}:
            return False
        return True

    def roll(self, rate: float) -> bool:
        if rate <= 0:
            return False
        return rate >= 1 or self._rng.random() < rate

    def take_error(self) -> bool:
        if self.fail_next > 0:
            self.fail_next -= 1
            return True
        return self.roll(self.error_rate)

    @property
    def active(self) -> bool:
        return bool(self.latency or self.error_rate or self.fail_next or self.drop_rate
                    or self.malformed_rate or self.hang or self.hostile)

    @property
    def hostile(self) -> bool:
        """Whether any fault rewrites successful answers (see ``hostile``)."""
        return bool(self.text_suffix or self.pad_bytes or self.huge_field_bytes or self.endless_cursors
                    or self.page_items)

    def reset(self) -> None:
        fresh = Faults()
        for f in fields(self):
            setattr(self, f.name, getattr(fresh, f.name))

    def update(self, values: dict[str, Any]) -> None:
        known = {f.name: f for f in fields(self) if not f.name.startswith("_")}
        for name, value in values.items():
            if name not in known:
                raise ValueError(f"{name}: unknown fault")
            setattr(self, name, value)
        if "seed" in values:
            self.__post_init__()

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}
