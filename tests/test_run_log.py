"""RunLog and terminal_text: behaviour, not timing."""

from __future__ import annotations

import re

import pytest
from rich.color import Color
from textual import events
from textual.app import App, ComposeResult
from textual.color import Color as TColor
from textual.strip import Strip

from arker_tui.ui.terminal_text import TerminalStream, ansi_to_text, safe_label, sanitize_line
from arker_tui.ui.widgets.run_log import FEED_PIECE, RunLog, feed_pieces

CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


class LogApp(App[None]):
    def __init__(self, **kwargs) -> None:
        super().__init__()
        self.kwargs = kwargs
        self.follow_events: list[bool] = []

    def compose(self) -> ComposeResult:
        yield RunLog(**self.kwargs)

    def on_mount(self) -> None:
        self.query_one(RunLog).focus()

    def on_run_log_follow_changed(self, event: RunLog.FollowChanged) -> None:
        self.follow_events.append(event.following)


def rows(log: RunLog) -> list[Strip]:
    return [log.render_line(y) for y in range(log.scrollable_content_region.height)]


def row_texts(log: RunLog) -> list[str]:
    return ["".join(segment.text for segment in strip) for strip in rows(log)]


def segments_of(log: RunLog, needle: str):
    for strip in rows(log):
        for segment in strip:
            if needle in segment.text:
                return segment
    raise AssertionError(f"{needle!r} not rendered: {row_texts(log)}")


# --- partial lines, streams ------------------------------------------------------


async def test_empty_state_then_partial_lines_join_across_chunks() -> None:
    app = LogApp()
    async with app.run_test(size=(60, 10)) as pilot:
        log = app.query_one(RunLog)
        assert "No output yet." in row_texts(log)[0]
        log.append("hel")
        await pilot.pause()
        assert log.plain_lines() == ["hel"]  # the partial line is shown
        assert row_texts(log)[0].strip() == "hel"
        log.append("lo\nwor")
        assert log.plain_lines() == ["hello", "wor"]
        log.append("ld\n")
        assert log.plain_lines() == ["hello", "world"]
        assert log.line_count == 2
        # Each stream keeps its own partial line.
        log.append("out-", "err-")
        log.append("done\n", "done\n")
        assert log.plain_lines() == ["hello", "world", "out-done", "err-done"]
        assert log.line_streams() == ["stdout", "stdout", "stdout", "stderr"]
        assert "No output yet." not in "".join(row_texts(log))


async def test_stderr_lines_are_marked_with_the_error_colour() -> None:
    app = LogApp()
    async with app.run_test(size=(60, 10)) as pilot:
        log = app.query_one(RunLog)
        log.append("to stdout\n", "to stderr\n")
        await pilot.pause()
        assert log.line_streams() == ["stdout", "stderr"]
        out_row, err_row = rows(log)[:2]
        out_gutter, err_gutter = list(out_row)[0], list(err_row)[0]
        assert err_gutter.text == "▌" and out_gutter.text == " "
        error = TColor.parse(app.theme_variables["error"])
        assert err_gutter.style.color.triplet == error.rich_color.triplet
        out_text = segments_of(log, "to stdout")
        err_text = segments_of(log, "to stderr")
        assert err_text.style != out_text.style
        assert err_text.style.color is not None


async def test_ansi_colours_become_styles() -> None:
    app = LogApp()
    async with app.run_test(size=(80, 10)) as pilot:
        log = app.query_one(RunLog)
        log.append("\x1b[31mred\x1b[0m plain \x1b[38;5;208morange\x1b[0m \x1b[1;38;2;10;20;30mrgb\x1b[0m\n")
        log.append("\x1b[3")  # a sequence split across chunks
        log.append("2mgreen\n")
        await pilot.pause()
        assert log.plain_lines() == ["red plain orange rgb", "green"]
        assert segments_of(log, "red").style.color == Color.from_ansi(1)
        assert segments_of(log, "orange").style.color == Color.from_ansi(208)
        rgb = segments_of(log, "rgb").style
        assert rgb.color == Color.from_rgb(10, 20, 30) and rgb.bold
        plain = segments_of(log, " plain ").style
        assert plain is None or plain.color is None
        assert segments_of(log, "green").style.color == Color.from_ansi(2)


