"""Shared test hygiene."""

from __future__ import annotations

import pytest

from arker_tui.ui import format as fmt


@pytest.fixture(autouse=True)
def restore_ui_clock():
    """Tests that pin the UI's clock to a world's clock get it back after."""
    clock = fmt.clock
    yield
    fmt.clock = clock
