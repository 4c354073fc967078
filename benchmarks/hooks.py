"""The benchmarks' hooks into a running app, in one place and through public
API only, so no widget carries code for a benchmark:

- ``FrameDriver``: a Textual driver, chosen with Textual's ``TEXTUAL_DRIVER``
  environment variable (``benchmarks.hooks:FrameDriver``), that renders every
  frame into the terminal sequence a terminal would get and throws it away.
  ``TreePaintedDriver`` also exits the app at the first frame that shows the
  VM tree with VMs (cold start to the first useful paint).
- ``PaintProbe``: waits for the next composited frame (``call_after_refresh``).
- ``RowCounter``: counts the rows a ``DataList`` turns into strips, by wrapping
  its public ``render_row``.

Importing this module imports nothing of arker_tui: the cold-start driver is
loaded by Textual while the app is built and must not change what is imported
before it.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Callable, Sequence

from textual.drivers.headless_driver import HeadlessDriver


class FrameDriver(HeadlessDriver):
    """No input and no terminal, but not headless: the app renders each frame
    to a string and ``write``s it here, as it would to a terminal."""

    frames = 0

    @property
    def is_headless(self) -> bool:
        return False

    def write(self, data: str) -> None:
        type(self).frames += 1


class TreePaintedDriver(FrameDriver):
    """Exits the app once a written frame shows the main screen's VM tree
    with VMs in it (a frame is written after it was composited from the
    widgets' state, so the VMs are in it)."""

    _exiting = False

    def write(self, data: str) -> None:
        super().write(data)
        if self._exiting:
            return
        screen = main_screen(self._app, missing_ok=True)
        if screen is not None and screen.is_mounted and screen.vm_tree.vm_count > 0:
            self._exiting = True
            self._app.exit()


class PaintProbe:
    """Waits for the app's next screen update: ``call_after_refresh``
    callbacks run once the pending changes were composited (at once when
    nothing is pending, so callers that wait for a change check for it).

    With ``widget`` (a line-API widget such as a ``DataList``), the time a
    frame returns is when that widget's lines were last rendered into it
    (its public ``render_line``, wrapped): the compositing itself, without
    the message hops before the callback runs."""

    def __init__(self, app: Any, widget: Any = None) -> None:
        self.app = app
        self.last = 0.0  # when the last frame waited for was painted
        self.rendered_at = 0.0
        if widget is not None:
            inner = widget.render_line

            def render_line(y: int) -> Any:
                self.rendered_at = time.perf_counter()
                return inner(y)

            widget.render_line = render_line

    async def next_frame(self, timeout: float = 5.0, since: float | None = None) -> float:
        """Wait for the next refresh; when it was painted (perf_counter): the
        widget's last render after ``since`` (default: now), if there was one."""
        done = asyncio.Event()
        since = time.perf_counter() if since is None else since
        self.app.call_after_refresh(done.set)
        await asyncio.wait_for(done.wait(), timeout)
        self.last = self.rendered_at if self.rendered_at > since else time.perf_counter()
        return self.last


class RowCounter:
    """How many rows a ``DataList`` has rendered (turned into strips: a row
    whose cached strip is still good is not rendered again). With a filter
    set, the list also renders rows to match them: count without one."""

    def __init__(self, data_list: Any) -> None:
        self.count = 0
        inner: Callable[[Any], Sequence[Any]] = data_list.render_row

        def render_row(item: Any) -> Sequence[Any]:
            self.count += 1
            return inner(item)

        data_list.render_row = render_row


def main_screen(app: Any, missing_ok: bool = False) -> Any:
    """The app's main screen, under whatever dialog is open."""
    from arker_tui.ui.screens.main import MainScreen

    found = next((screen for screen in reversed(app.screen_stack) if isinstance(screen, MainScreen)), None)
    if found is None and not missing_ok:
        raise LookupError("no main screen")
    return found

