"""Cursor-paged lists fetched as raw pages, decoding only pages that changed.

A refresh of a 10,000-VM list is 20 pages of about 7 MB of JSON; decoding
and validating them costs about half a second of CPU. Most refreshes change
nothing, so each page's body is remembered by its length and hash (one C pass over
the bytes; keeping the bytes themselves would add ~7 MB for 10,000 VMs) and
compared with what the same cursor gave last time: an identical page reuses the models
it gave then, and when every page is identical the previous list object
itself is returned, which the repository reads as "nothing changed" without
diffing. Only a page whose bytes differ is decoded and validated.
"""

from __future__ import annotations

import json
from typing import Any

from ..api import models as m
from ..api.errors import ArkerError

# kind -> (route name, items field, page model)
PAGED: dict[str, tuple[str, str, type]] = {
    "vms": ("list_vms", "vms", m.ListVmsResponse),
    "sessions": ("list_sessions", "sessions", m.ListSessionsResponse),
    "runs": ("list_runs", "runs", m.ListRunsResponse),
    "tunnels": ("list_tunnels", "tunnels", m.ListTunnelsResponse),
    "syncs": ("list_syncs", "syncs", m.ListSyncsResponse),
    "filesystems": ("list_filesystems", "filesystems", m.ListFilesystemsResponse),
}


class PageCache:
    """What one list query's pages were last time: cursor -> ((length, hash) of
    the body, its items, the next cursor)."""

    __slots__ = ("pages", "value", "derived")

    def __init__(self) -> None:
        self.pages: dict[str | None, tuple[tuple[int, int], list[Any], str | None]] = {}
        self.value: list[Any] | None = None
        self.derived: tuple[list[Any], Any] | None = None  # (value, what a fetcher made of it)

    def derive(self, value: list[Any], make: Any) -> Any:
        """``make(value)``, reused while ``value`` is the same list object."""
        if self.derived is None or self.derived[0] is not value:
            self.derived = (value, make(value))
        return self.derived[1]


def _decode(body: bytes, page_model: type, field: str) -> tuple[list[Any], str | None]:
    try:
        data = json.loads(body) if body else {}
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        raise ArkerError("internal", "the server sent a malformed response (HTTP 200)", 200) from None
    from ..api.client import ArkerClient

    page = ArkerClient._parse(page_model, data)
    items = getattr(page, field)
    return items, getattr(page, "next_cursor", None)


async def fetch_pages(client: Any, kind: str, cache: PageCache, *, path: dict[str, str] | None = None,
                      limit: int | None = None, filters: dict[str, Any] | None = None) -> list[Any]:
    """Every item of a cursor-paged list, first page first (see the module doc)."""
    route, field, page_model = PAGED[kind]
    cursor: str | None = None
    seen: set[str] = set()
    out: list[Any] = []
    pages: dict[str | None, tuple[tuple[int, int], list[Any], str | None]] = {}
    same = True
    while True:
        query = {**(filters or {}), "cursor": cursor, "limit": limit}
        body = await client.request(route, path=path, query=query, raw=True)
        digest = (len(body), hash(body))
        old = cache.pages.get(cursor)
        if old is not None and old[0] == digest:
            items, next_cursor = old[1], old[2]
        else:
            same = False
            items, next_cursor = _decode(body, page_model, field)
        pages[cursor] = (digest, items, next_cursor)
        out.extend(items)
        if not next_cursor or next_cursor in seen:  # a repeating cursor would loop forever
            break
        seen.add(next_cursor)
        cursor = next_cursor
    if same and len(pages) == len(cache.pages) and cache.value is not None:
        out = cache.value  # nothing changed: the very same list object
    cache.pages, cache.value = pages, out
    return out
