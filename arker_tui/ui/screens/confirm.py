"""``ConfirmDialog``: every destructive action asks here first.

It names its target and the VM it belongs to, by name and id, and what goes
with it; Cancel has the focus, so a stray ``enter`` backs out. ``y``
confirms, ``n`` / ``esc`` back out. Everything shown is inert text.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ..actions import bindings
from ..server_text import plain
from ..targets import Target


@dataclass(frozen=True)
class ConfirmRequest:
    verb: str  # "Delete", "Cancel"
    target: Target
    consequences: tuple[str, ...] = ()
    hint: str | None = None  # the line under the consequences (default: by verb)
    button: str | None = None  # the confirm button's words (default: verb and kind)

    @property
    def kind(self) -> str:
        return self.target.noun

    @property
    def title(self) -> str:
        return f"{self.verb} {self.target.words()}?"


class ConfirmDialog(ModalScreen[bool]):
    BINDINGS = bindings("confirm")

    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; background: $background 60%; }
    ConfirmDialog > Vertical {
        width: 72; max-width: 96%; height: auto; max-height: 100%;
        border: thick $error; background: $surface; padding: 0 1;
    }
    ConfirmDialog Static { width: 100%; height: auto; }
    ConfirmDialog .title { text-style: bold; color: $error; margin-bottom: 1; }
    ConfirmDialog .consequences { color: $warning; }
    ConfirmDialog .hint { color: $text-muted; }
    ConfirmDialog Horizontal { height: auto; width: 100%; align-horizontal: right; }
    ConfirmDialog Button { margin-left: 2; min-width: 10; }
    """

    def __init__(self, request: ConfirmRequest) -> None:
        super().__init__()
        self.request = request

    def target_lines(self) -> Text:
        target = self.request.target
        rows = [(target.noun, target.name, target.key)]
        if target.vm is not None and target.kind != "vm":
            rows.append(("VM", target.vm.label, target.vm.vm_id))
        text = Text()
        for i, (label, name, ident) in enumerate(rows):
            if i:
                text.append("\n")
            text.append(f"{label:<9}", style="dim")
            text.append_text(plain(name, 50, style="bold"))
            if ident != name:
                text.append("  (")
                text.append_text(plain(ident, 60))
                text.append(")")
        return text

    def confirm_label(self) -> str:
        return self.request.button or f"{self.request.verb} {self.request.kind}"

    def compose(self) -> ComposeResult:
        r = self.request
        with Vertical():
            yield Static(plain(r.title, 300), classes="title")
            yield Static(self.target_lines(), classes="target")
            if r.consequences:
                yield Static(Text("\n").join(plain(f"• {line}", 200) for line in r.consequences),
                             classes="consequences")
            default_hint = "This cannot be undone." if r.verb == "Delete" else "The run stops where it is."
            yield Static(r.hint or default_hint, classes="hint")
            with Horizontal():
                # "Cancel" beside "Cancel run" would read as the action itself.
                back = "Keep running" if r.verb == "Cancel" else "Cancel"
                yield Button(back, id="cancel", variant="default")
                yield Button(self.confirm_label(), id="confirm", variant="error")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_back_out(self) -> None:
        self.dismiss(False)

    def action_switch_button(self) -> None:
        target = "#confirm" if self.focused and self.focused.id == "cancel" else "#cancel"
        self.query_one(target, Button).focus()


SHOWN_TARGETS = 10  # a bulk confirmation names this many, then "and N more"


@dataclass(frozen=True)
class BulkConfirmRequest:
    """One confirmation for every marked item of a list."""

    verb: str  # "Delete", "Cancel"
    targets: tuple[Target, ...]
    consequences: tuple[str, ...] = ()
    hint: str | None = None
    button: str | None = None

    def __post_init__(self) -> None:
        if self.hint is None and self.verb == "Cancel" and len(self.targets) > 1:
            object.__setattr__(self, "hint", "The runs stop where they are.")

    @property
    def kind(self) -> str:
        noun = self.targets[0].noun if self.targets else "item"
        return noun if len(self.targets) == 1 else f"{noun}s"

    @property
    def count_words(self) -> str:
        return f"{len(self.targets)} {self.kind}"

    @property
    def title(self) -> str:
        return f"{self.verb} {self.count_words}?"


class BulkConfirmDialog(ConfirmDialog):
    """Names every target up to ``SHOWN_TARGETS``, then how many more."""

    request: BulkConfirmRequest  # type: ignore[assignment]

    def __init__(self, request: BulkConfirmRequest) -> None:
        super().__init__(request)  # type: ignore[arg-type]

    def confirm_label(self) -> str:
        return f"{self.request.verb} {self.request.count_words}"

    def target_lines(self) -> Text:
        targets = self.request.targets
        text = Text()
        vm_ids = {target.vm_id for target in targets}
        one_vm = targets[0].vm if len(vm_ids) == 1 and targets[0].kind != "vm" else None
        if one_vm is not None:  # every target on one VM: named once
            text.append(f"{'VM':<9}", style="dim")
            text.append_text(plain(one_vm.label, 50, style="bold"))
            text.append("  (")
            text.append_text(plain(one_vm.vm_id, 60))
            text.append(")\n")
        shown = self.shown_count(one_vm is not None)
        for i, target in enumerate(targets[:shown]):
            if i:
                text.append("\n")
            text.append("• ")
            text.append_text(plain(target.name, 40, style="bold"))
            if target.key != target.name:
                text.append("  (")
                text.append_text(plain(target.key, 40))
                text.append(")")
            if target.where and one_vm is None:
                text.append(" ")
                text.append_text(plain(target.where, 60, style="dim"))
        if len(targets) > shown:
            text.append(f"\nand {len(targets) - shown} more", style="italic")
        return text

    def shown_count(self, vm_line: bool) -> int:
        """Up to ``SHOWN_TARGETS``, fewer when the terminal is too short for the
        dialog to show them with its buttons (at least 3)."""
        count = len(self.request.targets)
        # Lines besides the targets: border 2, title 2, consequences, hint 1, buttons 3, "and N more" 1.
        room = self.app.size.height - 9 - len(self.request.consequences) - vm_line
        if count <= min(SHOWN_TARGETS, room):
            return count
        return max(3, min(SHOWN_TARGETS, room - 1))
