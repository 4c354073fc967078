"""What a widget asks for, posted up to its screen's controller.

Widgets never import the app, a screen or a form: they post one of these and
the controller (the screen) decides the target from what is on screen,
confirms, opens forms and calls the repository ("attributes down, messages
up"). Every message bubbles.
"""

from __future__ import annotations

from textual.message import Message
from textual.widget import Widget


class ActionRequested(Message):
    """The user pressed the key of a controller action (see ``actions``)."""

    def __init__(self, action_id: str, source: Widget | None = None) -> None:
        super().__init__()
        self.action_id = action_id
        self.source = source


class OpenRun(Message):
    """Open this run's log."""

    def __init__(self, vm_id: str, run_id: str) -> None:
        super().__init__()
        self.vm_id = vm_id
        self.run_id = run_id


class ShowText(Message):
    """Show a block of text in full, in the scrolling viewer."""

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self.title = title
        self.body = body


class IntentSource:
    """A widget whose controller-action bindings (``intent('<id>')``) post
    ``ActionRequested``. Mixed into the widgets that bind such actions."""

    def action_intent(self, action_id: str) -> None:
        self.post_message(ActionRequested(action_id, self))  # type: ignore[attr-defined, arg-type]  # a widget


class OpenConsole(Message):
    """Open the console of this session of this VM."""

    def __init__(self, vm_id: str, session_id: str) -> None:
        super().__init__()
        self.vm_id = vm_id
        self.session_id = session_id
