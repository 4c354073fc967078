"""Cursor-paged lists fetched as raw pages, decoding only what changed.

A refresh of a 10,000-VM list is 20 pages of about 8 MB of JSON; decoding
and validating all of it costs most of a second of CPU, and the API has no
delta or ETag. So the work is made proportional to what changed:

When a page is decoded, its text is kept (about 8 MB for 10,000 VMs) with
where each item's span starts and how long it is, the same for each block of
``BLOCK`` items, and the text around the items array. Next time the same
cursor's page is walked: a block (or an item) whose span at the walk's
position is byte for byte the span it was (one ``startswith`` over a view of
the old text: a memcmp, no copy) is the same JSON text, so its previous
models are reused; only items that differ are decoded (with ``json``'s C
scanner, which also says where each ends; from the item's own text, not the
whole page) and validated. Comparing the kept text is exact, and costs a
third of what hashing each span would. An
unchanged page costs one comparison of its body; when every page is unchanged the
previous list object itself is returned, which the repository reads as
"nothing changed" without diffing. With 1% of the items
changed, 1% are decoded and validated, and the repository diffs only those.

Why reusing is exact: JSON values are self-delimiting, so a span that was a
complete value once, followed by ``,`` or the array's end, is parsed as that
same value wherever it stands; the text before and after the array must match
the last page's exactly. Anything unexpected (another layout, a duplicate key,
invalid JSON, an item that fails validation) falls back to decoding the whole
page, which also words the usual error messages. Before any of that, a page
that held still last time and whose body is the same is taken as it was (one
comparison of the body instead of a walk over its blocks; by length and
hash for a page kept without its bytes).
"""

from __future__ import annotations

import asyncio
import json
import re
from array import array
from json.decoder import JSONDecoder
from json.scanner import make_scanner
from typing import Any, Callable, Sequence, cast

from pydantic import ValidationError

from ..api import models as m
from ..api.errors import ArkerError
from ..api.routes import MAX_EMPTY_PAGES, MAX_PAGES
from . import collector

# kind -> (route name, items field, page model, item model)
PAGED: dict[str, tuple[str, str, type, type]] = {
    "vms": ("list_vms", "vms", m.ListVmsResponse, m.Vm),
    "sessions": ("list_sessions", "sessions", m.ListSessionsResponse, m.Session),
    "runs": ("list_runs", "runs", m.ListRunsResponse, m.RunSummary),
    "tunnels": ("list_tunnels", "tunnels", m.ListTunnelsResponse, m.Tunnel),
    "syncs": ("list_syncs", "syncs", m.ListSyncsResponse, m.Sync),
    "filesystems": ("list_filesystems", "filesystems", m.ListFilesystemsResponse, m.Filesystem),
}

_scan = make_scanner(JSONDecoder())  # type: ignore[arg-type]  # scan(text, index) -> (value, end); C when available
# Matches whitespace, possibly none: never None.
_ws = cast(Callable[[str, int], re.Match[str]], re.compile(r"[ \t\n\r]*").match)


class _Syntax:
    """The few characters a walk looks at, as str or as bytes (ints)."""

    def __init__(self, kind: type) -> None:
        chars = (lambda c: c) if kind is str else (lambda c: c.encode())
        as_set = (lambda c: frozenset(c)) if kind is str else (lambda c: frozenset(c.encode()))
        self.comma = "," if kind is str else ord(",")
        self.spaces = as_set(" \t\n\r")
        self.ends = as_set(", \t\n\r]")  # what may follow a complete item
        self.ws = cast(Callable[[Any, int], re.Match[Any]], re.compile(chars(r"[ \t\n\r]*")).match)


_STR, _BYTES = _Syntax(str), _Syntax(bytes)


