"""``RunLog``: what is new in a run's output since the last poll.

The API returns the whole output on every poll. Re-diffing it would cost
O(size) in Python per poll; instead an unchanged raw field is skipped with
one string equality (a C memcmp), and a grown one is taken as an append when
its length grew and the old text's head and tail are found where they were.
Anything else is a replacement: the subscriber clears and re-renders.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..api.models import Run
from ..api.output import decode_output

HEAD = 256  # characters of the old text checked at the start of the new one
TAIL = 4096  # ... and at its end (where an append would join)


def is_extension(old: str, new: str) -> bool:
    """Whether ``new`` looks like ``old`` with text appended (sampled check)."""
    n = len(old)
    if len(new) < n:
        return False
    if n <= HEAD + TAIL:
        return new.startswith(old)
    return new.startswith(old[:HEAD]) and new.startswith(old[n - TAIL:], n - TAIL)


@dataclass
class StreamDelta:
    """What changed in one output stream since the last poll."""

    appended: str = ""
    replaced: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.appended) or self.replaced


class Stream:
    """One of stdout / stderr: its last raw field and its decoded text."""

    __slots__ = ("raw", "encoding", "text")

    def __init__(self) -> None:
        self.raw: str | None = None
        self.encoding: str | None = None
        self.text = ""

    def update(self, raw: str | None, encoding: str | None) -> StreamDelta:
        raw = raw or ""
        if raw == self.raw and encoding == self.encoding:
            return StreamDelta()  # the common case while a run is quiet
        text = decode_output(raw, encoding)
        old, first = self.text, self.raw is None
        self.raw, self.encoding, self.text = raw, encoding, text
        if first or is_extension(old, text):
            appended = text[len(old):]
            return StreamDelta(appended=appended)
        return StreamDelta(replaced=True)


@dataclass
class RunDelta:
    """What changed in a run's stdout and stderr since the last poll."""

    stdout_appended: str = ""
    stderr_appended: str = ""
    output_replaced: bool = False

    @property
    def output_changed(self) -> bool:
        return bool(self.stdout_appended or self.stderr_appended or self.output_replaced)


class RunLog:
    """Tracks one run's output across polls."""

    def __init__(self) -> None:
        self.stdout = Stream()
        self.stderr = Stream()

    @property
    def size(self) -> int:
        return len(self.stdout.text) + len(self.stderr.text)

    def update(self, run: Run) -> tuple[Run, RunDelta]:
        """The run with decoded text in stdout/stderr, and what is new."""
        out = self.stdout.update(run.stdout, run.stdout_encoding)
        err = self.stderr.update(run.stderr, run.stderr_encoding)
        decoded = run.model_copy(update={
            "stdout": self.stdout.text, "stdout_encoding": "utf-8",
            "stderr": self.stderr.text, "stderr_encoding": "utf-8",
        })
        if out.replaced or err.replaced:
            return decoded, RunDelta(output_replaced=True)
        return decoded, RunDelta(out.appended, err.appended)
