"""Searching a run log: the query, its matcher, and the searchable text.

Pure (no Textual): ``RunLog`` feeds it the plain text of its lines and asks
it how many matches there are, which lines match (the filter) and where the
next / previous match is. Built for 100,000 held lines:

- the lines are joined once into one text (and its lower-case twin, for the
  default case-insensitive search) and counted with ``str.count`` or one
  ``findall``: C speed, a few milliseconds per keystroke;
- output that arrives (or is dropped by the cap) while searching changes the
  count by what those lines hold, without a full recount;
- a match never spans lines (the text is joined with newlines; a regular
  expression that could cross one is counted line by line).

A query that cannot be compiled, or that matches empty text, is reported as
an ``error`` string; nothing here raises on user input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice
from typing import Iterable, Sequence

from .line_store import LineStore

Match = tuple[int, int]  # (absolute line number, occurrence within the line)

# What in a regular expression may match a line break: an escape other than
# \d \w \S \b \B \A \Z or escaped punctuation (\s, \n, \W, \D, \x0a, ...), a
# negated class, the s (dotall) flag. Without any, no hit crosses a line and
# counting needs no look at each hit.
_MAY_CROSS_LINES = re.compile(r"\\[^dwSbBAZ.^$*+?{}()\[\]|/\-=:!<>#&~%@,;'\"` ]|\[\^|\(\?[a-zA-Z]*s|\n")


@dataclass(frozen=True)
class Query:
    text: str = ""
    regex: bool = False  # a regular expression, else a substring
    case: bool = False  # case-sensitive, else not (the default)


_METACHARACTERS = frozenset(".^$*+?{}[]|()")


def _literal(pattern: str) -> str | None:
    """The plain text a regular expression matches when it is only that
    (``loss=0\\.3`` is ``loss=0.3``), else None. Typing an expression goes
    through such prefixes, and ``str.count`` is much faster than ``findall``."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            following = pattern[i + 1: i + 2]
            if not following or following.isalnum() or following.isspace():
                return None  # \d, \s, \1, a trailing backslash: not plain text
            out.append(following)
            i += 2
            continue
        if char in _METACHARACTERS or char == "\n":
            return None
        out.append(char)
        i += 1
    return "".join(out)


class Matcher:
    """Finds one query in plain text; ``error`` says why it cannot."""

    def __init__(self, query: Query) -> None:
        self.query = query
        self.error: str | None = None
        self.needle = ""  # substring mode: what str.count / str.find look for
        self.pattern: re.Pattern[str] | None = None  # regex mode, on the original text
        self.fast: re.Pattern[str] | None = None  # regex mode, case-insensitive, on lower-cased text
        self.lower = not query.case  # counts run on the lower-cased text
        self.within_lines = True  # no match can hold a line break (so no per-hit check)
        self.literal = ""  # the text a substring search looks for
        text = query.text
        if not text:
            self.error = "type something to search for"
            return
        if "\n" in text and not query.regex:
            self.error = "a line break never matches: each line is searched on its own"
            return
        literal = text if not query.regex else _literal(text)
        if literal is not None:  # plain text (or an expression that only says plain text): str.count
            self.literal = literal
            self.needle = literal if query.case else literal.lower()
            return
        flags = re.MULTILINE | (0 if query.case else re.IGNORECASE)
        try:
            self.pattern = re.compile(text, flags)
        except (re.error, RecursionError, OverflowError, ValueError) as error:
            self.error = f"bad regular expression: {error}"
            return
        self.within_lines = not _MAY_CROSS_LINES.search(text)
        if self.pattern.search("") is not None:
            self.pattern = None
            self.error = "this expression matches empty text: make it match at least one character"
            return
        # re.IGNORECASE is ~10x slower than a plain scan; a pattern with no
        # upper-case letter (so no \D \W \S \B \A \Z either) means the same on
        # lower-cased text without the flag.
        if not query.case and text == text.lower():
            self.fast = re.compile(text, re.MULTILINE)
        elif query.case:
            self.lower = False
        else:
            self.lower = False  # re.IGNORECASE on the original text

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def scanner(self) -> re.Pattern[str]:
        """The compiled pattern the counts use (regex mode)."""
        pattern = self.fast or self.pattern
        assert pattern is not None
        return pattern

    def count(self, text: str, start: int = 0, end: int | None = None) -> int:
        """Matches in ``text`` (the lower-cased text when ``lower``) between offsets."""
        if self.error:
            return 0
        end = len(text) if end is None else end
        if self.needle:
            return text.count(self.needle, start, end)
        pattern = self.scanner
        found = pattern.findall(text, start, end)
        if self.within_lines or (pattern.groups == 0 and not any("\n" in hit for hit in found)):
            return len(found)
        # A hit across a line break (or groups hiding it): count line by line.
        return sum(len(pattern.findall(line)) for line in text[start:end].split("\n"))

    def search(self, text: str, start: int, end: int | None = None) -> int:
        """Offset of the first match at or after ``start`` (-1: none)."""
        if self.error:
            return -1
        end = len(text) if end is None else end
        if self.needle:
            return text.find(self.needle, start, end)
        pattern = self.scanner
        found = pattern.search(text, start, end)
        while found is not None and "\n" in found.group():
            found = pattern.search(text, found.start() + 1, end)
        return found.start() if found is not None else -1

    def spans(self, line: str) -> list[tuple[int, int]]:
        """(start, end) character offsets of every match in one line (for highlights)."""
        if self.error or not line:
            return []
        if self.needle:
            hay = line if self.query.case else line.lower()
            if len(hay) != len(line):  # a character whose lower case is longer: offsets would drift
                return [m.span() for m in re.finditer(re.escape(self.literal), line, re.IGNORECASE)]
            size = len(self.needle)
            out, at = [], hay.find(self.needle)
            while at >= 0:
                out.append((at, at + size))
                at = hay.find(self.needle, at + size)
            return out
        assert self.pattern is not None
        return [m.span() for m in self.pattern.finditer(line) if m.end() > m.start()]

    def matches(self, line: str) -> bool:
        if self.error or not line:
            return False
        if self.needle:
            return self.needle in (line if self.query.case else line.lower())
        assert self.pattern is not None
        return self.pattern.search(line) is not None