# A changed page this big with no layout to walk (a first load, a page that
# moved) is decoded in a worker thread: 500 VMs take some
# 90 ms of CPU to validate, and on the event loop that is 90 ms in which no
# key is answered and nothing painted (a 100,000-VM list is 200 such pages).
# The decoder holds the GIL, but Python hands it over every few milliseconds,
# so the UI keeps running between its slices. Only this fetch touches the
# query's page cache, so the thread shares nothing that changes meanwhile.
THREAD_BYTES = 64 * 1024

BLOCK = 16  # items per block: a block whose text is unchanged is checked with one comparison

# A server that never stops paging (every page empty, or full, with a new
# cursor) is stopped at MAX_PAGES pages per fetch, or MAX_EMPTY_PAGES empty
# pages in a row (api/routes.py). What arrived is kept, and the fetch says so.


class Layout:
    """Where a decoded page's items were: the page's text itself, the text
    before the first item and after the last one, each item's start and
    length, and each whole block of ``BLOCK`` items' length (from its first
    item's start to its last item's end). The numbers are kept in arrays,
    not lists: no int object per number, nothing for the cyclic collector to
    walk."""

    __slots__ = ("text", "view", "prefix_end", "suffix", "starts", "lengths", "block_lengths")

    def __init__(self, text: str | bytes, prefix_end: int, suffix_start: int, starts: Sequence[int],
                 lengths: Sequence[int], block_ends: Sequence[int]) -> None:
        # ``text``: the body itself when it is ASCII (offsets are the same in
        # bytes and str, and an unchanged page then needs no decoding), else str.
        self.text = text
        self.view = memoryview(text) if isinstance(text, bytes) else text  # slices of it are not copies
        self.prefix_end = prefix_end
        self.suffix = text[suffix_start:]
        self.starts = starts if isinstance(starts, array) else array("q", starts)
        self.lengths = lengths if isinstance(lengths, array) else array("q", lengths)
        self.block_lengths = array("q", (stop - self.starts[k * BLOCK] for k, stop in enumerate(block_ends)))

    def span(self, start: int, length: int) -> Any:
        """``text[start:start + length]``, without a copy when it is bytes."""
        return self.view[start:start + length]


class PageCache:
    """What one list query's pages were last time: cursor -> ((length, hash) of
    the body, or None if the page had just changed; its items, the next
    cursor, the items' layout or None)."""

    __slots__ = ("pages", "value", "derived", "fresh", "in_place", "notice")

    def __init__(self) -> None:
        self.pages: dict[str | None, tuple[tuple[int, int] | None, list[Any], str | None, Layout | None]] = {}
        self.value: list[Any] | None = None
        self.derived: tuple[list[Any], Any] | None = None  # (value, what a fetcher made of it)
        # The items the last fetch decoded and validated, new objects all:
        # every other item of its value is an object the fetch before had.
        self.fresh: list[Any] = []
        # (previous value, items decoded) when the last fetch only replaced
        # items in place (each by the item of the same id, nothing added,
        # removed or moved): the repository then diffs only those.
        self.in_place: tuple[list[Any], list[Any]] | None = None
        # What the last fetch had to do about a misbehaving server, in words
        # for the user (a page cut to its limit, paging stopped), or None.
        self.notice: str | None = None

    @property
    def decoded(self) -> int:
        """How many items the last fetch decoded (tests and benchmarks read it)."""
        return len(self.fresh)

    def derive(self, value: list[Any], make: Any) -> Any:
        """``make(value)``, reused while ``value`` is the same list object."""
        if self.derived is None or self.derived[0] is not value:
            self.derived = (value, make(value))
        return self.derived[1]


def _malformed() -> ArkerError:
    return ArkerError("internal", "the server sent a malformed response (HTTP 200)", 200)


def _cut(data: Any, field: str, limit: int | None) -> int:
    """Cut the raw items of a page past ``limit`` (before any is validated);
    returns how many the server sent when it sent more, else 0."""
    items = data.get(field) if isinstance(data, dict) else None
    if limit is None or not isinstance(items, list) or len(items) <= limit:
        return 0
    sent = len(items)
    del items[limit:]
    return sent


