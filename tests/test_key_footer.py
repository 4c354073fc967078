"""``KeyFooter``: the keys that work where the focus is, on one line."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Button

from arker_tui.ui.widgets.footer import KeyFooter


class Pane(Button):
    BINDINGS = [Binding("d", "delete", "Delete"), Binding("n", "new", "New"),
                Binding("o", "hidden", "Hidden", show=False)]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "new" else True  # None: shown, but disabled


class FooterApp(App[None]):
    BINDINGS = [Binding("x", "ring('x')", "Ring"), Binding("question_mark", "help", "Help"),
                Binding("z", "ring('x')", "Ring too")]  # the same action as x: shown once

    def __init__(self) -> None:
        super().__init__()
        self.rung: list[str] = []

    def compose(self) -> ComposeResult:
        yield Button("plain", id="plain")
        yield Pane("pane", id="pane")
        yield KeyFooter()

    def action_ring(self, what: str) -> None:
        self.rung.append(what)

    def action_help(self) -> None:
        self.rung.append("help")


def line(app: FooterApp) -> str:
    footer = app.query_one(KeyFooter)
    return footer.render().plain


async def test_it_shows_the_focused_widgets_keys_first_and_each_action_once() -> None:
    app = FooterApp()
    async with app.run_test(size=(100, 5)) as pilot:
        app.query_one("#pane").focus()
        await pilot.pause()
        text = line(app)
        assert text.index("d Delete") < text.index("n New") < text.index("x Ring") < text.index("? Help")
        assert "Hidden" not in text and "Ring too" not in text
        footer = app.query_one(KeyFooter)
        new = next(k for k in footer.keys() if k.binding.action == "new")
        assert not new.enabled
        app.query_one("#plain").focus()
        await pilot.pause()
        assert "Delete" not in line(app)  # a focus move redraws it
        assert not footer.children  # drawn, not composed of key widgets


async def test_a_narrow_line_keeps_help_at_the_right_edge() -> None:
    app = FooterApp()
    async with app.run_test(size=(24, 5)) as pilot:
        app.query_one("#pane").focus()
        await pilot.pause()
        text = line(app)
        assert text.endswith("? Help ")
        assert "…" in text and "Ring" not in text
        assert len(text) <= 24


async def test_clicking_a_key_runs_it_and_a_disabled_key_does_nothing() -> None:
    app = FooterApp()
    async with app.run_test(size=(100, 5)) as pilot:
        await pilot.pause()
        footer = app.query_one(KeyFooter)
        footer.render()
        ring = next(k for k in footer._laid_out if k.binding.action == "ring('x')")
        await pilot.click(KeyFooter, offset=(ring.start + 1, 0))
        await pilot.pause()
        assert app.rung == ["x"]
        app.query_one("#pane").focus()
        await pilot.pause()
        footer.render()
        new = next(k for k in footer._laid_out if k.binding.action == "new")
        await pilot.click(KeyFooter, offset=(new.start + 1, 0))
        await pilot.pause()
        assert app.rung == ["x"]
