"""``LineStore``: many lines of text held as a few large strings.

A run log holds up to 100,000 lines for as long as it is open, and they
arrive a few at a time, between the transient objects of every poll. Held
as one ``str`` each (a ``deque[str]``), every line is an object of its own
(49 bytes besides its text), and the small-object allocator cannot give
back an arena while one line still lives in it: over a day, the lines pin
memory far beyond their own size. Here lines are sealed in blocks of
``BLOCK`` lines, each one string joined with newlines plus an array of where
its lines start; only the newest, unsealed block is a list of strings.

It behaves as a ``deque[str]`` with a ``maxlen`` does for what the run log
and its search use: ``len``, iteration, ``store[i]``, ``extend`` (the
oldest lines go past ``maxlen``) and ``clear``. A line must not contain a
newline (the log's lines never do).
"""

from __future__ import annotations

from array import array
from collections import deque
from itertools import accumulate, islice
from typing import Iterable, Iterator

BLOCK = 256  # lines per sealed block


class LineStore:
    __slots__ = ("maxlen", "_blocks", "_tail", "_head", "_len")

    def __init__(self, lines: Iterable[str] = (), maxlen: int | None = None) -> None:
        self.maxlen = maxlen
        # Sealed blocks: (the block's lines joined by "\n", prefix sums of their lengths).
        self._blocks: deque[tuple[str, array]] = deque()
        self._tail: list[str] = []  # the newest lines, not sealed yet (fewer than BLOCK)
        self._head = 0  # lines of the first sealed block already dropped
        self._len = 0
        self.extend(lines)

    def __len__(self) -> int:
        return self._len

    def __bool__(self) -> bool:
        return self._len > 0

    def __getitem__(self, index: int) -> str:
        if index < 0:
            index += self._len
        if not 0 <= index < self._len:
            raise IndexError("line index out of range")
        at = index + self._head
        block, row = divmod(at, BLOCK)
        if block < len(self._blocks):
            text, sums = self._blocks[block]
            return text[sums[row] + row:sums[row + 1] + row]  # + row: the newlines before it
        return self._tail[at - len(self._blocks) * BLOCK]

    def __iter__(self) -> Iterator[str]:
        head = self._head
        for text, _ in list(self._blocks):
            lines = text.split("\n")
            yield from (islice(lines, head, None) if head else lines)
            head = 0
        yield from list(self._tail)

    def extend(self, lines: Iterable[str]) -> None:
        new = lines if isinstance(lines, list) else list(lines)
        if not new:
            return
        if self.maxlen is not None and len(new) > self.maxlen:
            new = new[-self.maxlen:]
        tail = self._tail
        tail.extend(new)
        self._len += len(new)
        while len(tail) >= BLOCK:
            sealed = tail[:BLOCK]
            del tail[:BLOCK]
            self._blocks.append(("\n".join(sealed), array("I", accumulate(map(len, sealed), initial=0))))
        if self.maxlen is not None and self._len > self.maxlen:
            self._drop(self._len - self.maxlen)

    def _drop(self, count: int) -> None:
        """Forget the oldest ``count`` lines."""
        self._len -= count
        blocks = self._blocks
        while count and blocks:
            left = BLOCK - self._head
            if count < left:
                self._head += count
                return
            blocks.popleft()
            count -= left
            self._head = 0
        if count:
            del self._tail[:count]

    def clear(self) -> None:
        self._blocks.clear()
        self._tail.clear()
        self._head = self._len = 0