def _decode(body: bytes, page_model: type[Any], field: str, limit: int | None = None
            ) -> tuple[list[Any], str | None, int]:
    """The whole page, the plain way (and the one that words the errors);
    (items, next cursor, items sent when more than ``limit``)."""
    try:
        data = json.loads(body) if body else {}
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        raise _malformed() from None
    from ..api.client import ArkerClient

    sent = _cut(data, field, limit)
    page = ArkerClient._parse(page_model, data)
    items = getattr(page, field)
    return items, getattr(page, "next_cursor", None), sent


def _expect(text: str, at: int, char: str) -> int:
    if text[at] != char:
        raise ValueError(f"expected {char!r} at {at}")
    return _ws(text, at + 1).end()


def _split(text: str, field: str, buf: str | bytes) -> tuple[dict[str, Any], Layout]:
    """Decode a page object whose ``field`` is a non-empty array, noting where
    each of its items is (in ``buf``: ``text`` or, when ASCII, its bytes).
    Raises ValueError (or StopIteration, IndexError) on anything else; the
    caller then decodes the page the plain way."""
    at = _expect(text, _ws(text, 0).end(), "{")
    data: dict[str, Any] = {}
    layout: tuple[int, int, array[int], array[int], array[int]] | None = None
    while True:
        if text[at] != '"':
            raise ValueError("expected a key")
        key, at = _scan(text, at)
        at = _expect(text, _ws(text, at).end(), ":")
        if key == field and text[at] == "[":
            if key in data:
                raise ValueError("duplicate items field")
            start = at = _ws(text, at + 1).end()
            items, starts, lengths, block_ends = list[Any](), array("q"), array("q"), array("q")
            while True:
                item, end = _scan(text, at)
                items.append(item)
                starts.append(at)
                lengths.append(end - at)
                if len(items) % BLOCK == 0:
                    block_ends.append(end)
                last = end
                at = _ws(text, end).end()
                if text[at] == ",":
                    at = _ws(text, at + 1).end()
                    continue
                at = _expect(text, at, "]")
                break
            layout = (start, last, starts, lengths, block_ends)
            value: Any = items
        else:
            if key == field:
                raise ValueError("items field is not a non-empty array")
            value, at = _scan(text, at)
            at = _ws(text, at).end()
        data[key] = value
        if text[at] == ",":
            at = _ws(text, at + 1).end()
            continue
        at = _expect(text, at, "}")
        break
    if at != len(text) or layout is None:
        raise ValueError("trailing text, or no items")
    return data, Layout(buf, *layout)


def _decode_page(body: bytes, page_model: type[Any], item_model: type[Any], field: str,
                 old: tuple[Any, list[Any], str | None, Layout | None] | None, key: Callable[[Any], str],
                 limit: int | None = None
                 ) -> tuple[list[Any], str | None, Layout | None, list[Any], bool, int]:
    """(items, next cursor, layout, the items decoded, aligned: see ``_walk``,
    items sent when more than ``limit``: the page is then cut to ``limit``
    and has no layout) of a page whose bytes changed; ``old``: what the same
    cursor gave last time."""
    # A page last walked as ASCII bytes is walked so again without a scan for
    # ASCII first: a walk that succeeds has checked every byte (see ``_walk``).
    was_ascii = old is not None and old[3] is not None and isinstance(old[3].text, bytes)
    ascii = was_ascii or body.isascii()
    if old is not None and old[3] is not None and was_ascii == ascii:
        try:
            walked = _walk(body, ascii, item_model, old[3], old[1], key, limit)
        except Exception:  # not the same shape after all (or not ASCII now): decode it whole
            walked = None
        if walked is not None:
            items, layout, fresh, aligned = walked
            return items, old[2], layout, fresh, aligned, 0  # the envelope, so the cursor, is the same
        ascii = body.isascii()
    try:
        text: str | None = body.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        try:
            data, layout = _split(text, field, body if ascii else text)
        except Exception:
            pass
        else:
            sent = _cut(data, field, limit)
            page, items = _parse_by_item(page_model, item_model, field, data)
            return items, getattr(page, "next_cursor", None), None if sent else layout, items, False, sent
    items, next_cursor, sent = _decode(body, page_model, field, limit)
    return items, next_cursor, None, items, False, sent


