"""``VmDetail``: every field of a VM, one per row.

A virtual list like every other pane, so a field of any size costs one row:
a value is cut to the row (a long one says how big it is) and ``enter``
shows it whole in the scrolling viewer. Fields the server sends that the
client does not know are listed too, after the known ones.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text

from ...api import models as m
from .. import format as fmt
from ..actions import bindings
from ..intents import IntentSource, ShowText
from ..server_text import plain
from .data_list import Column, DataList

if TYPE_CHECKING:
    from textual import getters

    from ..app_base import ArkerAppBase

PREVIEW = 300  # characters of a value rendered in its row (the rest is one key away)


@dataclass(frozen=True)
class Field:
    name: str
    value: Any  # the whole value, as the server sent it (str / Text for known fields)
    order: int

    @property
    def whole(self) -> str:
        value = self.value
        if isinstance(value, Text):
            return value.plain
        if isinstance(value, str):
            return value
        try:
            return json.dumps(value, indent=2, default=str)
        except (TypeError, ValueError):
            return str(value)


def _size(text: str) -> str:
    return fmt.size_bytes(len(text.encode("utf-8", "replace")))


def _resource(value: int | None, ceiling: int | None, unit) -> str:
    shown = unit(value) if value is not None else "-"
    return f"{shown}  (max {unit(ceiling)})" if ceiling else shown


def _count(n: int | None) -> str:
    return "-" if n is None else str(n)


class VmDetail(IntentSource, DataList):
    if TYPE_CHECKING:  # the app typed (see app_base)
        app = getters.app(ArkerAppBase)

    DEFAULT_CSS = """
    VmDetail { height: 1fr; }
    """

    BINDINGS = bindings("detail")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__([Column("FIELD", 14), Column("VALUE", 0, 10)], key_of=lambda f: f.order,
                         render_row=self.render_field, sort_key=lambda f: f.order,
                         empty_text="Select a VM in the tree.", id=id)
        self.vm: m.Vm | None = None
        self.exact_times = False

    def show(self, vm: m.Vm | None) -> None:
        if vm is self.vm and self.total_count:
            return
        self.vm = vm
        self.set_items(self.fields())

    def tick(self) -> None:
        """Relative times move on (only the visible rows are drawn again)."""
        if not self.exact_times:
            self.refresh_rows()

    def action_toggle_exact(self) -> None:
        self.exact_times = not self.exact_times
        self.set_items(self.fields())

    def action_show_field(self) -> None:
        field = self.cursor_item
        if field is not None and self.vm is not None:
            self.post_message(ShowText(f"{self.vm.label} · {field.name}", field.whole))

    def action_select(self) -> None:
        self.action_show_field()

    def _when(self, iso: str | None) -> str:
        if not iso:
            return "-"
        return fmt.exact_time(iso) if self.exact_times else f"{fmt.ago(iso)}"

    def render_field(self, field: Field) -> list:
        value = field.value
        name = plain(field.name, 40)
        if field.name in ("Started", "Created"):
            return [name, plain(self._when(value), 60)]
        if isinstance(value, Text):
            return [name, value]
        text = field.whole
        if len(text) <= PREVIEW and "\n" not in text:
            return [name, plain(text)]
        # The size first: a narrow column cuts the preview, never the hint.
        cell = Text(f"({_size(text)}, enter shows it whole) ", style="dim")
        cell.append_text(plain(text, PREVIEW))
        return [name, cell]

    def _host(self, vm: m.Vm) -> str:
        """Which host serves this VM's calls, and which setting chose it."""
        described = self.app.repository.describe_host(vm)
        if described is None:
            return "-"
        url, note = described
        return f"{url} · chosen by {note}" if note else url

    def fields(self) -> list[Field]:
        vm = self.vm
        if vm is None:
            return []
        pending = self.app.repository.is_pending("vm", vm.vm_id) if self.is_attached else None
        memory = _resource(vm.memory_mib, vm.max_memory_mib, fmt.mib)
        if vm.min_memory_mib:
            memory += f"  (base {fmt.mib(vm.min_memory_mib)})"
        if vm.root_source_vm_id or vm.root_source_vm_name:
            # The API names the deepest ancestor, not the parent: say no more than that.
            lineage = f"root: {vm.root_source_vm_name or '?'} ({vm.root_source_vm_id or '?'})"
        else:
            lineage = "made straight from an image"
        rows: list[tuple[str, Any]] = [
            ("Name", vm.name or "(unnamed)"),
            ("ID", vm.vm_id),
            ("State", fmt.vm_state(vm.state, pending=pending)),
            ("Owner org", vm.owner_org_id or "-"),
            ("Public", "yes: other orgs can fork it" if vm.public else "no"),
            ("Region", f"{vm.region or '-'} / {vm.provider or '-'}"),
            ("Host", self._host(vm)),
            ("Worker", vm.worker_id or "-"),
            ("vCPU", _resource(vm.vcpu_count, vm.max_vcpus, _count)),
            ("Memory", memory),
            ("Disk", fmt.mib(vm.disk_mib) if vm.disk_mib is not None else "-"),
            ("Network", m.describe_network(vm.network)),
            ("Started", vm.started_at),
            ("Created", vm.created_at),
            ("Lineage", lineage),
            ("Sessions", str(len(vm.sessions))),
            ("Tunnels", str(len(vm.tunnels))),
        ]
        rows += sorted(vm.extra_fields.items())
        return [Field(name, value, i) for i, (name, value) in enumerate(rows)]