async def test_colour_carries_across_lines_and_chunks() -> None:
    app = LogApp()
    async with app.run_test(size=(60, 10)) as pilot:
        log = app.query_one(RunLog)
        log.append("\x1b[34mblue one\nblue two\n")
        log.append("blue three\x1b[0m\nplain four\n")
        await pilot.pause()
        for word in ("one", "two", "three"):
            assert segments_of(log, word).style.color == Color.from_ansi(4)
        four = segments_of(log, "four").style
        assert four is None or four.color is None


HOSTILE = (
    "\x1b]0;pwned title\x07"  # OSC title
    "\x1b]52;c;ZXZpbA==\x1b\\"  # OSC 52 clipboard
    "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\"  # hyperlink
    "\x1b[2J\x1b[H\x1b[5A\x1b[10;10H"  # clear screen, cursor moves
    "\x1b[?1049h\x1b[?1000h\x1bc\x1b7"  # alt screen, mouse reporting, reset, save cursor
    "\x1bPq#0;2;0;0;0\x1b\\"  # DCS (sixel)
    "\x1b_apc\x1b\\\x1b^pm\x1b\\"
    "A\x07B\x00C\x08D\x1b\x01E\x1bE\x7fF\x9b31mG\x05"
)


async def test_hostile_sequences_are_neutralized() -> None:
    app = LogApp()
    async with app.run_test(size=(100, 10)) as pilot:
        log = app.query_one(RunLog)
        title = app.title
        log.append(HOSTILE + "\n", HOSTILE)  # a complete stdout line and a partial stderr line
        await pilot.pause()
        out, err = log.plain_lines()
        assert out == "link" + "A^GB^@C^HD^[^AE^?F^[[31mG^E"  # ESC E (NEL) is dropped
        assert err == out
        assert "pwned" not in out and "evil" not in out and "ZXZpbA" not in out
        for strip in rows(log):
            for segment in strip:
                assert not CONTROL.search(segment.text), segment
                assert segment.style is None or not segment.style.link
        assert app.title == title
        # What would be written to the real terminal: Textual's own CSI styling
        # and cursor moves only, none of the hostile payloads.
        written = app.screen._compositor.render_update(full=True).render_segments(app.console)
        assert "link" in written and "^G" in written and "^@" in written
        assert not re.search("[\x00-\x09\x0b-\x1a\x1c-\x1f\x7f-\x9f]", written)
        assert "\x1b]" not in written and "\x1bP" not in written and "\x1b_" not in written
        assert "\x1b[2J" not in written and "\x1b[?1049h" not in written and "\x1b[?1000h" not in written
        assert "pwned" not in written and "ZXZpbA" not in written and "evil" not in written


def test_sanitize_line_rules() -> None:
    assert sanitize_line("a\tbc\td")[0] == "a       bc      d"
    assert sanitize_line("\x1b]0;t\x1b[31mred")[0] == "\x1b[31mred"  # an ESC ends the OSC
    assert sanitize_line("\ud800x")[0] == "\ufffdx"
    text = "שלום עולם 👍 日本語 e\u0301"
    stored, _, width = sanitize_line(text)
    assert stored == text and width == 21
    stream = TerminalStream()
    lines, _ = stream.feed("x\x1b[1mbold\x1b[22m\x07\n")
    assert "\x07" not in lines[0] and "^G" in lines[0]
    rendered = ansi_to_text("\x1b[31mred\x1b]0;t\x07\nnext\x00")
    assert rendered.plain == "red\nnext^@"
    assert not CONTROL.search(rendered.plain.replace("\n", ""))


def test_safe_label() -> None:
    assert safe_label("\x1b[31mvm-1\x1b[0m\x1b]0;title\x07") == "vm-1"
    assert safe_label("a\nb\tc\r\nd\x00\x07\x9b\u202eevil") == "a b c devil"
    assert safe_label("日本語 שלום 👍") == "日本語 שלום 👍"
    assert safe_label("abcdefghij", 5) == "abcd…"
    assert safe_label(None) == ""
    assert not CONTROL.search(safe_label("".join(map(chr, range(0, 0xA0)))))


