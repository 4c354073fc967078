"""Border titles are assigned only when they change (ui/widgets/border_titles.py):
Textual repaints a pane, and all it holds, on every assignment."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Static

from arker_tui.ui.widgets.border_titles import set_border_subtitle, set_border_title


class CountedPane(Static):
    def __init__(self) -> None:
        super().__init__("rows")
        self.refreshes = 0

    def refresh(self, *regions, **kwargs):  # type: ignore[no-untyped-def, override]
        self.refreshes += 1
        return super().refresh(*regions, **kwargs)


class TitleApp(App[None]):
    def compose(self) -> ComposeResult:
        yield CountedPane()


async def test_an_equal_title_or_subtitle_does_not_repaint_the_pane():
    app = TitleApp()
    async with app.run_test() as pilot:
        pane = app.query_one(CountedPane)
        set_border_title(pane, Text("VMs 10,000"))
        set_border_subtitle(pane, Text("? parent unknown", style="yellow"))
        await pilot.pause()
        before = pane.refreshes
        set_border_title(pane, Text("VMs 10,000"))  # an equal Text, made anew (as every event makes it)
        set_border_subtitle(pane, Text("? parent unknown", style="yellow"))
        assert pane.refreshes == before
        assert "VMs 10,000" in str(pane.border_title) and "parent unknown" in str(pane.border_subtitle)

        set_border_title(pane, Text("VMs 10,001"))
        assert pane.refreshes == before + 1 and "VMs 10,001" in str(pane.border_title)
        assert "parent unknown" in str(pane.border_subtitle)  # the subtitle stays
        set_border_subtitle(pane, None)
        assert pane.refreshes == before + 2 and pane.border_subtitle is None
