"""Telling the user that a watched run ended, wherever they are in the app.

Three ways, each switched in the config file's ``[watched_runs]`` table:
an in-app notification (on by default) naming the VM, the command (trimmed),
the new state, the exit code and the duration, with the key that opens the
run; the terminal bell (on); and a desktop notification (off), an OSC 9 or
OSC 777 sequence for the terminals known to show one. Every piece of server
text is sanitized (``server_text``); what goes into an OSC sequence is also
stripped of every control character and of ``;`` (a field separator there),
so nothing from the server can end the sequence and write its own.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Mapping

from ..repository.watched import WatchedRun
from . import format as fmt
from .compat import write_to_terminal
from .server_text import plain

COMMAND_CELLS = 60  # of the command, in the notification
OSC_CELLS = 180  # of a desktop notification's text
ESC, BEL = "\x1b", "\x07"


# --- words ------------------------------------------------------------------------------


def severity_of(run: WatchedRun) -> str:
    """Failed, or a non-zero exit code: an error; cancelled: a warning; a clean exit: information."""
    if run.failed:
        return "error"
    if run.state == "cancelled":
        return "warning"
    return "information"


def result_words(run: WatchedRun) -> str:
    """ "completed · exit 0", "failed", "cancelled · exit 130"."""
    words = fmt.trim(run.state or "ended", 24)
    if run.exit_code is not None:
        words += f" · exit {run.exit_code}"
    return words


def ended_title(run: WatchedRun) -> str:
    return f"Watched run {fmt.trim(run.state or 'ended', 24)}"


def _took(run: WatchedRun) -> str:
    took = fmt.duration(run.started_at, run.completed_at) if run.started_at and run.completed_at else "-"
    return "" if took == "-" else f" · {took}"


def ended_summary(run: WatchedRun) -> str:
    """One line: command on VM: state · exit code · duration (sanitized, trimmed)."""
    command = plain(run.command or run.run_id, COMMAND_CELLS).plain
    vm = plain(run.vm_label, 40).plain
    return f"{command} on {vm}: {result_words(run)}{_took(run)}"


def ended_message(run: WatchedRun, open_key: str, list_key: str) -> str:
    """The in-app notification's text: the command, then where and how it ended, then the keys."""
    command = plain(run.command or run.run_id, COMMAND_CELLS).plain
    vm = plain(run.vm_label, 40).plain
    return (f"{command}\non {vm} · {result_words(run)}{_took(run)}\n"
            f"{open_key} opens it · {list_key} every watched run")


# --- desktop notifications -----------------------------------------------------------------


def osc_text(text: object, max_cells: int = OSC_CELLS) -> str:
    """Text safe inside an OSC sequence: sanitized, no control character at
    all (C0, DEL, C1: none can end the sequence), no ``;``, bounded."""
    line = plain(text, max_cells).plain
    return "".join(ch for ch in line if ch.isprintable() and ch not in ";\x7f").strip()


def osc9(message: str) -> str:
    """iTerm2-style notification. The text never starts with a digit (ConEmu
    and Windows Terminal read ``9;<number>`` as other commands)."""
    return f"{ESC}]9;arker-tui: {osc_text(message)}{BEL}"


def osc777(title: str, body: str) -> str:
    """rxvt-unicode / foot / VTE notification: ``777;notify;title;body``."""
    return f"{ESC}]777;notify;{osc_text(title, 60)};{osc_text(body)}{BEL}"


def desktop_protocol(setting: bool | str, env: Mapping[str, str] | None = None) -> str | None:
    """Which sequence to send: the one the config names, or for ``true`` the
    one this terminal is known to show (None: none known; nothing is sent)."""
    if setting in ("osc9", "osc777"):
        return setting
    if setting is not True:
        return None
    env = os.environ if env is None else env
    if env.get("TMUX") or (env.get("TERM") or "").startswith("screen"):
        return None  # tmux and screen swallow it (unless passthrough is set up: name the protocol then)
    program, term = env.get("TERM_PROGRAM", ""), env.get("TERM", "")
    if program in ("iTerm.app", "WezTerm", "ghostty") or term in ("xterm-kitty", "xterm-ghostty"):
        return "osc9"
    if term.startswith(("rxvt-unicode", "foot")) or env.get("VTE_VERSION"):
        return "osc777"
    return None


def desktop_sequence(protocol: str, run: WatchedRun) -> str:
    if protocol == "osc777":
        return osc777(ended_title(run), ended_summary(run))
    return osc9(f"{ended_title(run)}: {ended_summary(run)}")


# --- the alerts ----------------------------------------------------------------------------------


class RunEndAlerts:
    """Tells the user when a watched run ends: ``announce(run)`` is given to
    the registry's ``on_ended``. ``app`` needs ``notify``, ``bell`` and
    ``key_display``; ``settings`` is a ``config.WatchedRunsConfig``."""

    def __init__(self, app: Any, settings: Any, *, keys: Callable[[], tuple[str, str]],
                 env: Mapping[str, str] | None = None) -> None:
        self.app = app
        self.settings = settings
        self.keys = keys  # (the key that opens the last ended run, the Watched view's key)
        self.protocol = desktop_protocol(settings.desktop, env)
        self.last_ended: WatchedRun | None = None
        self._told_no_desktop = False

    def announce(self, run: WatchedRun) -> None:
        self.last_ended = run
        settings = self.settings
        if settings.notification:
            open_key, list_key = self.keys()
            self.app.notify(ended_message(run, open_key, list_key), title=ended_title(run),
                            severity=severity_of(run), timeout=20 if run.failed else 10)
        if settings.bell:
            self.app.bell()
        if settings.desktop:
            self._desktop(run)

    def _desktop(self, run: WatchedRun) -> None:
        if self.protocol is None:
            if not self._told_no_desktop:
                self._told_no_desktop = True
                self.app.notify("desktop = true in [watched_runs], but this terminal is not known to show OSC 9 "
                                "or OSC 777 notifications: set desktop = \"osc9\" or \"osc777\" to send one anyway.",
                                title="Config", severity="warning", timeout=10)
            return
        write_to_terminal(self.app, desktop_sequence(self.protocol, run))
