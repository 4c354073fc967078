"""A DataList keeps a bounded number of rendered rows: scrolling through an
org's worth of rows does not keep every row's strip, and a row whose strip
was let go is drawn again, the same, when it comes back."""

from __future__ import annotations

from textual.app import App, ComposeResult

from arker_tui.ui.widgets import data_list as data_list_module
from arker_tui.ui.widgets.data_list import Column, DataList
from benchmarks.hooks import RowCounter


class ListApp(App):
    def compose(self) -> ComposeResult:
        yield DataList([Column("NAME"), Column("N", width=6)], key_of=lambda row: row[0],
                       render_row=lambda row: [row[0], str(row[1])])

    def on_mount(self) -> None:
        data_list = self.query_one(DataList)
        data_list.set_items([(f"row-{i:05d}", i) for i in range(data_list_module.STRIPS_KEPT * 3)])
        data_list.focus()


def line(data_list: DataList, y: int) -> str:
    return "".join(segment.text for segment in data_list.render_line(y))


async def test_strips_of_rows_scrolled_past_are_let_go_and_drawn_again_the_same():
    app = ListApp()
    async with app.run_test(size=(60, 20)) as pilot:
        data_list = app.query_one(DataList)
        rows = RowCounter(data_list)
        first = line(data_list, 1)
        assert "row-00000" in first
        for _ in range(data_list.row_count // 17 + 1):
            data_list.action_page_down()  # what pagedown does, without a frame per page
            for y in range(1, data_list.size.height):
                data_list.render_line(y)  # as a paint of each screen would
        assert data_list.cursor_key == f"row-{data_list.row_count - 1:05d}"
        assert len(data_list._strip_cache) <= data_list_module.STRIPS_KEPT
        rendered = rows.count
        await pilot.press("home")
        await pilot.press("down")
        assert line(data_list, 1) == first
        assert rows.count > rendered  # its strip had been let go


async def test_a_list_that_gets_fewer_rows_under_its_scroll_shows_them_from_the_top():
    # Another VM selected: its list is shorter than where the last one was scrolled.
    app = ListApp()
    async with app.run_test(size=(60, 20)) as pilot:
        data_list = app.query_one(DataList)
        await pilot.press("end")
        await pilot.pause()
        assert data_list.scroll_y > 0
        data_list.set_items([(f"few-{i}", i) for i in range(40)])  # still more than a screen: same scrollbar
        await pilot.pause()
        assert data_list.scroll_y <= data_list.max_scroll_y
        shown = [line(data_list, y) for y in range(1, data_list.size.height)]
        assert any("few-39" in text for text in shown)  # the cursor's row, the last one, in view
        data_list.set_items([("only", 1)])  # fits the screen: the scrollbar goes
        await pilot.pause()
        assert data_list.scroll_y == 0 and "only" in line(data_list, 1)
        assert not data_list.show_vertical_scrollbar
