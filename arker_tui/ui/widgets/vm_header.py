"""``VmHeader``: the one line over the right-hand panes that says which VM they show.

It also keeps the VM it shows on its own fast refresh (``get_vm``): the
repository puts each fresh copy into the VM lists, so the tree and this line
show a change to the selected VM within its interval even while a big org's
list refreshes slowly (its budget)."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from ...api import models as m
from ...repository import ChangeEvent, Query
from .. import format as fmt
from ..server_text import plain
from ..watch import Watching


class VmHeader(Watching, Widget):
    DEFAULT_CSS = "VmHeader { height: 1; background: $boost; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.vm: m.Vm | None = None
        self.pending: str | None = None
        self.detail = self.watch_query(self._on_detail)

    def show(self, vm: m.Vm | None, pending: str | None) -> None:
        if vm is self.vm and pending == self.pending:
            return  # the same VM object and mark: nothing to repaint
        self.vm, self.pending = vm, pending
        self.detail.watch(Query.vm(vm.vm_id) if vm is not None else None)
        self.refresh()

    def _on_detail(self, event: ChangeEvent) -> None:
        """Nothing to do here: the fresh VM reaches the lists, and this line with them."""

    def render(self) -> Text:
        vm = self.vm
        if vm is None:
            return Text(" No VM selected: pick one in the tree", style="dim")
        # Most telling first: a narrow terminal cuts the id, not the state.
        line = Text(" ")
        line.append_text(plain(vm.label, 40, style="bold"))
        line.append("  ")
        line.append_text(fmt.vm_state(vm.state, pending=self.pending))
        line.append(f"  {vm.vcpu_count or '?'} vCPU · {fmt.mib(vm.memory_mib)} · {fmt.mib(vm.disk_mib)}")
        line.append_text(plain(f"  {vm.region or '-'}/{vm.provider or '-'}", 60))
        line.append_text(plain(f"  {vm.vm_id}", 80, style="dim"))
        line.truncate(max(1, self.size.width), overflow="ellipsis")
        return line
