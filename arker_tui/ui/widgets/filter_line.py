"""What the `/` line says about its text: a term that does not parse, named
in the line's border (the list stays as it was), and the list of terms when
``?`` is typed. The parsing is ``filter_terms``; this only shows it."""

from __future__ import annotations

from typing import Any

from .. import filter_terms
from ..server_text import plain


def show_filter_problem(host: Any, text: str) -> None:
    """``host``: a FilterHost (its ``data_list`` and ``filter_input``)."""
    line = host.filter_input
    if line is None:
        return
    data_list = host.data_list
    try:
        data_list.parse_filter(text)
    except filter_terms.FilterTermError as error:
        fields = data_list.filter_fields
        if error.term == "?" and fields:
            line.border_title = plain("? the terms are in the note", 200)
            line.remove_class("-bad-term")
            host.notify(filter_terms.describe(fields), title="Filter terms", timeout=15, markup=False)
            return
        line.border_title = plain(f"✖ {error.term}: {error.reason}", 200)
        line.add_class("-bad-term")
        return
    line.border_title = None
    line.remove_class("-bad-term")
