"""Filter expressions of the `/` line: plain words and ``key<op>value`` terms.

``parse(text, FIELDS)`` turns ``state:idle age>7d api`` into an ``Expression``:
every term must hold and every plain word must be a substring of the row's
text (AND). A term that does not parse raises ``FilterTermError`` naming the
term: the caller keeps the list as it was and shows the message, it never
falls back to matching the term as a substring.

Pure: no Textual, no clock of its own (``matches`` is given ``now``), so it is
unit-tested directly and costs a few closures per keystroke.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from datetime import datetime, timezone
from fnmatch import fnmatchcase
from functools import lru_cache
from operator import attrgetter
from typing import Any, Callable, Mapping

Predicate = Callable[[Any, float], bool]  # (item, now in epoch seconds) -> kept

# Longest first: ">=" must not be read as ">" then "=value".
OPERATORS = (">=", "<=", "!=", ">", "<", "=", ":")
_TERM = re.compile(r"^([a-z_]+)(>=|<=|!=|>|<|=|:)(.*)$", re.IGNORECASE)
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(s|m|h|d|w)$", re.IGNORECASE)
_SIZE = re.compile(r"^(\d+(?:\.\d+)?)(k|m|g|t)(?:i?b)?$", re.IGNORECASE)
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_MIB = {"k": 1 / 1024, "m": 1, "g": 1024, "t": 1024 * 1024}
_TRUE, _FALSE = ("true", "yes", "1"), ("false", "no", "0")


class FilterTermError(ValueError):
    """A term that does not parse; ``term`` is the term as typed."""

    def __init__(self, term: str, reason: str) -> None:
        super().__init__(f"{term}: {reason}")
        self.term = term
        self.reason = reason


@dataclass(frozen=True)
class Field:
    """A key of the filter line: what it reads and how its value is written."""

    key: str
    kind: str  # text, glob, number, size, age, bool
    get: Callable[[Any], Any]
    example: str
    help: str

    @property
    def operators(self) -> tuple[str, ...]:
        if self.kind in ("number", "size"):
            return (">=", "<=", ">", "<", "=", ":", "!=")
        if self.kind == "age":
            return (">", "<", ">=", "<=")
        return (":", "=", "!=")


@dataclass(frozen=True)
class Expression:
    """Plain words (lower case, each a substring) and compiled terms."""

    text: str = ""
    words: tuple[str, ...] = ()
    predicates: tuple[Predicate, ...] = field(default=(), compare=False)

    def __bool__(self) -> bool:
        return bool(self.words or self.predicates)

    @property
    def has_terms(self) -> bool:
        return bool(self.predicates)

    def matches_words(self, text: str) -> bool:
        """``text``: the row's searchable text, lower case."""
        return all(word in text for word in self.words)

    def matches(self, item: Any, text: str, now: float) -> bool:
        if not all(word in text for word in self.words):
            return False
        return all(predicate(item, now) for predicate in self.predicates)


EMPTY = Expression()


# --- values ---------------------------------------------------------------------------


