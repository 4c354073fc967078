"""How an answer of the server differs from the models: for ``doctor``.

The client is lenient on purpose (unknown fields are kept, unknown enum
values shown as they are), so the app never tells a user that the server
speaks a slightly different dialect. This module does: it validates one
answer against its model and lists the unknown fields, the unknown values
of enum-like fields and the missing required fields, by path
(``vms[].sessions[].cwd``). Server text in the findings is made inert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from .api import models as m
from .ui.terminal_text import safe_label

MAX_SHOWN = 40  # cells of one server-given name or value in a finding
MAX_LISTED = 8  # findings of one kind listed by name; the rest are counted

# The known values of each enum-like field, by model (subclasses included).
ENUM_FIELDS: tuple[tuple[type[BaseModel | m.CompactModel], str, tuple[str, ...]], ...] = (
    (m.Vm, "state", m.VM_STATES),
    (m.Vm, "provider", m.PROVIDERS),
    (m.Session, "state", m.SESSION_STATES),
    (m.RunSummary, "state", m.RUN_STATES),
    (m.Tunnel, "state", m.TUNNEL_STATES),
    (m.Tunnel, "auth_mode", m.TUNNEL_AUTH_MODES),
    (m.Filesystem, "provider", m.PROVIDERS),
    (m.OrgRunListRow, "endpoint", m.ORG_RUN_ENDPOINTS),
)


@dataclass
class SchemaFindings:
    """What one answer showed, each kind as a sorted list of paths / values."""

    unknown_fields: set[str] = field(default_factory=set)
    unknown_values: set[str] = field(default_factory=set)  # 'vms[].state = "paused"'
    missing_fields: set[str] = field(default_factory=set)
    invalid_fields: set[str] = field(default_factory=set)  # 'vms[].vcpu_count: Input should be ...'

    @property
    def unreadable(self) -> bool:
        """The model cannot read the answer: the app cannot show it."""
        return bool(self.missing_fields or self.invalid_fields)

    @property
    def dialect(self) -> bool:
        """Readable, but not quite what the models expect."""
        return bool(self.unknown_fields or self.unknown_values)

    def sentences(self) -> list[str]:
        out = []
        for words, items in (("missing required field", self.missing_fields),
                             ("field the models cannot read", self.invalid_fields),
                             ("unknown enum value", self.unknown_values),
                             ("unknown field", self.unknown_fields)):
            if items:
                out.append(f"{words}{'s' if len(items) > 1 else ''}: {_listing(items)}")
        return out

    def to_dict(self) -> dict[str, list[str]]:
        return {"unknown_fields": sorted(self.unknown_fields), "unknown_values": sorted(self.unknown_values),
                "missing_fields": sorted(self.missing_fields), "invalid_fields": sorted(self.invalid_fields)}


def _listing(items: set[str]) -> str:
    shown = sorted(items)[:MAX_LISTED]
    more = len(items) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")


def _name(value: object) -> str:
    return safe_label(value, MAX_SHOWN)


def _loc(loc: tuple[Any, ...]) -> str:
    """A pydantic error location as a path: ('vms', 3, 'vm_id') -> vms[].vm_id."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += "[]"
        else:
            path += ("." if path else "") + _name(part)
    return path or "(the answer)"


def audit(model: type[BaseModel], data: Any) -> tuple[BaseModel | None, SchemaFindings]:
    """Validate ``data`` as ``model``: (the model, or None when unreadable; findings)."""
    findings = SchemaFindings()
    try:
        parsed = model.model_validate(data)
    except ValidationError as error:
        for item in error.errors():
            where = _loc(tuple(item.get("loc", ())))
            if item.get("type") == "missing":
                findings.missing_fields.add(where)
            else:
                findings.invalid_fields.add(f"{where}: {_name(item.get('msg', ''))}")
        return None, findings
    _walk(parsed, "", findings)
    return parsed, findings


def _walk(obj: Any, path: str, findings: SchemaFindings) -> None:
    if isinstance(obj, list):
        for item in obj:
            _walk(item, path + "[]", findings)
        return
    if not isinstance(obj, (m.ApiModel, m.CompactModel)):
        return
    prefix = path + "." if path else ""
    for key in obj.extra_fields:
        findings.unknown_fields.add(prefix + _name(key))
    for model, name, known in ENUM_FIELDS:
        if isinstance(obj, model):
            value = getattr(obj, name, None)
            if value not in (None, "") and value not in known:
                findings.unknown_values.add(f"{prefix}{name} = {_name(value)!r}")
    names = obj.field_names() if isinstance(obj, m.CompactModel) else type(obj).model_fields
    for name in names:
        value = getattr(obj, name, None)
        if isinstance(value, (m.ApiModel, m.CompactModel, list)):
            _walk(value, prefix + name, findings)
