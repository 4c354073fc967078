"""The one sanitizer against what a hostile server sends: whole escape
sequences, C0/C1 controls, bidi controls, zero-width characters and floods of
combining marks, in labels and in run output."""

from __future__ import annotations

import unicodedata

import pytest
from rich.cells import cell_len

from arker_tui.ui.terminal_text import MAX_MARKS, TerminalStream, safe_label, sanitize_line, visible_text

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\ufeff", "\u2060", "\u202e",
             "\u2066", "\u00ad", "\U000e0041"]


@pytest.mark.parametrize("char", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_invisible_characters_are_removed_from_labels_and_output(char):
    assert safe_label(f"ad{char}min") == "admin"
    stored, _state, width = sanitize_line(f"ad{char}min")
    assert visible_text(stored) == "admin" and width == 5
    lines, _ = TerminalStream().feed(f"ad{char}min\n")
    assert [visible_text(line) for line in lines] == ["admin"]


def test_escape_sequences_in_an_error_code_are_removed_whole():
    code = "unauthorized\x1b]0;pwned\x07\x1b[2J\x1b[H\x9b31m\x9d8;;http://x\x9c"
    assert safe_label(code) == "unauthorized"


def test_a_flood_of_combining_marks_is_bounded_per_base_character():
    flood = "a" + "\u0301" * 20_000 + "b" + "\u20dd" * 50 + "c"
    label = safe_label(flood)
    assert label == "a" + "\u0301" * MAX_MARKS + "b" + "\u20dd" * MAX_MARKS + "c"
    assert cell_len(label) == 3
    lines, width = TerminalStream().feed(flood + "\n")
    assert visible_text(lines[0]) == label and width == 3
    stream = TerminalStream()
    stream.feed(flood)  # a partial line (the pending view) is bounded too
    assert visible_text(stream.pending_line()[0]) == label


def test_marks_split_by_a_dropped_character_form_one_run():
    text = "x" + ("\u0301" * 3 + "\u200b") * 1000
    assert safe_label(text) == "x" + "\u0301" * MAX_MARKS


def test_astral_marks_are_bounded_too():
    text = "a" + "\U0001d167" * 100 + "z"
    assert safe_label(text) == "a" + "\U0001d167" * MAX_MARKS + "z"


def test_legitimate_accents_and_scripts_stay():
    for text in ["café", "Ngữ văn", "e\u0301\u0302", "日本語", "क्षत्रिय", "👍🏽", "❤\ufe0f"]:
        assert safe_label(text) == text
        assert visible_text(sanitize_line(text)[0]) == text


def test_the_mark_table_holds_only_marks():
    from arker_tui.ui import terminal_text as tt

    for table in (tt._MARKS_BMP, tt._MARKS_ASTRAL):
        chars = iter(table)
        for first in chars:
            if table[table.index(first) + 1:table.index(first) + 2] == "-":
                next(chars)  # the dash
                last = next(chars)
            else:
                last = first
            for code in (ord(first), ord(last)):
                assert unicodedata.category(chr(code)).startswith("M"), hex(code)


def test_url_credentials_are_masked_in_labels():
    assert safe_label("open http://user:pa55@host.example/x") == "open http://***@host.example/x"