def parse_number(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise ValueError("a number") from None


def parse_duration(value: str) -> float:
    """``30m`` -> 1800.0 seconds (s m h d w)."""
    match = _DURATION.match(value.strip())
    if not match:
        raise ValueError("a duration like 30m, 2h or 7d")
    return float(match.group(1)) * _SECONDS[match.group(2).lower()]


def parse_size_mib(value: str) -> float:
    """``8G`` -> 8192.0 MiB (K M G T, with or without B / iB)."""
    match = _SIZE.match(value.strip())
    if not match:
        raise ValueError("a size like 512M or 8G")
    return float(match.group(1)) * _MIB[match.group(2).lower()]


@lru_cache(maxsize=65536)
def epoch(iso: str | None) -> float | None:
    """Epoch seconds of an ISO time (cached: rows keep their timestamps)."""
    if not iso:
        return None
    text = iso.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


def _compare(op: str, left: float, right: float) -> bool:
    if op == ">=":
        return left >= right
    if op == "<=":
        return left <= right
    if op == ">":
        return left > right
    if op == "<":
        return left < right
    if op == "!=":
        return left != right
    return left == right


# --- terms ----------------------------------------------------------------------------


def _text_predicate(f: Field, op: str, value: str) -> Predicate:
    get, wanted = f.get, value.casefold()
    glob = f.kind == "glob" or any(c in value for c in "*?[")
    substring = f.kind == "substring" and not glob
    negate = op == "!="

    # Called once per row per keystroke: the cheapest test for each kind.
    if substring:
        def holds(item: Any, now: float) -> bool:
            actual = get(item)
            return (wanted in str(actual).casefold() if actual is not None else False) != negate
    elif glob:
        def holds(item: Any, now: float) -> bool:
            actual = get(item)
            return fnmatchcase(str(actual).casefold() if actual is not None else "", wanted) != negate
    else:
        def holds(item: Any, now: float) -> bool:
            actual = get(item)
            if actual is None:
                return negate
            return (actual == value or str(actual).casefold() == wanted) != negate
    return holds


def _number_predicate(f: Field, op: str, right: float) -> Predicate:
    get = f.get

    def holds(item: Any, now: float) -> bool:
        value = get(item)
        if value is None or isinstance(value, bool):
            return False  # unknown never matches a comparison (exit!=0 skips running runs)
        try:
            return _compare(op, float(value), right)
        except (TypeError, ValueError):
            return False

    return holds


def _age_predicate(f: Field, op: str, seconds: float) -> Predicate:
    get = f.get

    def holds(item: Any, now: float) -> bool:
        when = epoch(get(item))
        return when is not None and _compare(op, now - when, seconds)

    return holds


def _term(term: str, fields: Mapping[str, Field]) -> Predicate:
    match = _TERM.match(term)
    if match is None:
        raise FilterTermError(term, "not a term")
    key, op, value = match.group(1).lower(), match.group(2), match.group(3)
    f = fields.get(key)
    if f is None:
        raise FilterTermError(term, f"unknown key {key!r}; ? lists the terms")
    if op not in f.operators:
        raise FilterTermError(term, f"{key} takes {' '.join(f.operators)}, like {f.example}")
    if value == "":
        raise FilterTermError(term, f"no value, like {f.example}")
    if f.kind in ("text", "glob", "substring"):
        return _text_predicate(f, op, value)
    if f.kind == "bool":
        lowered = value.lower()
        if lowered not in _TRUE + _FALSE:
            raise FilterTermError(term, f"{key} is true or false, like {f.example}")
        wanted = lowered in _TRUE
        get = f.get
        if op == "!=":
            return lambda item, now: bool(get(item)) != wanted
        return lambda item, now: bool(get(item)) == wanted
    op = "=" if op == ":" else op
    try:
        if f.kind == "number":
            right = parse_number(value)
        elif f.kind == "size":
            right = parse_size_mib(value)
        else:
            right = parse_duration(value)
    except ValueError as error:
        raise FilterTermError(term, f"{key} wants {error}, like {f.example}") from None
    if f.kind == "age":
        return _age_predicate(f, op, right)
    return _number_predicate(f, op, right)


def is_term(word: str) -> bool:
    """Looks like ``key<op>...`` (then it must parse; it is never a substring)."""
    return any(op in word for op in OPERATORS)


def parse(text: str, fields: Mapping[str, Field]) -> Expression:
    """The expression of the filter line; raises ``FilterTermError``."""
    stripped = text.strip()
    if not stripped:
        return EMPTY
    try:
        parts = shlex.split(stripped)
    except ValueError:
        raise FilterTermError(stripped.rsplit(" ", 1)[-1], "a quote is not closed") from None
    words: list[str] = []
    predicates: list[Predicate] = []
    for part in parts:
        if part == "?":
            raise FilterTermError(part, "the terms are in the note")  # the caller lists them
        if is_term(part):
            predicates.append(_term(part, fields))
        elif part:
            words.append(part.lower())
    return Expression(stripped.lower(), tuple(words), tuple(predicates))


def wants_help(text: str) -> bool:
    """``?`` typed as a word of its own: list the terms."""
    return "?" in text.split()


def describe(fields: Mapping[str, Field]) -> str:
    """The terms, one a line, for the ``?`` of the filter line (narrow: a toast)."""
    width = max(len(f.example) for f in fields.values())
    lines = ["Words are substrings; all must hold.", "30m 2h 7d · 512M 8G · = != > < >= <="]
    lines += [f"{f.example:<{width}}  {f.help}" for f in fields.values()]
    return "\n".join(lines)


# --- the fields of each list ------------------------------------------------------------

def _attr(name: str) -> Callable[[Any], Any]:
    return attrgetter(name)  # every field names an attribute of the list's model


VM_FIELDS: dict[str, Field] = {f.key: f for f in (
    Field("state", "text", _attr("state"), "state:idle", "idle / running"),
    Field("region", "text", _attr("region"), "region:eu-central-1", "the region"),
    Field("provider", "text", _attr("provider"), "provider:aws-burst", "aws / aws-burst"),
    Field("name", "glob", _attr("name"), "name:ci-*", "glob: * and ?"),
    Field("cpu", "number", _attr("vcpu_count"), "cpu>=4", "vCPUs"),
    Field("mem", "size", _attr("memory_mib"), "mem>=8G", "memory"),
    Field("age", "age", _attr("created_at"), "age>7d", "since created"),
    Field("started", "age", _attr("started_at"), "started<2h", "since started"),
    Field("public", "bool", _attr("public"), "public:true", "true / false"),
    Field("golden", "glob", _attr("root_source_vm_name"), "golden:ubuntu", "root source"),
)}

RUN_FIELDS: dict[str, Field] = {f.key: f for f in (
    Field("state", "text", _attr("state"), "state:failed", "running, failed..."),
    Field("exit", "number", _attr("exit_code"), "exit!=0", "exit code"),
    Field("cmd", "substring", _attr("command"), "cmd:pytest", "in the command"),
    Field("age", "age", _attr("started_at"), "age>2h", "since started"),
)}
