"""``WatchedStore``: the watched runs of each profile, kept while the app runs.

Switching profile builds a new repository (and so a new ``WatchedRuns``);
the store keeps each profile's list so coming back to a profile brings its
watched runs back, and never shows them under another profile. Only when
the user turned on ``remember`` (``[watched_runs]`` in the config file) is the
list also written to ``watched-runs.json`` in the state directory (mode
0600, replaced atomically) and read at start. No Textual import.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

log = logging.getLogger("arker_tui.repository")

FILE_NAME = "watched-runs.json"
MAX_PER_PROFILE = 200  # a file that grew by hand is not read past this


class WatchedStore:
    def __init__(self, *, remember: bool = False, path: Path | None = None) -> None:
        self.remember = remember
        self._path = path
        self._profiles: dict[str, list[dict[str, Any]]] = {}
        self.problem: str | None = None  # why the file could not be read or written (shown once)
        if remember:
            self._profiles = self._read()

    @property
    def path(self) -> Path:
        if self._path is None:
            from ..crash import state_dir  # the state directory: $ARKER_TUI_STATE_DIR or the platform's

            self._path = state_dir() / FILE_NAME
        return self._path

    def load(self, profile: str) -> list[dict[str, Any]]:
        return list(self._profiles.get(profile, ()))

    def save(self, profile: str, runs: list[dict[str, Any]]) -> None:
        """Keep ``runs`` (``WatchedRuns.snapshot()``) for ``profile``; on disk only if remembering."""
        if runs:
            self._profiles[profile] = list(runs)[-MAX_PER_PROFILE:]
        else:
            self._profiles.pop(profile, None)
        if self.remember:
            self._write()

    # --- the file ---------------------------------------------------------------------

    def _read(self) -> dict[str, list[dict[str, Any]]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as error:
            self.problem = f"watched runs not read from {self.path}: {error}"
            return {}
        profiles = data.get("profiles") if isinstance(data, dict) else None
        if not isinstance(profiles, dict):
            self.problem = f"watched runs not read from {self.path}: not the expected layout"
            return {}
        return {name: [item for item in items if isinstance(item, dict)][-MAX_PER_PROFILE:]
                for name, items in profiles.items() if isinstance(name, str) and isinstance(items, list)}

    def _write(self) -> None:
        from ..private_files import write_private

        try:
            write_private(self.path, json.dumps({"profiles": self._profiles}, indent=1))
        except OSError as error:
            self.problem = f"watched runs not saved to {self.path}: {error}"
            log.warning("%s", self.problem)