def _parse_by_item(page_model: type[Any], item_model: type[Any], field: str, data: dict[str, Any]
                   ) -> tuple[Any, list[Any]]:
    """The page's envelope, then its items one by one: a page validated in
    one call holds the GIL for all of its 500 VMs at once (tens of ms in
    which the UI thread cannot answer a key, see THREAD_BYTES); one item at a
    time, the thread hands the GIL over between items. Any item that does
    not validate makes the whole page be parsed the plain way, which words
    the error."""
    from ..api.client import ArkerClient

    raw = data[field]
    page = ArkerClient._parse(page_model, {**data, field: []})
    validate = item_model.model_validate
    try:
        items = [validate(item) for item in raw]
    except ValidationError:
        page = ArkerClient._parse(page_model, data)  # raises ArkerError, naming the item and field
        items = getattr(page, field)
    return page, items


def _walk(body: bytes, ascii: bool, item_model: type[Any], old: Layout, old_items: list[Any],
          key: Callable[[Any], str], limit: int | None = None
          ) -> tuple[list[Any], Layout, list[Any], bool] | None:
    """The page re-read against its last layout (see the module doc): (items,
    layout, the items decoded, whether each of those took the place of the old
    item with its id and nothing else moved), or None when the text around
    the items changed. A body whose last layout was ASCII is walked as bytes,
    and only the text of a changed item is decoded; a byte that is not ASCII
    fails the walk (an unchanged span is the ASCII text it was, the text
    between items is checked char by char, a changed item is decoded as
    ASCII)."""
    syntax = _BYTES if ascii else _STR
    text: Any = body if ascii else body.decode("utf-8")
    prefix_end, suffix = old.prefix_end, old.suffix
    end = len(text) - len(suffix)
    span = old.span
    if end <= prefix_end or not text.startswith(span(0, prefix_end)) or not text.endswith(suffix):
        return None
    old_starts, old_lengths, old_block_lengths = old.starts, old.lengths, old.block_lengths
    count, blocks = len(old_lengths), len(old_block_lengths)
    items: list[Any] = []
    starts, lengths, block_ends = array("q"), array("q"), array("q")
    positions: dict[str, int] | None = None
    separators, comma, spaces = syntax.ends, syntax.comma, syntax.spaces
    validate = item_model.model_validate
    fresh: list[Any] = []
    aligned = True  # every decoded item took the place of the old item with its id
    at, j = prefix_end, 0
    while True:  # ``at``: where an item starts; ``j``: the old item expected there
        i = len(items)
        if i % BLOCK == 0 and i == j and (k := i // BLOCK) < blocks:  # a whole block, unchanged?
            stop = at + old_block_lengths[k]
            if stop <= end and text[stop] in separators and text.startswith(span(old_starts[j], stop - at), at):
                items += old_items[j:j + BLOCK]  # the same JSON values as last time: their models are reused
                shift = at - old_starts[j]
                starts += array("q", (x + shift for x in old_starts[j:j + BLOCK])) if shift else old_starts[j:j + BLOCK]
                lengths += old_lengths[j:j + BLOCK]
                block_ends.append(stop)
                j += BLOCK
                if stop < end and text[stop] == comma and text[stop + 1] not in spaces:
                    at = stop + 1  # compact JSON, the common case
                    continue
                at = _next_item(text, stop, end, syntax)
                if at < 0:
                    break
                continue
        stop = at + old_lengths[j] if j < count else -1
        if 0 < stop <= end and text[stop] in separators and text.startswith(span(old_starts[j], stop - at), at):
            items.append(old_items[j])  # the same JSON value as last time: its model is reused
            j += 1
        else:
            raw, stop = _scan(text, at) if not ascii else _scan_bytes(body, at, end, old_lengths[j] if j < count else 0)
            if stop > end:
                raise ValueError("an item ran into the text after the array")
            item = validate(raw)
            fresh.append(item)
            items.append(item)
            item_id = key(item)
            if j < count and key(old_items[j]) == item_id:
                j += 1  # changed in place
            else:  # inserted, or items before it were removed: find it among the old ones
                aligned = False
                if positions is None:
                    positions = {key(x): n for n, x in enumerate(old_items)}
                found = positions.get(item_id)
                if found is not None and found >= j:
                    j = found + 1
        starts.append(at)
        lengths.append(stop - at)
        if len(items) % BLOCK == 0:
            block_ends.append(stop)
        if limit is not None and len(items) > limit:
            raise ValueError("more items than asked for")  # decoded whole, and cut, by the caller
        at = _next_item(text, stop, end, syntax)
        if at < 0:
            break
    if not fresh and j == count == len(items) and len(text) == len(old.text):
        return old_items, old, fresh, True  # every item where it was: the page as it was
    return items, Layout(text, prefix_end, end, starts, lengths, block_ends), fresh, aligned and j == count


def _scan_bytes(body: bytes, at: int, end: int, was: int) -> tuple[Any, int]:
    """The JSON object starting at ``body[at]``, decoded from its own text
    only (not the whole page): ASCII windows from ``at``, growing until the
    object closes inside one; (value, where it ends in ``body``). Only an
    object: its closing brace says the window held all of it."""
    if body[at] != 0x7B:  # "{"
        raise ValueError("an item that is not an object")
    size = max(4096, 2 * was)
    while True:
        stop = min(end, at + size)
        try:
            raw, length = _scan(body[at:stop].decode("ascii"), 0)
        except (StopIteration, ValueError):  # cut off by the window (or not JSON, or not ASCII)
            if stop >= end:
                raise ValueError("an item that is not valid JSON") from None
            size *= 4
            continue
        return raw, at + length


def _next_item(text: Any, stop: int, end: int, syntax: _Syntax) -> int:
    """Where the item after the one ending at ``stop`` starts; -1 at the end."""
    if stop == end:
        return -1
    comma = syntax.comma
    if text[stop] == comma:  # compact JSON: no whitespace to skip
        at = stop + 1
    else:
        at = syntax.ws(text, stop).end()
        if at >= end or text[at] != comma:
            raise ValueError("expected , between items")
        at += 1
    if text[at] in syntax.spaces:
        at = syntax.ws(text, at).end()
    if at >= end:
        raise ValueError("a trailing comma")
    return at


async def fetch_pages(client: Any, kind: str, cache: PageCache, *, path: dict[str, str] | None = None,
                      limit: int | None = None, filters: dict[str, Any] | None = None,
                      key: Callable[[Any], str] | None = None,
                      first_page: Callable[[list[Any]], None] | None = None) -> list[Any]:
    """Every item of a cursor-paged list, first page first (see the module doc).

    ``key``: an item's id (to realign items after an insertion or removal).
    ``first_page``: called with the first page's items once they are decoded,
    when more pages follow, so a view can paint them before the rest arrive.
    A first load holds the garbage collector off while it runs (collector.py)."""
    if cache.pages:
        return await _fetch_pages(client, kind, cache, path, limit, filters, key, first_page)
    collector.hold()
    items: list[Any] = []
    try:
        items = await _fetch_pages(client, kind, cache, path, limit, filters, key, first_page)
        return items
    finally:
        collector.release(len(items))


async def _fetch_pages(client: Any, kind: str, cache: PageCache, path: dict[str, str] | None,
                       limit: int | None, filters: dict[str, Any] | None, key: Callable[[Any], str] | None,
                       first_page: Callable[[list[Any]], None] | None) -> list[Any]:
    route, field, page_model, item_model = PAGED[kind]
    key = key or _no_key
    cursor: str | None = None
    seen: set[str] = set()
    out: list[Any] = []
    pages: dict[str | None, tuple[tuple[int, int] | None, list[Any], str | None, Layout | None]] = {}
    same = True
    aligned = True
    fresh: list[Any] = []
    notices: list[str] = []
    empty_in_a_row = 0
    while True:
        query = {**(filters or {}), "cursor": cursor, "limit": limit}
        body = await client.request(route, path=path, query=query, raw=True)
        old = cache.pages.get(cursor)
        if old is not None and old[0] is not None and _same_body(body, old[0], old[3]):
            digest, items, next_cursor, layout = old  # the same bytes: nothing to walk
        else:  # a page with a layout is walked: unchanged blocks cost one comparison each
            args = (body, page_model, item_model, field, old, key, limit)
            walked = old is not None and old[3] is not None  # a walk decodes only what changed: no thread
            if len(body) >= THREAD_BYTES and not walked:  # see THREAD_BYTES
                items, next_cursor, layout, decoded, in_place, sent = await asyncio.to_thread(_decode_page, *args)
            else:
                items, next_cursor, layout, decoded, in_place, sent = _decode_page(*args)
            if sent:
                notices.append(f"the server sent {sent:,} {field} for a page of {limit:,}; "
                               f"the first {limit:,} are shown")
            unchanged = old is not None and not decoded and in_place and len(items) == len(old[1])
            if unchanged and old is not None:
                items = old[1]  # every item as it was
            else:
                same = False
            fresh.extend(decoded)
            aligned = aligned and in_place
            # A page that holds still is next compared whole (see _same_body); one
            # that just changed is likely to change again and is walked at once.
            digest = (len(body), hash(body)) if unchanged or old is None else None
        pages[cursor] = (digest, items, next_cursor, layout)
        out.extend(items)
        if not next_cursor or next_cursor in seen:  # a repeating cursor would loop forever
            break
        empty_in_a_row = 0 if items else empty_in_a_row + 1
        if empty_in_a_row >= MAX_EMPTY_PAGES or len(pages) >= MAX_PAGES:
            why = (f"{empty_in_a_row} empty pages in a row" if empty_in_a_row >= MAX_EMPTY_PAGES
                   else f"{len(pages):,} pages")
            notices.append(f"the server kept sending more pages of {field}: stopped after {why}, "
                           f"showing the {len(out):,} received")
            same = False  # the list may be incomplete: never taken as unchanged
            break
        if first_page is not None and cursor is None:
            first_page(list(out))
        seen.add(next_cursor)
        cursor = next_cursor
        # Let the UI run between pages: a server that answers at once (or a
        # transport in this process) would otherwise hold the loop for the
        # whole list, and nothing is painted or typed until it ends.
        await asyncio.sleep(0)
    previous = cache.value
    if same and len(pages) == len(cache.pages) and previous is not None:
        out = previous  # nothing changed: the very same list object
    aligned = aligned and previous is not None and pages.keys() == cache.pages.keys()
    cache.pages, cache.value, cache.fresh = pages, out, fresh
    cache.notice = "; ".join(dict.fromkeys(notices)) or None
    cache.in_place = (previous, fresh) if aligned and previous is not None and out is not previous else None
    return out


def _same_body(body: bytes, digest: tuple[int, int], layout: Layout | None) -> bool:
    """Whether ``body`` is the page that held still: its kept bytes, else its (length, hash)."""
    if layout is not None and isinstance(layout.text, bytes):
        return body == layout.text
    return digest == (len(body), hash(body))


def _no_key(item: Any) -> Any:
    return id(item)  # without ids, a moved item is decoded again (still correct)