class Corpus:
    """The plain text of the held lines, kept in step with the log.

    ``first`` is the absolute number of the first held line (lines dropped
    by the cap before it). The joined text, its lower-cased twin and the
    line offsets are built on demand and kept until the lines change.
    """

    def __init__(self, lines: Iterable[str], first: int, cap: int) -> None:
        self.lines = LineStore(lines, maxlen=max(1, cap))
        self.first = first
        self._cache: dict[object, object] = {}

    def __len__(self) -> int:
        return len(self.lines)

    def extend(self, lines: Sequence[str]) -> tuple[Sequence[str], list[str]]:
        """Add lines; returns (the lines kept, the held lines the cap pushed out)."""
        cap = self.lines.maxlen or 1
        if len(lines) > cap:
            self.first += len(lines) - cap
            lines = lines[-cap:]
        overflow = len(self.lines) + len(lines) - cap
        dropped = list(islice(self.lines, overflow)) if overflow > 0 else []
        self.first += len(dropped)
        self.lines.extend(lines)
        self._cache.clear()
        return lines, dropped

    def text(self, lower: bool) -> str:
        key = ("text", lower)
        text = self._cache.get(key)
        if text is None:
            text = self._cache[key] = self.text(False).lower() if lower else "\n".join(self.lines)
        return text  # type: ignore[return-value]

    def lower_lines(self) -> Sequence[str]:
        lines = self._cache.get("lower lines")
        if lines is None:
            lines = self._cache["lower lines"] = self.text(True).split("\n") if self.lines else []
        return lines  # type: ignore[return-value]

    def offset_of(self, index: int, lower: bool) -> int:
        """Where held line ``index`` starts in ``text(lower)`` (C-speed joins, no offset table)."""
        if index <= 0:
            return 0
        if index >= len(self.lines):
            return len(self.text(lower)) + 1
        key = ("offset", index, lower)
        offset = self._cache.get(key)
        if offset is None:
            lines = self.lines if not lower or self.text(False).isascii() else self.lower_lines()
            offset = self._cache[key] = len("\n".join(islice(lines, index))) + 1
        return offset  # type: ignore[return-value]

    def line_of(self, offset: int, lower: bool) -> int:
        """The held line that ``offset`` of ``text(lower)`` is on."""
        return self.text(lower).count("\n", 0, offset)


