"""``SearchLineHost``: the `/` search line over a ``RunLog``, for whatever
shows one (the run view, the session console). The host composes a
``LogSearchBar`` as ``self.search_bar`` and names its log in ``searched_log``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widget import Widget

from .log_search_bar import LogSearchBar
from .run_log import RunLog

# Mixed into widgets and screens: the type checker sees a Widget's methods.
if TYPE_CHECKING:
    _Host = Widget
else:
    _Host = object


class SearchLineHost(_Host):
    search_bar: LogSearchBar

    @property
    def searched_log(self) -> RunLog:
        raise NotImplementedError

    def action_search(self) -> None:
        """``/``: open the search line (a search already made keeps its text).
        The searchable text (100,000 lines: tens of milliseconds) is built once
        the line is on screen, before the user has typed."""
        self.search_bar.open()
        self.call_after_refresh(self._start_search)

    def _start_search(self) -> None:
        if self.search_bar.display:
            self.searched_log.start_search(warm=True)
            self._apply_bar()

    def close_search(self) -> None:
        """Close the search line and end the search; the view stays where it is."""
        self.search_bar.display = False
        self.searched_log.stop_search()
        if self.search_bar.input.has_focus:
            self.searched_log.focus()

    def _apply_bar(self) -> None:
        bar = self.search_bar
        self.searched_log.set_query(bar.search_query)
        self.searched_log.set_filter(bar.state["filter"])

    def on_log_search_bar_changed(self, message: LogSearchBar.Changed) -> None:
        message.stop()
        self._apply_bar()

    def on_log_search_bar_closed(self, message: LogSearchBar.Closed) -> None:
        message.stop()
        self.close_search()

    def on_log_search_bar_done(self, message: LogSearchBar.Done) -> None:
        message.stop()
        self.searched_log.focus()

    def on_log_search_bar_step(self, message: LogSearchBar.Step) -> None:
        message.stop()
        self._step(message.forward)

    def on_run_log_search_changed(self, message: RunLog.SearchChanged) -> None:
        message.stop()
        log = self.searched_log
        if log.search is None:
            self.search_bar.display = False
            return
        self.search_bar.show_status(log.search_status(), error=bool(log.search.error))

    def action_next_match(self) -> None:
        self._step(True)

    def action_previous_match(self) -> None:
        self._step(False)

    def _step(self, forward: bool) -> None:
        log = self.searched_log
        search = log.search
        if search is None or not search.query.text:
            self.notify("No search: press / to search the log.", severity="warning", timeout=3)
            return
        if search.error:
            self.notify(search.error, severity="warning", timeout=4)
            return
        if not log.next_match(forward):
            self.notify(f"No match for {search.query.text!r}.", severity="warning", timeout=3)
        elif log.search_wrapped:
            self.notify("Search wrapped around: " + ("back to the top." if forward else "to the bottom."),
                        timeout=2)

