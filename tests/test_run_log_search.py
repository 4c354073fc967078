"""The run log's search, filter, streams, save and copy: Pilot against the emulator."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Offset
from textual.selection import Selection

from arker_tui.api import models as m
from arker_tui.ui.forms.save_log import SaveLogForm
from arker_tui.ui.log_search import Query
from arker_tui.ui.widgets.run_log import RunLog
from tests.dashboard_support import demo_app, demo_backend, main_screen, select_vm, wait_for

SIZE = (120, 40)


@pytest.fixture
def backend():
    return demo_backend()


def row_texts(log: RunLog) -> list[str]:
    return ["".join(s.text for s in log.render_line(y)) for y in range(log.scrollable_content_region.height)]


async def open_progress_run(pilot, app, backend, count: int = 40, advance: float = 12.0):
    """A background ``progress`` run on scratch (stdout lines, a stderr note every 5), open in the log."""
    world = backend.emulator.world
    vm = world.find_vm_by_name("scratch")
    started = world.run(vm.vm_id, m.RunRequest(command=f"progress {count} 1", background=True))
    world.clock.advance(advance)
    screen = app.screen
    await select_vm(pilot, app, "scratch")
    await pilot.press("2")
    runs = screen.query_one("#runs-pane")
    await wait_for(pilot, lambda: started["run_id"] in {r.run_id for r in runs.data_list.items()})
    runs.data_list.move_cursor_to_key(started["run_id"])
    await pilot.press("enter")
    view = screen.run_view
    log = view.log_view
    await wait_for(pilot, lambda: view.run is not None and log.line_count + log.dropped_count >= int(advance))
    return world, view


def status(view) -> str:
    return str(view.search_bar.status.render())


async def test_search_counts_matches_also_in_output_that_arrives_later(backend):
    app = demo_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        world, view = await open_progress_run(pilot, app, backend)
        log = view.log_view
        await pilot.press("slash", *"CHECKPOINT")  # any case by default
        assert view.search_bar.display and view.search_bar.input.has_focus
        await wait_for(pilot, lambda: "of 2" in status(view), what="2 checkpoint notes after 12 s")
        assert log.search.total == 2
        # Every match on screen is highlighted.
        match_style = log.get_component_rich_style("run-log--match", partial=True)
        current_style = log.get_component_rich_style("run-log--match-current", partial=True)
        highlighted = [seg.text for y in range(log.scrollable_content_region.height)
                       for seg in log.render_line(y) if seg.style and seg.style.bgcolor
                       in (match_style.bgcolor, current_style.bgcolor)]
        assert highlighted and all(text.lower() == "checkpoint" for text in highlighted)
        world.clock.advance(20)  # 32 s: notes 5 .. 30
        await wait_for(pilot, lambda: log.search.total == 6, what="output that arrived after opening")
        await wait_for(pilot, lambda: "of 6" in status(view))
        # Typing narrows it at once.
        await pilot.press(*" 3")
        await wait_for(pilot, lambda: "match 1 of 1" in status(view))
        assert app.is_running


async def test_n_and_shift_n_move_between_matches_and_stop_following(backend):
    app = demo_app(backend)
    async with app.run_test(size=(100, 16)) as pilot:  # short: the matches do not all fit
        world, view = await open_progress_run(pilot, app, backend, advance=40)
        log = view.log_view
        await pilot.press("slash", *"progress 1")  # 1, 10..19
        await wait_for(pilot, lambda: log.search is not None and log.search.total == 11)
        await pilot.press("enter")
        assert log.has_focus and view.search_bar.display  # back in the log, the search kept
        await pilot.press("g")  # the top
        log.search.current = None
        await pilot.press("n")
        assert not log.following
        assert log.search.current is not None
        assert "match 1 of 11" in status(view)
        first_line = log.plain_lines()[log.search.current[0] - log.dropped_count]
        assert first_line.startswith("progress 1/")
        for _ in range(5):
            await pilot.press("n")
        assert "match 6 of 11" in status(view)
        line = log.search.current[0]
        await pilot.press("N")
        assert "match 5 of 11" in status(view) and log.search.current[0] < line
        # The current match is on screen.
        shown = "\n".join(row_texts(log))
        assert log.plain_lines()[log.search.current[0] - log.dropped_count] in shown
        # esc closes the search and keeps the position.
        top = log.scroll_y
        await pilot.press("escape")
        assert log.search is None and not view.search_bar.display
        assert log.scroll_y == top and view.run_id is not None and main_screen(app).run_view_open
        await pilot.press("n")  # no search now: it says so
        assert any("No search" in n.message for n in app._notifications)


async def test_a_bad_regular_expression_is_reported_in_the_search_line(backend):
    app = demo_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        world, view = await open_progress_run(pilot, app, backend)
        await pilot.press("slash", "ctrl+r", *"progress (")
        await wait_for(pilot, lambda: "bad regular expression" in status(view))
        assert view.search_bar.status.has_class("error")
        assert view.log_view.search.total == 0
        await pilot.press("backspace", *r"(\d+)/")
        await wait_for(pilot, lambda: "of 12" in status(view))  # groups count once per match
        assert not view.search_bar.status.has_class("error")
        assert app.is_running
        await pilot.press("escape")  # in the search line: closes the search, not the run log
        assert view.log_view.search is None and not view.search_bar.display
        assert main_screen(app).run_view_open and view.log_view.has_focus


async def test_the_filter_hides_and_counts_lines_and_filters_new_output(backend):
    app = demo_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        world, view = await open_progress_run(pilot, app, backend)
        log = view.log_view
        await pilot.press("slash", *"checkpoint", "ctrl+f")
        await wait_for(pilot, lambda: log.search.filter and "hidden" in status(view))
        texts = [t.strip() for t in row_texts(log) if t.strip()]
        assert texts and all("checkpoint" in t for t in texts), texts
        held = log.line_count
        assert log.hidden_count == held - 2
        assert f"{held - 2} lines hidden" in status(view)
        world.clock.advance(10)
        await wait_for(pilot, lambda: log.search.total == 4)
        await wait_for(pilot, lambda: f"{log.line_count - 4} lines hidden" in status(view))
        texts = [t.strip() for t in row_texts(log) if t.strip()]
        assert len(texts) == 4 and all("checkpoint" in t for t in texts)
        await pilot.press("ctrl+f")  # filter off: every line again
        await wait_for(pilot, lambda: any("progress" in t for t in row_texts(log)))


async def test_stderr_is_marked_and_the_streams_key_cycles(backend):
    app = demo_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        world, view = await open_progress_run(pilot, app, backend)
        log = view.log_view
        log.action_top()
        await pilot.pause()
        rows = [log.render_line(y) for y in range(log.scrollable_content_region.height)]
        texts = ["".join(s.text for s in r) for r in rows]
        label = next(i for i, t in enumerate(texts) if t[1:].startswith("stderr"))
        err = next(i for i, t in enumerate(texts) if "note: checkpoint" in t)
        assert err == label + 1  # the label tops the stderr block
        gutter = list(rows[err])[0]
        assert gutter.text == "▌" and gutter.style.color is not None
        assert list(rows[label])[0].text == "▌"
        assert all(list(rows[i])[0].text == " " for i, t in enumerate(texts) if t.strip().startswith("progress"))
        await pilot.press("t")
        assert log.streams == "stdout"
        await pilot.pause()
        shown = "\n".join(row_texts(log))
        assert "progress" in shown and "checkpoint" not in shown and "stderr" not in shown
        assert "stdout only" in str(view.header.render())
        await pilot.press("t")
        assert log.streams == "stderr"
        await pilot.pause()
        lines = [t.strip() for t in row_texts(log) if t.strip()]
        assert lines and all(t.startswith("▌note: checkpoint") or t.startswith("note") or "checkpoint" in t
                             for t in lines)
        assert log.hidden_count == log.line_count - 2
        await pilot.press("t")
        assert log.streams == "both"


async def test_save_writes_refuses_silent_overwrite_and_reports_the_cap(backend, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = demo_app(backend, run_log_cap=10)
    async with app.run_test(size=SIZE) as pilot:
        world, view = await open_progress_run(pilot, app, backend, advance=20)
        log = view.log_view
        assert log.dropped_count > 0
        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(app.screen, SaveLogForm))
        form = app.screen
        path_input = form.query_one("#save-path")
        assert path_input.value == f"./scratch-{view.run_id}.log"
        await pilot.press("ctrl+s")
        target = tmp_path / f"scratch-{view.run_id}.log"
        await wait_for(pilot, lambda: not isinstance(app.screen, SaveLogForm))
        written = target.read_text().splitlines()
        output = [line for line in written if not line.startswith("--- ")]
        assert len(output) == log.line_count and len(written) == 10  # the cap holds 10 entries, labels too
        assert all("\x1b" not in line for line in written)
        assert set(output) <= set(log.plain_lines())
        note = next(n.message for n in app._notifications if "Saved" in n.message)
        assert str(target) in note and f"{len(output)} lines" in note
        assert f"{log.dropped_count:,} earlier lines are not in it" in note
        # Again: the file exists, nothing is replaced without asking.
        before = target.read_text()
        world.clock.advance(5)
        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(app.screen, SaveLogForm))
        form = app.screen
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "exists" in form.api_error)
        assert target.read_text() == before and isinstance(app.screen, SaveLogForm)
        form.query_one("#save-replace").value = True
        form.query_one("#save-colours").value = True
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, SaveLogForm))
        assert target.read_text() != before


async def test_y_copies_the_lines_on_screen(backend):
    app = demo_app(backend)
    async with app.run_test(size=(100, 18)) as pilot:
        world, view = await open_progress_run(pilot, app, backend, advance=30)
        log = view.log_view
        log.action_top()
        await pilot.pause()

        def on_screen() -> list[str]:
            rows = row_texts(log)
            return [t[1:].rstrip() for t in rows if t.strip() and not t[1:].startswith(("stderr", "stdout"))]

        await pilot.press("y")
        copied = app.clipboard.splitlines()
        assert copied == on_screen() and 3 < len(copied) < log.line_count
        assert copied[0] == "note: checkpoint 5"  # a running run's stderr block comes first
        await pilot.press("pagedown")
        await pilot.press("y")
        assert app.clipboard.splitlines() == on_screen() != copied
        assert any(line.startswith("progress") for line in app.clipboard.splitlines())

        # A selection (as the mouse makes one) is copied instead, and shown.
        log.action_top()
        await pilot.pause()
        rows = row_texts(log)
        first = next(i for i, t in enumerate(rows) if "progress 1/" in t)
        app.screen.selections = {log: Selection(Offset(9, first), Offset(4, first + 2))}
        await pilot.pause()
        await pilot.press("y")
        assert app.clipboard == "1/40 2%\nprogress 2/40 5%\nprog"
        selected_style = app.screen.get_component_rich_style("screen--selection")
        assert any(seg.style and selected_style.bgcolor and seg.style.bgcolor == selected_style.bgcolor
                   for seg in log.render_line(first + 1))


async def test_search_keys_are_in_the_palette_and_slash_elsewhere_still_filters(backend):
    app = demo_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        world, view = await open_progress_run(pilot, app, backend)
        titles = {a.command for a in main_screen(app).palette_actions()}
        assert {"Search the run log", "Save the run log to a file…"} <= titles
        await pilot.press("escape")  # close the run log
        await wait_for(pilot, lambda: not main_screen(app).run_view_open)
        main_screen(app).vm_tree.focus()
        await pilot.press("slash")
        vm_pane = main_screen(app).workspace.vm_pane
        assert vm_pane.filter_input is not None and vm_pane.filter_input.has_focus


class LogApp(App[None]):
    def compose(self) -> ComposeResult:
        yield RunLog(wrap=True, max_lines=50, stream_labels=True)


async def test_filter_and_streams_with_wrapped_lines_and_the_cap():
    app = LogApp()
    async with app.run_test(size=(30, 12)) as pilot:
        log = app.query_one(RunLog)
        long = "x" * 45
        log.append("".join(f"out {i} {long if i % 3 == 0 else ''}\n" for i in range(20)),
                   "".join(f"err {i} needle\n" for i in range(5)))
        await pilot.pause()
        log.set_query(Query("needle"))
        log.set_filter(True)
        await pilot.pause()
        texts = [t.strip() for t in row_texts(log) if t.strip()]
        assert texts == [f"▌err {i} needle" for i in range(5)]
        assert log.hidden_count == 20
        log.set_filter(False)
        log.set_streams("stdout")
        await pilot.pause()
        rows = row_texts(log)
        assert not any("err" in t or "stderr" in t for t in rows)
        assert rows[0].strip().startswith("out 0 xxx") and rows[1].strip().startswith("xxx")  # wrapped
        assert rows[0][1:].rstrip() + rows[1][1:].rstrip() == "out 0 " + long and rows[2].strip() == "out 1"
        # More than the cap: the filtered view drops what the cap drops.
        log.set_streams("both")
        log.set_filter(True)
        log.append("", "".join(f"late {i} needle\n" for i in range(60)))
        await pilot.pause()
        assert log.search.total == log.line_count - log.hidden_count == log.line_count  # only needles held
        log.action_top()
        await pilot.pause()
        shown = [t.strip() for t in row_texts(log) if t.strip()]
        assert "earlier lines dropped" in shown[0]
        assert shown[1] == f"▌late {60 - log.line_count} needle"