# --- carriage returns -------------------------------------------------------------------


async def test_carriage_return_overwrites_like_a_progress_bar() -> None:
    app = LogApp()
    async with app.run_test(size=(60, 10)) as pilot:
        log = app.query_one(RunLog)
        log.append("progress 10%\rprogress 20%\rprogress 30%\r\n")
        assert log.plain_lines() == ["progress 30%"]
        log.append("dl 1%")
        log.append("\rdl 50%\r")
        assert log.plain_lines() == ["progress 30%", "dl 50%"]
        log.append("\rdl 100%")
        log.append("\r\nwindows line\r\n")
        await pilot.pause()
        assert log.plain_lines() == ["progress 30%", "dl 100%", "windows line"]
        assert [t.strip() for t in row_texts(log)[:3]] == ["progress 30%", "dl 100%", "windows line"]


# --- cap -----------------------------------------------------------------------------------


async def test_cap_drops_oldest_lines_and_says_so() -> None:
    app = LogApp(max_lines=10)
    async with app.run_test(size=(60, 20)) as pilot:
        log = app.query_one(RunLog)
        log.append("".join(f"line {i}\n" for i in range(8)))
        assert log.dropped_count == 0
        log.append("".join(f"line {i}\n" for i in range(8, 25)))
        await pilot.pause()
        assert log.line_count == 10
        assert log.dropped_count == 15
        assert log.plain_lines() == [f"line {i}" for i in range(15, 25)]
        log.action_top()
        await pilot.pause()
        texts = row_texts(log)
        assert "15 earlier lines dropped (cap 10)" in texts[0]
        assert texts[1].strip() == "line 15"
        log.append("".join(f"x{i}\n" for i in range(12_345)))  # one append bigger than the cap
        assert log.plain_lines() == [f"x{i}" for i in range(12_335, 12_345)]
        assert log.dropped_count == 15 + 10 + 12_335
        await pilot.pause()
        assert "12,360 earlier lines dropped (cap 10)" in row_texts(log)[0]
        log.clear()
        assert (log.line_count, log.dropped_count) == (0, 0)
        await pilot.pause()
        assert "No output yet." in row_texts(log)[0]


async def test_set_output_replaces_everything() -> None:
    app = LogApp()
    async with app.run_test(size=(60, 10)):
        log = app.query_one(RunLog)
        log.append("old\nold partial", "old err")
        log.set_output("new 1\nnew 2\n", "e\n")
        assert log.plain_lines() == ["new 1", "new 2", "e"]
        assert log.line_streams() == ["stdout", "stdout", "stderr"]


def test_feed_pieces_end_after_a_newline_and_join_back() -> None:
    text = ("".join(f"line {i}\n" for i in range(500)) + "y" * 2500 + "\n"
            + "".join(f"row {i}\n" for i in range(300)) + "tail")
    pieces = list(feed_pieces(text, size=1000))
    assert "".join(pieces) == text
    assert all(len(piece) <= 1000 for piece in pieces)
    assert all(piece.endswith("\n") for piece in pieces[:-1] if "y" * 1000 not in piece)
    assert ["y" * 1000, "y" * 1000] == [piece for piece in pieces if piece == "y" * 1000]  # a long line is cut
    assert pieces[-1].endswith("tail")
    assert list(feed_pieces("short\n", size=1000)) == ["short\n"]
    assert list(feed_pieces("", size=1000)) == []


