"""``FormScreen``: the modal every action form is built on.

A subclass yields its rows with ``self.row(name, label, widget)``, says what
is wrong in ``errors()`` (field name -> message naming the field and why),
builds the request in ``build()`` and sends it in ``send()``. The base:

- re-validates on every change and shows each field's error under it once
  the user has typed in it or left it (an untouched empty field is not
  called wrong before they get to it), and every error on a submit;
- keeps the submit button disabled while anything is wrong (nothing is sent);
- ``esc`` cancels; ``ctrl+s``, or ``enter`` in a one-line field, submits once
  every field is valid (else the first wrong field gets the focus);
- focuses ``FIRST_FIELD`` first (the field the user most likely types in);
- sends in a worker; an ``ArkerError`` is shown in words inside the form and
  every typed value stays, so the user can fix it and submit again;
- on success dismisses with ``send``'s result (the opener acts on it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, RadioSet, Select, Static, TextArea

from ...api.errors import ArkerError
from ..actions import action, bindings
from ..server_text import error_text
from ..terminal_text import safe_label

if TYPE_CHECKING:
    from textual import getters

    from ..app_base import ArkerAppBase

T = TypeVar("T")


class Refused(Exception):
    """Raised by ``send`` to stop with a message (nothing was sent)."""


def form_hint() -> str:
    """The one hint line every form shows, from the keys the table gives them."""
    submit, cancel = action("form.submit"), action("form.cancel")
    return f"enter or {submit.keys} submit · {cancel.keys.split(',')[0]} cancel · tab next field"


class FormScreen(ModalScreen[T], Generic[T]):
    if TYPE_CHECKING:  # the app typed (see app_base)
        app = getters.app(ArkerAppBase)

    FORM_TITLE = "Form"
    SUBMIT_LABEL = "Submit"
    FIRST_FIELD: str | None = None  # the field focused first (None: the first one)
    ACTION = ""  # the action id the form performs (refused read-only when it is mutating)

    BINDINGS = bindings("form")

    DEFAULT_CSS = """
    FormScreen { align: center middle; background: $background 60%; }
    FormScreen > #form-box {
        width: 80; max-width: 96%; height: auto; max-height: 94%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    FormScreen .form-title { text-style: bold; color: $accent; height: 1; margin-bottom: 1; }
    FormScreen .form-intro { color: $text-muted; height: auto; margin-bottom: 1; }
    FormScreen #form-fields { height: auto; max-height: 30; }
    FormScreen .form-row { height: auto; }
    FormScreen .form-label { width: 20; height: 1; padding-right: 1; color: $text; }
    FormScreen .form-row > Input, FormScreen .form-row > Select { width: 1fr; }
    FormScreen .form-row > TextArea { width: 1fr; height: 5; }
    FormScreen .form-row > Horizontal { width: 1fr; height: auto; }
    FormScreen .form-row RadioSet { width: 1fr; height: auto; layout: horizontal; }
    FormScreen .form-row Checkbox { width: auto; margin-right: 1; }
    FormScreen .form-error { color: $error; height: auto; padding-left: 20; display: none; }
    FormScreen .form-error.visible { display: block; }
    FormScreen .form-section { color: $text-muted; text-style: bold; height: 1; margin-top: 1; }
    FormScreen #form-api-error { color: $error; height: auto; display: none; margin-top: 1;
        border-left: thick $error; padding-left: 1; }
    FormScreen #form-api-error.visible { display: block; }
    FormScreen .form-buttons { height: auto; align-horizontal: right; margin-top: 1; }
    FormScreen .form-buttons Button { margin-left: 2; min-width: 12; }
    FormScreen .form-hint { color: $text-muted; height: 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.busy = False
        self._fields: dict[str, Widget] = {}
        self._shown_errors: dict[str, str] = {}
        self._touched: set[str] = set()  # fields the user typed in or left
        self._submitted = False  # a submit was tried: every error shows
        self.api_error = ""  # the last refusal, as shown

    # --- subclass hooks ---------------------------------------------------------

    def intro(self) -> str:
        """A line under the title (what this acts on)."""
        return ""

    def compose_fields(self) -> ComposeResult:
        raise NotImplementedError

    def errors(self) -> dict[str, str]:
        """Field name -> what is wrong with it (the message names the field)."""
        return {}

    def build(self) -> Any:
        raise NotImplementedError

    async def send(self, request: Any) -> T:
        raise NotImplementedError

    # --- composition ------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box"):
            yield Static(self.FORM_TITLE, classes="form-title", markup=False)
            intro = self.intro()
            if intro:
                yield Static(safe_label(intro, 300), classes="form-intro", markup=False)
            with VerticalScroll(id="form-fields"):
                yield from self.compose_fields()
            yield Static("", id="form-api-error", markup=False)
            with Horizontal(classes="form-buttons"):
                yield Button("Cancel", id="form-cancel", compact=True)
                yield Button(self.SUBMIT_LABEL, id="form-submit", variant="primary", compact=True)
            yield Static(form_hint(), classes="form-hint", markup=False)

    def row(self, name: str, label: str, widget: Widget) -> ComposeResult:
        """One labelled field with its error line."""
        self._fields[name] = widget
        with Horizontal(classes="form-row", id=f"row-{name}"):
            yield Label(label, classes="form-label")
            yield widget
        yield Static("", classes="form-error", id=f"error-{name}", markup=False)

    def checks(self, name: str, label: str, boxes: list[Checkbox]) -> ComposeResult:
        """A labelled row of checkboxes with one error line (``name`` focuses the first)."""
        self._fields[name] = boxes[0]
        with Horizontal(classes="form-row", id=f"row-{name}"):
            yield Label(label, classes="form-label")
            with Horizontal():
                yield from boxes
        yield Static("", classes="form-error", id=f"error-{name}", markup=False)

    def section(self, title: str) -> Static:
        return Static(title, classes="form-section", markup=False)

    def field(self, name: str) -> Any:  # an Input, Select, Checkbox... (each has a value)
        return self._fields[name]

    def value(self, name: str) -> str:
        widget = self._fields[name]
        if isinstance(widget, TextArea):
            return widget.text
        if isinstance(widget, Input):
            return widget.value
        raise TypeError(f"{name} is not a text field")

    def on_mount(self) -> None:
        self.revalidate()
        first = self._fields.get(self.FIRST_FIELD) if self.FIRST_FIELD else None
        first = first or next(iter(self._fields.values()), None)
        if first is not None:
            first.focus()

    # --- validation -------------------------------------------------------------

    @property
    def submit_button(self) -> Button:
        return self.query_one("#form-submit", Button)

    def _shows_errors_of(self, name: str) -> bool:
        widget = self._fields[name]
        typed = isinstance(widget, (Input, TextArea)) and bool(self.value(name).strip())
        return self._submitted or typed or name in self._touched or not isinstance(widget, (Input, TextArea))

    def revalidate(self) -> dict[str, str]:
        errors = self.errors()
        for name in self._fields:
            message = errors.get(name, "") if self._shows_errors_of(name) else ""
            if self._shown_errors.get(name, "") == message:
                continue
            self._shown_errors[name] = message
            line = self.query_one(f"#error-{name}", Static)
            line.update(safe_label(message, 300))
            line.set_class(bool(message), "visible")
        self.submit_button.disabled = bool(errors) or self.busy
        return errors

    def field_error(self, name: str) -> str:
        """The error shown under a field now ('' when none)."""
        return self._shown_errors.get(name, "")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.on_field_changed()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.on_field_changed()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self.on_field_changed()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.on_field_changed()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self.on_field_changed()

    def on_field_changed(self) -> None:
        """Something changed: re-validate (subclasses may show / hide rows first)."""
        if self.is_mounted:
            self.revalidate()

    def on_descendant_blur(self, event) -> None:
        name = next((n for n, w in self._fields.items() if w is event.widget), None)
        if name is not None and name not in self._touched:
            self._touched.add(name)
            self.on_field_changed()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    # --- submitting ---------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "form-cancel":
            self.action_cancel()
        elif event.button.id == "form-submit":
            self.action_submit()

    def action_cancel(self) -> None:
        if not self.busy:
            self.dismiss(None)

    def action_submit(self) -> None:
        if self.busy:
            return
        self._submitted = True
        errors = self.revalidate()
        if errors:
            first = next(iter(errors))
            if first in self._fields:
                self._fields[first].focus()
            return
        if not self.app.allows(self.ACTION):
            self.show_api_error("Read-only mode: nothing can be changed.")
            return
        request = self.build()
        self._set_busy(True)
        self.run_worker(self._send(request), group="form-submit", exclusive=True, exit_on_error=False)

    async def _send(self, request: Any) -> None:
        try:
            result = await self.send(request)
        except ArkerError as error:
            self._set_busy(False)
            self.show_api_error(error_text(error))
            return
        except Refused as refusal:
            self._set_busy(False)
            self.show_api_error(safe_label(str(refusal), 400))
            return
        except Exception as error:  # a bug or an odd answer: say it, keep the form
            self._set_busy(False)
            self.show_api_error(safe_label(f"unexpected error: {type(error).__name__}: {error}", 400))
            return
        self.busy = False
        self.dismiss(result)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        button = self.submit_button
        button.label = "Sending…" if busy else self.SUBMIT_LABEL
        button.disabled = busy or bool(self.errors())

    def show_api_error(self, text: str) -> None:
        self.api_error = text
        line = self.query_one("#form-api-error", Static)
        line.update(text)
        line.set_class(bool(text), "visible")
