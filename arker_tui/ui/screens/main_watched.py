"""The main screen's side of watched runs and zoom (a mixin of ``MainScreen``).

- ``W`` in Runs and in the run log unwatches the run (or watches one that is
  not watched); the Watched view opens a run here (``open_watched_run``).
- ``z`` zooms the focused pane (the run log, the VM tree, or the tab pages
  with their list) to the whole screen with Textual's ``Screen.maximized``:
  the status line and the key footer stay, ``z`` or ``esc`` gives the other
  panes back as they were. While zoomed, the zoom follows the focus (a
  number key, or a run log opening from a zoomed list).
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events
from textual.dom import DOMNode

from .. import format as fmt
from ..actions import BY_ID, Action

# Stay on screen while a pane is zoomed: the status line and the keys.
ZOOM_KEEPS = "StatusBar, KeyFooter"


class WatchedControls:
    ALLOW_IN_MAXIMIZED_VIEW: ClassVar[str | None] = ZOOM_KEEPS

    # --- watching -------------------------------------------------------------------

    async def do_unwatch(self: Any, act: Action) -> None:
        target = await self.resolve(act.target)
        registry = getattr(self.app.repository, "watched", None)
        if target is None or registry is None:
            return
        vm_id = target.vm_id or target.query.vm_id
        run = target.item
        where = f"on {fmt.trim(target.vm.label, 30)}" if target.vm is not None else ""
        words = " ".join(p for p in (fmt.trim(target.name, 40), where) if p)
        if registry.unwatch(vm_id, target.key):
            self.notify(f"No longer watching {words}: no notice when it ends.", timeout=4)
        elif run is not None and run.is_terminal:
            self.notify(f"{words} has already ended ({fmt.trim(run.state, 24)}): nothing to watch.", timeout=4)
        else:
            registry.watch(vm_id, target.key, vm_name=target.vm.name if target.vm is not None else None,
                           command=getattr(run, "command", None))
            key = self.app.key_display(BY_ID["app.watched"])
            self.notify(f"Watching {words}: you are told when it ends ({key} lists watched runs).", timeout=4)

    async def open_watched_run(self: Any, vm_id: str, run_id: str) -> None:
        """From the Watched view: select the run's VM and open its log."""
        self.workspace.select_vm(vm_id)
        await self.workspace.open_run(vm_id, run_id)

    # --- zoom ---------------------------------------------------------------------------

    def zoom_target(self: Any, node: DOMNode | None) -> DOMNode | None:
        """The pane holding ``node``: the run log, the VM tree, or the tab pages."""
        workspace = self.workspace
        panes = (workspace.run_view, workspace.vm_pane, workspace.pages)
        while node is not None and node is not self:
            if node in panes:
                return node
            node = node.parent
        return None

    def action_zoom(self: Any) -> None:
        if self.maximized is not None:
            self.minimize()
            return
        target = self.zoom_target(self.focused)
        if target is None:
            self.notify("Nothing to zoom: focus a list or the run log first.", severity="warning", timeout=3)
            return
        self.maximized = target

    def on_descendant_focus(self: Any, event: events.DescendantFocus) -> None:
        """While zoomed, the zoom follows the focus to another pane."""
        if self.maximized is None:
            return
        target = self.zoom_target(event.widget)
        if target is not None and target is not self.maximized:
            self.maximized = target