async def test_a_log_opened_whole_reads_as_when_fed_a_line_at_a_time() -> None:
    # Longer than a feed piece: a colour open across lines and pieces, a line
    # longer than a piece (and than a held line), stderr, a partial last line.
    head = "\x1b[31m" + "".join(f"red {i}\n" for i in range(12_000)) + "\x1b[0m"
    out = head + "w" * (FEED_PIECE + 10) + "\n" + "".join(f"plain {i}\n" for i in range(12_000)) + "tail"
    err = "".join(f"warn {i}\n" for i in range(15_000))
    assert len(out) > 3 * FEED_PIECE and len(err) > FEED_PIECE

    async def stored(feed) -> tuple[list, list[str]]:
        app = LogApp()
        async with app.run_test(size=(60, 10)):
            log = app.query_one(RunLog)
            feed(log)
            return log.stored_lines(), log.plain_lines()

    def line_by_line(log: RunLog) -> None:
        for stream, text in (("out", out), ("err", err)):
            for line in text.splitlines(keepends=True):
                log.append(line, "") if stream == "out" else log.append("", line)

    whole = await stored(lambda log: log.set_output(out, err))
    assert whole == await stored(line_by_line)
    assert whole[1][:2] == ["red 0", "red 1"] and whole[1][-2:] == ["warn 14999", "tail"]
    last_red = next(stored for stream, stored in whole[0] if stored.endswith("red 11999"))
    assert "\x1b[31m" in last_red  # the colour reaches past the first pieces


# --- follow --------------------------------------------------------------------------------


def lines(start: int, stop: int) -> str:
    return "".join(f"line {i}\n" for i in range(start, stop))


async def test_follow_keeps_tail_and_user_scroll_stops_it() -> None:
    app = LogApp()
    async with app.run_test(size=(60, 12)) as pilot:
        log = app.query_one(RunLog)
        assert log.following
        log.append(lines(0, 100))
        await pilot.pause()
        assert log.max_scroll_y > 0 and log.scroll_y == log.max_scroll_y
        assert [t for t in row_texts(log) if t.strip()][-1].strip() == "line 99"
        log.append(lines(100, 150))
        await pilot.pause()
        assert log.scroll_y == log.max_scroll_y
        assert [t for t in row_texts(log) if t.strip()][-1].strip() == "line 149"

        await pilot.press("up")
        assert not log.following
        assert app.follow_events[-1] is False
        y = log.scroll_y
        log.append(lines(150, 200))
        await pilot.pause()
        assert log.scroll_y == y < log.max_scroll_y  # paused: the view stays put

        await pilot.press("s")
        assert log.following and app.follow_events[-1] is True
        await pilot.pause()
        assert log.scroll_y == log.max_scroll_y

        await pilot.press("s")
        assert not log.following
        await pilot.press("home")
        assert log.scroll_y == 0 and not log.following
        await pilot.press("pagedown")
        assert log.scroll_y > 0 and not log.following
        await pilot.press("end")
        assert log.following and log.scroll_y == log.max_scroll_y
        log.append(lines(200, 210))
        await pilot.pause()
        assert log.scroll_y == log.max_scroll_y
        assert [t for t in row_texts(log) if t.strip()][-1].strip() == "line 209"

        await pilot.press("pageup")
        assert not log.following
        await pilot.press("G")
        assert log.following and log.scroll_y == log.max_scroll_y


async def test_mouse_wheel_up_stops_following() -> None:
    app = LogApp()
    async with app.run_test(size=(60, 12)) as pilot:
        log = app.query_one(RunLog)
        log.append(lines(0, 100))
        await pilot.pause()
        assert log.following
        log.post_message(events.MouseScrollUp(log, 5, 5, 0, -1, 0, False, False, False))
        await pilot.pause()
        assert not log.following
        assert log.scroll_y < log.max_scroll_y


async def test_follow_survives_long_lines_adding_a_horizontal_scrollbar() -> None:
    app = LogApp()
    async with app.run_test(size=(40, 12)) as pilot:
        log = app.query_one(RunLog)
        log.append(lines(0, 50))
        await pilot.pause()
        log.append("x" * 300 + "\nlast line\n")
        await pilot.pause()
        await pilot.pause()
        assert log.following
        assert log.scroll_y == log.max_scroll_y
        assert [t for t in row_texts(log) if t.strip()][-1].strip() == "last line"


# --- wrap ----------------------------------------------------------------------------------


