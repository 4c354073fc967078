"""Console history: the commands typed in each VM's console, oldest first.

Kept in memory for the life of the app. On disk only when the config file
says ``console_history = true`` (off by default: commands can hold secrets);
then in the state directory, mode 0600, a JSON map of VM id -> commands.
``HistoryCursor`` walks one VM's list with up / down and keeps the line
being typed; ``search`` is ctrl+r's: newest first, substring, no repeats.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

log = logging.getLogger("arker_tui.ui")

HISTORY_CAP = 500  # commands kept per VM
HISTORY_FILE = "console-history.json"


class ConsoleHistory:
    """Every VM's console commands; saved to ``path`` after each one when given."""

    def __init__(self, path: Path | None = None, cap: int = HISTORY_CAP) -> None:
        self.path = path
        self.cap = max(1, cap)
        self._by_vm: dict[str, list[str]] = {}
        if path is not None:
            self._load(path)

    def commands(self, vm_id: str) -> list[str]:
        """The VM's list (the same list object every time, oldest first)."""
        return self._by_vm.setdefault(vm_id, [])

    def add(self, vm_id: str, command: str) -> None:
        command = command.strip()
        if not command:
            return
        commands = self.commands(vm_id)
        if commands and commands[-1] == command:
            return
        commands.append(command)
        del commands[:-self.cap]
        if self.path is not None:
            self._save(self.path)

    def search(self, vm_id: str, text: str) -> list[str]:
        """Commands containing ``text`` (case-insensitive), newest first, each once."""
        needle = text.lower()
        seen: dict[str, None] = {}
        for command in reversed(self.commands(vm_id)):
            if needle in command.lower():
                seen.setdefault(command, None)
        return list(seen)

    # --- the file ---------------------------------------------------------------

    def _load(self, path: Path) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as error:
            log.warning("console history %s unreadable, starting empty: %s", path, error)
            return
        if isinstance(data, dict):
            for vm_id, commands in data.items():
                if isinstance(vm_id, str) and isinstance(commands, list):
                    kept = [c for c in commands if isinstance(c, str) and c.strip()]
                    self._by_vm[vm_id] = kept[-self.cap:]

    def _save(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                os.fchmod(handle.fileno(), 0o600)
                json.dump({k: v for k, v in self._by_vm.items() if v}, handle)
        except OSError as error:  # history is a convenience: never fail a command for it
            log.warning("console history not saved to %s: %s", path, error)


class HistoryCursor:
    """Up / down through a list of commands, keeping the line being typed."""

    def __init__(self, commands: list[str]) -> None:
        self.commands = commands
        self.reset()

    def reset(self) -> None:
        """Back at the end (after a command was run, or the line edited)."""
        self.index = len(self.commands)
        self.draft = ""

    def step(self, current: str, delta: int) -> str | None:
        """The line after moving ``delta`` (-1 older, +1 newer); None: nowhere to go."""
        if not self.commands:
            return None
        if self.index >= len(self.commands):
            self.index = len(self.commands)
            self.draft = current
        index = max(0, min(len(self.commands), self.index + delta))
        if index == self.index:
            return None
        self.index = index
        return self.draft if index == len(self.commands) else self.commands[index]


class HistorySearch:
    """ctrl+r: the matches of the line typed when the search began, newest
    first; each ctrl+r goes one older. ``original`` comes back on esc."""

    def __init__(self, history: ConsoleHistory, vm_id: str, original: str) -> None:
        self.original = original
        self.matches = history.search(vm_id, original)
        self.position = -1

    def next(self) -> str | None:
        """The next older match, or None when there is none left."""
        if self.position + 1 >= len(self.matches):
            return None
        self.position += 1
        return self.matches[self.position]

    def words(self) -> str:
        if not self.matches:
            return f"history search {self.original!r}: no match · esc restores"
        return (f"history search {self.original!r}: {self.position + 1} of {len(self.matches)} · "
                "ctrl+r older · enter runs · esc restores")


def history_path(enabled: bool, state_dir: Path | None = None) -> Path | None:
    """Where the history is saved, or None when it stays in memory."""
    if not enabled:
        return None
    if state_dir is None:
        from ...crash import state_dir as default_state_dir

        state_dir = default_state_dir()
    return state_dir / HISTORY_FILE
