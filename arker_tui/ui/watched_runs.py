"""The app's side of watched runs: each profile's list kept across profile
switches (``WatchedStore``), the current repository's registry wired to the
alerts (``notify.RunEndAlerts``), and the app-wide keys: the Watched view and
"open the run that just ended"."""

from __future__ import annotations

from typing import Any

from ..repository.watched import WatchedRun
from ..repository.watched_store import WatchedStore
from .actions import BY_ID
from .notify import RunEndAlerts


class WatchedRunsKeeper:
    """``app`` is the ``ArkerApp``; ``settings`` a ``config.WatchedRunsConfig``."""

    def __init__(self, app: Any, settings: Any, store: WatchedStore | None = None) -> None:
        self.app = app
        self.settings = settings
        self.store = store if store is not None else WatchedStore(remember=settings.remember)
        self.alerts = RunEndAlerts(app, settings, keys=self._keys)
        self.registry: Any = None
        self.profile: str | None = None
        self._handles: list[Any] = []

    def _keys(self) -> tuple[str, str]:
        return self.app.key_display(BY_ID["app.open_ended"]), self.app.key_display(BY_ID["app.watched"])

    # --- one registry per repository ----------------------------------------------------

    def attach(self, repository: Any, profile: str) -> None:
        """Follow ``repository``'s registry, watching again what ``profile`` watched."""
        self.detach()
        registry = getattr(repository, "watched", None)
        if registry is None:  # a test double without one
            return
        self.registry, self.profile = registry, profile
        self._handles = [registry.on_ended(self._on_ended), registry.listen(self._on_changed)]
        registry.restore(self.store.load(profile))
        if self.store.problem:
            self.app.notify(self.store.problem, title="Watched runs", severity="warning", timeout=8)
            self.store.problem = None

    def detach(self) -> None:
        """Keep the current profile's list and stop following its registry."""
        if self.registry is not None and self.profile is not None:
            self.store.save(self.profile, self.registry.snapshot())
        for handle in self._handles:
            handle.close()
        self._handles = []
        self.registry = self.profile = None

    def _on_ended(self, run: WatchedRun) -> None:
        # Called from a repository fetch: shown from the app's own queue.
        self.app.call_later(self.alerts.announce, run)

    def _on_changed(self) -> None:
        if self.registry is not None and self.profile is not None:
            self.store.save(self.profile, self.registry.snapshot())

    # --- the app-wide keys -----------------------------------------------------------------

    @property
    def last_ended(self) -> WatchedRun | None:
        return self.alerts.last_ended

    def runs(self) -> list[WatchedRun]:
        return self.registry.runs() if self.registry is not None else []

    def show(self) -> None:
        """The Watched view (again: back to where the user was)."""
        from .screens.watched import WatchedScreen  # on first use: not needed to start

        screen = self.app.screen
        if isinstance(screen, WatchedScreen):
            self.app.pop_screen()
        elif not screen.is_modal:
            self.app.push_screen(WatchedScreen())

    def open_last_ended(self) -> None:
        run = self.last_ended
        if run is None:
            self.app.notify("No watched run has ended yet.", timeout=3)
            return
        self.open_run(run.vm_id, run.run_id)

    def open_run(self, vm_id: str, run_id: str) -> None:
        """Back on the main screen: select the run's VM and open its log."""

        async def go() -> None:
            app = self.app
            main = next((s for s in app.screen_stack if hasattr(s, "open_watched_run")), None)
            if main is None:
                return
            while app.screen is not main:
                if app.screen.is_modal:
                    app.notify("Close the dialog first, then open the run.", severity="warning")
                    return
                await app.pop_screen()
            await main.open_watched_run(vm_id, run_id)

        self.app.run_worker(go(), group="open-watched-run", exclusive=True, exit_on_error=False)
