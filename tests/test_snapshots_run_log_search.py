"""SVG snapshots of the run log's search line and filter (80x24 and 120x40)."""

from __future__ import annotations

import pytest

from arker_tui.ui.widgets.status_bar import StatusBar
from tests.dashboard_support import picture_settled, wait_for
from tests.test_snapshots_dashboard import snapshot_app

SIZES = [(80, 24), (120, 40)]


@pytest.fixture(autouse=True)
def fixed_data_age(monkeypatch):
    monkeypatch.setattr(StatusBar, "age_text", lambda self: "2 s ago")


def searched_app(keys: list[str], done):
    app, open_log = snapshot_app("runlog")

    async def run_before(pilot) -> None:
        await open_log(pilot)
        await pilot.press(*keys)
        view = app.screen.run_view
        await wait_for(pilot, lambda: done(view))
        await picture_settled(pilot, app)

    return app, run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_search(snap_compare, size):
    app, run_before = searched_app(["slash", *"loss=0.30"],
                                   lambda view: "match" in str(view.search_bar.status.render()))
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_filter(snap_compare, size):
    app, run_before = searched_app(["slash", *"checkpoint", "ctrl+f"],
                                   lambda view: "hidden" in str(view.search_bar.status.render()))
    assert snap_compare(app, terminal_size=size, run_before=run_before)