async def test_wrap_toggle() -> None:
    app = LogApp()
    async with app.run_test(size=(40, 12)) as pilot:
        log = app.query_one(RunLog)
        long = "".join(chr(ord("a") + i % 26) for i in range(100))
        log.append(f"{long}\nshort\n", "日本語" * 20 + "\n")
        await pilot.pause()
        assert not log.wrap
        texts = row_texts(log)
        assert texts[0][1:].rstrip() == long[: len(texts[0]) - 1]  # cut at the width
        assert texts[1].strip() == "short"
        assert log.virtual_size.height == 3

        await pilot.press("right")
        assert log.scroll_x > 0
        assert row_texts(log)[0][1:].startswith(long[int(log.scroll_x) :][:10])

        await pilot.press("w")
        assert log.wrap
        await pilot.pause()
        texts = row_texts(log)
        width = log.scrollable_content_region.width
        pieces: list[str] = []
        i = 0
        while "short" not in texts[i]:
            assert len(texts[i]) == width
            pieces.append(texts[i][1:].rstrip())
            i += 1
        assert "".join(pieces) == long and len(pieces) > 1
        wide_rows = [t for t in texts[i + 1 :] if "日" in t]
        assert "".join(t[1:].replace(" ", "") for t in wide_rows) == "日本語" * 20
        assert log.virtual_size.height == len(pieces) + 1 + len(wide_rows)

        await pilot.press("w")
        assert not log.wrap
        await pilot.pause()
        assert log.virtual_size.height == 3


async def test_wrap_scrolling_reaches_every_row() -> None:
    app = LogApp(wrap=True)
    async with app.run_test(size=(30, 8)) as pilot:
        log = app.query_one(RunLog)
        log.append("".join(f"{i:03d} " + "z" * 60 + "\n" for i in range(40)))
        await pilot.pause()
        width = log.scrollable_content_region.width - 1
        rows_per_line = -(-64 // width)
        assert log.virtual_size.height == 40 * rows_per_line
        assert log.following and log.scroll_y == log.max_scroll_y
        assert any(t[1:].startswith("039") for t in row_texts(log))
        await pilot.press("home")
        assert row_texts(log)[0][1:].startswith("000")


# --- volume ----------------------------------------------------------------------------------


async def test_200k_lines_append_and_still_answer_keys() -> None:
    app = LogApp(max_lines=250_000)
    async with app.run_test(size=(80, 20)) as pilot:
        log = app.query_one(RunLog)
        for start in range(0, 200_000, 5_000):
            log.append("".join(f"line {i} \x1b[32mok\x1b[0m\n" for i in range(start, start + 5_000)))
        await pilot.pause()
        assert log.line_count == 200_000 and log.dropped_count == 0
        assert log.scroll_y == log.max_scroll_y
        assert [t for t in row_texts(log) if t.strip()][-1].strip() == "line 199999 ok"
        await pilot.press("home")
        assert row_texts(log)[0].strip() == "line 0 ok"
        assert log.lines_rendered < 1_000  # only visible lines were ever rendered


@pytest.mark.parametrize("max_lines", [1_000])
async def test_memory_is_bounded_by_the_cap(max_lines: int) -> None:
    app = LogApp(max_lines=max_lines)
    async with app.run_test(size=(80, 20)):
        log = app.query_one(RunLog)
        for start in range(0, 50_000, 10_000):
            log.append(lines(start, start + 10_000))
        assert log.line_count == max_lines
        assert len(log._lines) == max_lines
        assert log.dropped_count == 49_000


async def test_paused_view_keeps_its_lines_when_the_cap_drops_old_ones() -> None:
    app = LogApp(max_lines=100)
    async with app.run_test(size=(60, 12)) as pilot:
        log = app.query_one(RunLog)
        log.append(lines(0, 100))
        await pilot.pause()
        await pilot.press("pageup", "pageup")
        assert not log.following
        top = row_texts(log)[0].strip()
        log.append(lines(100, 120))  # drops lines 0..19
        await pilot.pause()
        assert log.dropped_count == 20
        assert row_texts(log)[0].strip() == top
        log.append(lines(120, 300))  # the lines in view are gone: show the oldest held
        await pilot.pause()
        log.action_top()
        assert "200 earlier lines dropped" in row_texts(log)[0]
        assert row_texts(log)[1].strip() == "line 200"
