"""``TabBar``: one line of labels, the active one highlighted, clicked like Textual's tabs."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from arker_tui.ui.widgets.tab_bar import TabBar
from tests.dashboard_support import demo_app, demo_backend, select_vm, wait_for


class BarApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.clicked: list[str] = []

    def compose(self) -> ComposeResult:
        yield TabBar({"a": "Alpha", "b": "Beta 2", "c": "Gamma"}, active="a")

    def on_tab_bar_clicked(self, message: TabBar.Clicked) -> None:
        self.clicked.append(message.tab_id)


def highlighted(bar: TabBar) -> str:
    """The text drawn in the active tab's style."""
    text = bar.render()
    active = bar.get_component_rich_style("tab-bar--active")
    return "".join(text.plain[span.start:span.end] for span in text.spans if span.style == active)


async def test_it_draws_the_labels_and_highlights_the_active_tab() -> None:
    app = BarApp()
    async with app.run_test(size=(40, 4)) as pilot:
        bar = app.query_one(TabBar)
        assert bar.spans() == [("a", 0, 7), ("b", 7, 15), ("c", 15, 22)]
        assert bar.render().plain == " Alpha  Beta 2  Gamma "
        assert highlighted(bar) == " Alpha "
        bar.activate("b")
        bar.set_label("b", "Beta 3")
        await pilot.pause()
        assert bar.render().plain == " Alpha  Beta 3  Gamma " and bar.active == "b"
        assert highlighted(bar) == " Beta 3 "
        with pytest.raises(KeyError):
            bar.activate("nope")


async def test_a_click_on_a_label_says_which_tab() -> None:
    app = BarApp()
    async with app.run_test(size=(40, 4)) as pilot:
        await pilot.click(TabBar, offset=(9, 0))
        await pilot.click(TabBar, offset=(16, 0))
        await pilot.click(TabBar, offset=(30, 0))  # past the last tab: nothing
        await pilot.pause()
        assert app.clicked == ["b", "c"]


async def test_clicking_a_tab_in_the_dashboard_shows_it() -> None:
    backend = demo_backend()
    app = demo_app(backend)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await select_vm(pilot, app, "ml-train")
        tunnels = next(start for tab_id, start, _ in screen.workspace.tab_bar.spans() if tab_id == "tunnels")
        await pilot.click(TabBar, offset=(tunnels + 1, 0))
        workspace = screen.workspace
        await wait_for(pilot, lambda: workspace.tunnels_pane.is_mounted
                       and workspace.tunnels_pane.data_list.total_count > 0)
        assert workspace.tab_bar.active == "tunnels" and workspace.tunnels_pane.vm_id == screen.selected_vm_id
        assert not screen.query_one("TabPage#runs").display
    await backend.client.aclose()
