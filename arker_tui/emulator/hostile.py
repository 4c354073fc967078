"""Hostile answers: faults that change what a successful answer says (see
``Faults``), for tests of a server that attacks or floods the app.

- ``text_suffix``: appended to every string of the answer except ids, keys
  and cursors (markup, escape sequences, the API key, a URL with credentials);
- ``pad_bytes``: an extra field of this many bytes in every answer object
  (a body past the client's cap);
- ``huge_field_bytes``: every VM gets an unknown field ``notes`` this long;
- ``endless_cursors``: every list page is empty and names a new next cursor;
- ``page_items``: every list page holds this many items whatever the limit
  (copies of its first item with new ids).
"""

from __future__ import annotations

import copy
import itertools
from typing import Any

from .faults import Faults

# Strings that address things: changing them would break the app's requests,
# not test how it shows text.
_ADDRESS_KEYS = frozenset({"next_cursor", "cursor", "tunnel_key", "encoding", "stdout_encoding",
                           "stderr_encoding", "request_id", "auth_mode", "visibility", "protocol"})
_LIST_FIELDS = ("vms", "runs", "sessions", "tunnels", "syncs", "filesystems")
_cursor_numbers = itertools.count(1)


def endless_page(faults: Faults, route: str) -> dict[str, Any] | None:
    """Under ``endless_cursors``, a cursor-paged list's answer (the world is
    not asked: its cursors would be refused): empty, with a new cursor."""
    field = route[len("list_"):]
    if not faults.endless_cursors or not route.startswith("list_") or field not in _LIST_FIELDS:
        return None
    return {field: [], "next_cursor": f"endless-{next(_cursor_numbers)}"}


def rewrite(faults: Faults, route: str, payload: Any) -> Any:
    """The answer to send instead of ``payload`` under the hostile faults."""
    if faults.page_items and route.startswith("list_") and isinstance(payload, dict):
        payload = _grow_page(payload, faults.page_items)
    if faults.huge_field_bytes:
        payload = _with_notes(payload, "x" * faults.huge_field_bytes)
    if faults.text_suffix:
        payload = _suffixed(payload, faults.text_suffix, None)
    if faults.pad_bytes and isinstance(payload, dict):
        payload = {**payload, "padding": "p" * faults.pad_bytes}
    return payload


def _grow_page(payload: dict[str, Any], count: int) -> dict[str, Any]:
    for name in _LIST_FIELDS:
        items = payload.get(name)
        if isinstance(items, list) and items:
            first = items[0]
            id_key = next((k for k in first if k.endswith("_id") and k[:-3] in name), None)
            grown = list(items)
            for n in range(count - len(items)):
                item = copy.copy(first)
                if id_key:
                    item[id_key] = f"{first[id_key]}-copy{n}"
                grown.append(item)
            return {**payload, name: grown[:count]}
    return payload


def _with_notes(payload: Any, notes: str) -> Any:
    if isinstance(payload, dict):
        out = {k: _with_notes(v, notes) for k, v in payload.items()}
        if "vm_id" in payload and "vcpu_count" in payload:
            out["notes"] = notes
        return out
    if isinstance(payload, list):
        return [_with_notes(v, notes) for v in payload]
    return payload


def _suffixed(value: Any, suffix: str, key: str | None) -> Any:
    if isinstance(value, dict):
        return {k: _suffixed(v, suffix, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_suffixed(v, suffix, key) for v in value]
    if isinstance(value, str) and key is not None and not key.endswith(("_id", "_at")) and key not in _ADDRESS_KEYS:
        return value + suffix
    return value
