"""``ArkerAppBase``: what screens, forms and widgets use of the running app,
typed. They sit below ``ui/app.py`` (see the import contracts in
pyproject.toml) and so cannot name ``ArkerApp``, which derives from this
class; a class that uses these narrows its ``app`` to it for the type
checker only::

    if TYPE_CHECKING:  # the app typed, as Textual's own MessagePump does it (getters.app asserts at run time)
        app = getters.app(ArkerAppBase)
"""

from __future__ import annotations

from typing import Any

from textual.app import App

from ..settings import Settings


class ArkerAppBase(App[Any]):
    """Declarations only: ``ArkerApp`` sets and defines them."""

    repository: Any  # a Repository (tests may hand in a double with its methods)
    settings: Settings
    demo: bool
    readonly: bool
    run_log_cap: int
    keymap: dict[str, str]
    watched_runs: Any  # the WatchedRunsKeeper: alerts when a watched run ends

    def allows(self, action_id: str) -> bool:
        """Whether the action may run (read-only mode refuses mutating ones)."""
        raise NotImplementedError
