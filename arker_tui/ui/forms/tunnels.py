"""``NewTunnelForm`` (ports, auth mode) and ``TokenDialog``, which shows an
authenticated tunnel's one-time token once.

The token is a secret: it is shown in the dialog and copied on request, and
nothing else keeps it. It is not logged, not notified, not in the command
palette; the dialog forgets it when it closes (and clears the app's internal
clipboard copy if that still holds it).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

from ...api import models as m
from ..actions import bindings
from ..compat import forget_clipboard
from ..terminal_text import safe_label
from . import validation as v
from .base import FormScreen


@dataclass
class OneTimeToken:
    label: str  # "port 8080 · https://…" (no secret)
    token: str


def take_tokens(tunnels: list[m.Tunnel | dict]) -> list[OneTimeToken]:
    """The one-time tokens of freshly created tunnels, removed from them."""
    found: list[OneTimeToken] = []
    for t in tunnels:
        tunnel = m.Tunnel.model_validate(t) if isinstance(t, dict) else t
        if tunnel.auth_token:
            found.append(OneTimeToken(f"port {tunnel.port} · {tunnel.url or tunnel.state}", tunnel.auth_token))
        if isinstance(t, dict):
            t.pop("auth_token", None)
        else:
            t.auth_token = None
    return found


def created_tunnels(result: m.Tunnel) -> list[m.Tunnel | dict]:
    """A create answer: one tunnel, plus every port's under ``tunnels`` when several."""
    extra = result.extra_fields.get("tunnels")
    return list(extra) if isinstance(extra, list) and extra else [result]


class NewTunnelForm(FormScreen[list[OneTimeToken]]):
    FORM_TITLE = "New tunnel"
    SUBMIT_LABEL = "Open"
    ACTION = "tunnels.new"

    def __init__(self, vm: m.Vm) -> None:
        super().__init__()
        self.vm = vm

    def intro(self) -> str:
        return f"expose ports of {self.vm.label} ({self.vm.vm_id}); an authenticated tunnel's token is shown once"

    def compose_fields(self) -> ComposeResult:
        yield from self.row("ports", "Ports", Input(placeholder="8080, 3000", compact=True, id="tunnel-ports"))
        yield from self.row("auth", "Auth mode", Select([(mode, mode) for mode in m.TUNNEL_AUTH_MODES],
                                                        value="open", allow_blank=False, compact=True,
                                                        id="tunnel-auth"))

    def errors(self) -> dict[str, str]:
        error = v.check_ports("Ports", self.value("ports"))
        return {"ports": error} if error else {}

    def build(self) -> m.TunnelRequest:
        return m.TunnelRequest(ports=v.parse_ports(self.value("ports")), auth_mode=str(self.field("auth").value))

    async def send(self, request: m.TunnelRequest) -> list[OneTimeToken]:
        result = await self.app.repository.create_tunnel(self.vm.vm_id, request)
        return take_tokens(created_tunnels(result))


class TokenDialog(ModalScreen[None]):
    """Shows one-time tokens once, with copy; forgets them on close."""

    BINDINGS = bindings("token")

    DEFAULT_CSS = """
    TokenDialog { align: center middle; background: $background 60%; }
    TokenDialog > Vertical { width: 84; max-width: 96%; height: auto; border: thick $warning;
        background: $surface; padding: 1 2; }
    TokenDialog .token-title { text-style: bold; color: $warning; margin-bottom: 1; }
    TokenDialog .token-warning { color: $warning; text-style: bold; margin-top: 1; }
    TokenDialog .token-label { color: $text-muted; }
    TokenDialog .token-value { background: $boost; padding: 0 1; margin-bottom: 1; }
    TokenDialog #token-ask { color: $error; text-style: bold; margin-top: 1; display: none; }
    TokenDialog #token-ask.visible { display: block; }
    TokenDialog Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    TokenDialog Button { margin-left: 2; }
    """

    def __init__(self, tokens: list[OneTimeToken]) -> None:
        super().__init__()
        self._tokens = list(tokens)
        self.copied = False
        self.asked = False  # closing asked "copied it?" once

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Tunnel access token" + ("s" if len(self._tokens) > 1 else ""), classes="token-title")
            for i, t in enumerate(self._tokens):
                yield Static(safe_label(t.label, 120), classes="token-label", markup=False)
                yield Static(safe_label(t.token), classes="token-value", markup=False, id=f"token-{i}")
            yield Static("This token will not be shown again. Copy it now; it is not stored anywhere.",
                         classes="token-warning")
            yield Static("Copied it? It will not be shown again. Close again to throw it away; c copies it.",
                         id="token-ask")
            with Horizontal():
                yield Button("Copy (c)", id="token-copy", variant="warning", compact=True)
                yield Button("Close", id="token-close", compact=True)

    def on_mount(self) -> None:
        self.query_one("#token-copy", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "token-copy":
            self.action_copy()
        else:
            self.action_close()

    def action_copy(self) -> None:
        if not self._tokens:
            return
        self.app.copy_to_clipboard("\n".join(t.token for t in self._tokens))
        self.copied = True
        self.query_one("#token-ask").remove_class("visible")
        self.notify("Token copied to the clipboard.", timeout=3)

    def action_close(self) -> None:
        if not self.copied and not self.asked:
            self.asked = True
            self.query_one("#token-ask").add_class("visible")
            self.query_one("#token-close", Button).label = "Close: throw it away"
            return
        # The app keeps a copy of what it put on the clipboard: drop it.
        forget_clipboard(self.app, {t.token for t in self._tokens} | {"\n".join(t.token for t in self._tokens)})
        self._tokens.clear()
        for static in self.query(".token-value").results(Static):
            static.update("")
        self.dismiss(None)