class LogSearch:
    """One search over a log: its query, match count, current match and filter."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.query = Query()
        self.matcher = Matcher(self.query)
        self.filter = False  # show only matching lines
        self.total = 0  # matches in the held lines
        self.current: Match | None = None  # the match n / N moved to

    @property
    def error(self) -> str | None:
        return self.matcher.error if self.query.text else None

    @property
    def active(self) -> bool:
        """A query that can match (an empty or bad one highlights nothing)."""
        return self.matcher.ok

    def set_query(self, query: Query) -> None:
        """Compile and count (a bad query leaves no matches and says why)."""
        self.query = query
        self.matcher = Matcher(query)
        self.current = None
        self.total = self._count(self.corpus.text(self.matcher.lower)) if self.corpus.lines else 0

    def _count(self, text: str, start: int = 0, end: int | None = None) -> int:
        return self.matcher.count(text, start, end) if self.matcher.ok else 0

    def _count_lines(self, lines: Sequence[str]) -> int:
        if not self.matcher.ok or not lines:
            return 0
        text = "\n".join(lines)
        return self._count(text.lower() if self.matcher.lower else text)

    def extend(self, lines: Sequence[str]) -> None:
        """New plain lines arrived: the count follows them, and the cap's drops."""
        kept, dropped = self.corpus.extend(lines)
        self.total += self._count_lines(kept) - self._count_lines(dropped)
        if self.current is not None and self.current[0] < self.corpus.first:
            self.current = None

    # --- lines ------------------------------------------------------------------------

    def matching_lines(self) -> list[int]:
        """Absolute numbers of the held lines with a match (the filter's lines)."""
        matcher = self.matcher
        if not matcher.ok:
            return []
        first = self.corpus.first
        if matcher.needle:
            needle = matcher.needle
            lines: Iterable[str] = self.corpus.lower_lines() if matcher.lower else self.corpus.lines
            return [first + i for i, line in enumerate(lines) if needle in line]
        pattern = matcher.scanner
        lines = self.corpus.lower_lines() if matcher.fast is not None else self.corpus.lines
        search = pattern.search
        return [first + i for i, line in enumerate(lines) if search(line)]

    def line_matches(self, line: str) -> bool:
        return self.matcher.matches(line)

    # --- moving between matches ----------------------------------------------------------

    def _occurrences(self, index: int) -> int:
        return len(self.matcher.spans(self.corpus.lines[index]))

    def _forward(self, index: int) -> Match | None:
        """The first match on held line ``index`` or below."""
        if not self.matcher.ok or index >= len(self.corpus):
            return None
        lower = self.matcher.lower
        at = self.matcher.search(self.corpus.text(lower), self.corpus.offset_of(index, lower))
        return (self.corpus.first + self.corpus.line_of(at, lower), 0) if at >= 0 else None

    def _backward(self, index: int) -> Match | None:
        """The last match on a held line above ``index``."""
        if not self.matcher.ok or index <= 0:
            return None
        lower = self.matcher.lower
        index = min(index, len(self.corpus))
        if self.matcher.needle:
            text = self.corpus.text(lower)
            end = self.corpus.offset_of(index, lower) if index < len(self.corpus) else len(text)
            at = text.rfind(self.matcher.needle, 0, end)
            if at < 0:
                return None
            line = self.corpus.line_of(at, lower)
        else:
            lines = self.corpus.lower_lines() if self.matcher.fast is not None else self.corpus.lines
            search = self.matcher.scanner.search
            line = next((i for i in range(index - 1, -1, -1) if search(lines[i])), -1)
            if line < 0:
                return None
        return self.corpus.first + line, max(0, self._occurrences(line) - 1)

    def first_from(self, line: int) -> tuple[Match | None, bool]:
        """The first match on or below absolute ``line``, else from the top: (match, wrapped)."""
        found = self._forward(max(0, line - self.corpus.first))
        return (found, False) if found is not None else (self._forward(0), line > self.corpus.first)

    def step(self, forward: bool, origin_line: int) -> tuple[Match | None, bool]:
        """The next (or previous) match from the current one, else from
        ``origin_line``; wraps around: (match, wrapped)."""
        first = self.corpus.first
        if self.current is None:
            index = max(0, origin_line - first)
            found = self._forward(index) if forward else self._backward(index + 1)
        else:
            index, occurrence = self.current[0] - first, self.current[1]
            if forward:
                found = (self.current[0], occurrence + 1) if occurrence + 1 < self._occurrences(index) \
                    else self._forward(index + 1)
            else:
                found = (self.current[0], occurrence - 1) if occurrence > 0 else self._backward(index)
        if found is not None:
            return found, False
        return (self._forward(0) if forward else self._backward(len(self.corpus))), True

    def ordinal(self, match: Match) -> int:
        """1-based position of ``match`` among all held matches ("match 3 of 41")."""
        index = match[0] - self.corpus.first
        if not self.matcher.ok or not 0 <= index < len(self.corpus):
            return 0
        lower = self.matcher.lower
        start = self.corpus.offset_of(index, lower)
        text = self.corpus.text(lower)
        if start > len(text) // 2:  # count the shorter side: matches after the line start
            before = self.total - self._count(text, start)
        else:
            before = self._count(text, 0, start)
        return before + match[1] + 1
