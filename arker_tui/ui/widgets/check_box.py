"""``CheckBox``: Textual's ``Checkbox`` drawn as ``[x]`` / ``[ ]``, so its
state reads without colour (Textual's draws the same mark both ways)."""

from __future__ import annotations

from textual.widgets import Checkbox


class CheckBox(Checkbox):
    BUTTON_LEFT = "["
    BUTTON_RIGHT = "]"

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # a class constant in Textual, per state here
        return "x" if self.value else " "
