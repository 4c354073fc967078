"""The search model of the run log (log_search) and saving (log_save): pure, no app."""

from __future__ import annotations

import random

import pytest

from arker_tui.ui.log_save import default_path, render, save
from arker_tui.ui.log_search import Corpus, LogSearch, Matcher, Query


def search_over(lines: list[str], query: Query, cap: int = 1000) -> LogSearch:
    search = LogSearch(Corpus(lines, 0, cap))
    search.set_query(query)
    return search


def test_substring_is_case_insensitive_by_default_and_case_can_be_asked_for() -> None:
    lines = ["Error: disk", "no error here", "ERROR again error", "fine"]
    assert search_over(lines, Query("error")).total == 4
    assert search_over(lines, Query("error", case=True)).total == 2
    assert search_over(lines, Query("ERROR", case=True)).total == 1
    assert search_over(lines, Query("error")).matching_lines() == [0, 1, 2]


def test_regex_mode_and_its_case_toggle() -> None:
    lines = ["loss=0.31 ok", "loss=0.29 ok", "LOSS=0.35", "nothing"]
    assert search_over(lines, Query(r"loss=0\.3\d", regex=True)).total == 2
    assert search_over(lines, Query(r"loss=0\.3\d", regex=True, case=True)).total == 1
    assert search_over(lines, Query(r"\D+=", regex=True)).matching_lines() == [0, 1, 2]  # upper-case escape
    assert search_over(lines, Query("loss", regex=False)).matching_lines() == [0, 1, 2]


@pytest.mark.parametrize("text", ["(", "[a-", "a{2,1}", "(?P<x>a)(?P<x>b)", "\\"])
def test_a_bad_regular_expression_is_an_error_not_an_exception(text: str) -> None:
    search = search_over(["a", "b"], Query(text, regex=True))
    assert search.error and search.error.startswith("bad regular expression")
    assert search.total == 0 and search.matching_lines() == []
    assert search.step(True, 0) == (None, True)
    assert Matcher(Query(text, regex=True)).spans("aaa") == []


def test_an_expression_matching_empty_text_is_refused() -> None:
    search = search_over(["x", ""], Query("a*", regex=True))
    assert "empty text" in (search.error or "")
    assert search.total == 0


def test_a_match_never_spans_lines() -> None:
    lines = ["ends with space ", " starts with space", "none"]
    search = search_over(lines, Query(r"\s+", regex=True))
    per_line = sum(len(Matcher(Query(r"\s+", regex=True)).spans(line)) for line in lines)
    assert search.total == per_line
    assert search_over(lines, Query("space\n", regex=True)).total == 0


def test_counts_follow_new_lines_and_the_caps_drops() -> None:
    rng = random.Random(7)
    words = ["alpha", "beta", "Gamma", "delta alpha", "ALPHA beta"]
    cap = 50
    search = LogSearch(Corpus([], 0, cap))
    search.set_query(Query("alpha"))
    held: list[str] = []
    first = 0
    for _ in range(40):
        batch = [rng.choice(words) for _ in range(rng.randint(0, 30))]
        search.extend(batch)
        held += batch
        if len(held) > cap:
            first += len(held) - cap
            held = held[-cap:]
        assert search.total == sum(line.lower().count("alpha") for line in held)
        assert search.corpus.first == first
        assert search.matching_lines() == [first + i for i, line in enumerate(held) if "alpha" in line.lower()]
    search.extend(["alpha"] * 120)  # more than the cap at once
    assert search.total == cap and search.corpus.first == first + len(held) + 120 - cap


def test_next_and_previous_walk_every_match_in_order_and_wrap() -> None:
    lines = ["a x a", "none", "x", "a", "none", "a a a"]
    search = search_over(lines, Query("a"))
    assert search.total == 6
    seen = []
    for _ in range(6):
        match, wrapped = search.step(True, 0)
        assert not wrapped
        search.current = match
        seen.append((match, search.ordinal(match)))
    assert seen == [((0, 0), 1), ((0, 1), 2), ((3, 0), 3), ((5, 0), 4), ((5, 1), 5), ((5, 2), 6)]
    match, wrapped = search.step(True, 0)
    assert wrapped and match == (0, 0)
    search.current = (0, 0)
    match, wrapped = search.step(False, 0)
    assert wrapped and match == (5, 2) and search.ordinal(match) == 6
    search.current = match
    back = []
    for _ in range(3):
        match, _ = search.step(False, 0)
        search.current = match
        back.append(match)
    assert back == [(5, 1), (5, 0), (3, 0)]


def test_regex_previous_finds_the_last_line_above() -> None:
    search = search_over(["e1", "x", "e22", "y", "z"], Query(r"e\d+", regex=True))
    assert search.step(False, 4) == ((2, 0), False)
    search.current = (2, 0)
    assert search.step(False, 4) == ((0, 0), False)


def test_first_from_starts_at_the_given_line_and_wraps() -> None:
    search = search_over(["a", "b", "a", "b"], Query("a"))
    assert search.first_from(1) == ((2, 0), False)
    assert search.first_from(3) == ((0, 0), True)


# --- saving ------------------------------------------------------------------------------


def test_default_path_names_the_vm_and_run_safely() -> None:
    assert default_path("ml-train", "run_9a2e") == "./ml-train-run_9a2e.log"
    assert default_path("../../etc/pass wd", "run_1") == "./etc-pass-wd-run_1.log"


def test_render_plain_removes_colours_and_labels_the_blocks() -> None:
    entries = [("stdout", "\x1b[32mgreen\x1b[0m done"), ("label", "stderr"), ("stderr", "\x1b[33mwarn\x1b[0m")]
    text, lines = render(entries, colours=False)
    assert text == "green done\n--- stderr ---\nwarn\n" and lines == 2
    coloured, _ = render(entries, colours=True)
    assert "\x1b[32mgreen" in coloured and coloured.splitlines()[0].endswith("\x1b[0m")


def test_save_never_replaces_a_file_unless_asked(tmp_path) -> None:
    path = tmp_path / "out.log"
    saved = save(str(path), [("stdout", "one")], colours=False, overwrite=False, dropped=0, cap=10)
    assert path.read_text() == "one\n" and saved.lines == 1 and "whole output" in saved.words()
    with pytest.raises(FileExistsError):
        save(str(path), [("stdout", "two")], colours=False, overwrite=False, dropped=0, cap=10)
    assert path.read_text() == "one\n"
    saved = save(str(path), [("stdout", "two")], colours=False, overwrite=True, dropped=5, cap=10)
    assert path.read_text() == "two\n"
    assert "5 earlier lines are not in it" in saved.words() and "10" in saved.words()
    with pytest.raises(IsADirectoryError):
        save(str(tmp_path), [], colours=False, overwrite=True, dropped=0, cap=10)


def test_an_expression_that_only_says_plain_text_counts_as_plain_text() -> None:
    lines = ["loss=0.31", "loss=0x31", "LOSS=0.3"]
    literal = search_over(lines, Query(r"loss=0\.3", regex=True))
    assert literal.matcher.needle == "loss=0.3" and literal.total == 2  # the dot is a dot
    assert search_over(lines, Query(r"loss=0.3", regex=True)).total == 3  # the dot is any character
    assert Matcher(Query(r"loss=0\.3", regex=True)).spans("x LOSS=0.3") == [(2, 10)]
    assert search_over(lines, Query("a\nb")).error  # a line break never matches
