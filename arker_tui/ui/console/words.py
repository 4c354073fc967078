"""What the console writes into its scrollback besides the output itself:
the end of a command (exit code, interruption, the platform's fail_reason)
and every failure, in words. All of it is inert text (server strings pass
through ``server_text``)."""

from __future__ import annotations

from ...api import models as m
from ...api.errors import ArkerError
from ..server_text import plain

SIGNAL_EXITS = {130: "SIGINT", 137: "SIGKILL", 143: "SIGTERM", 129: "SIGHUP"}


def _server(text: object, cells: int = 300) -> str:
    return plain(text, cells).plain


def ending(result: m.CompletedRunResponse) -> str | None:
    """The note after a command's output; None for a plain success."""
    if result.state == "failed":
        return f"✖ the platform failed the run: {_server(result.fail_reason or 'no reason given')}"
    code = result.exit_code
    if code == 130:
        return "^C interrupted (SIGINT, exit 130)"
    if code in SIGNAL_EXITS:
        return f"✖ ended by {SIGNAL_EXITS[code]} (exit {code})"
    if code not in (0, None):
        return f"✖ exit {code}"
    if result.state not in ("completed", None):
        return f"✖ the run ended {_server(result.state, 24)}"
    return None


def failure(error: ArkerError, *, what: str = "the command") -> str:
    """Why nothing ran (or a signal was not delivered), in words."""
    detail = f"({error.code}: {_server(error.message)})"
    code = error.code
    if code == "conflict":
        return (f"The session is busy: another command is still running in it, so {what} was not sent "
                f"{detail}. Wait for it to end, or send it a signal (k in Sessions).")
    if code == "not_found":
        return f"The VM or this session is gone (deleted elsewhere?), so {what} was not run {detail}."
    if code == "network_error":
        return (f"No answer from the server {detail}: {what} may or may not have run. "
                "The line is back in the input: enter sends it again with the same Idempotency-Key, "
                "so it runs at most once.")
    if code in ("unsupported_operation", "not_implemented"):
        return f"This backend does not support {what} {detail}."
    return f"{what.capitalize()} failed {detail}."


def signal_failure(error: ArkerError, signal: str) -> str:
    """Why a signal did not reach the session, in words."""
    detail = f"({error.code}: {_server(error.message)})"
    if error.code in ("unsupported_operation", "not_implemented"):
        return f"{signal} was not sent: this backend does not support signals to a session {detail}."
    if error.code == "not_found":
        return f"{signal} was not sent: the VM or this session is gone (deleted elsewhere?) {detail}."
    if error.code == "network_error":
        return f"{signal} may not have arrived: no answer from the server {detail}. ctrl+c sends it again."
    return f"{signal} was not sent {detail}."
