"""Compact models: what the app holds by the hundred thousand (VMs, their
sessions and tunnels).

A pydantic ``BaseModel`` instance carries a ``__dict__`` and the set of the
fields that were sent. For a VM's 21 fields that set alone takes 2.2 KB, and
with one session and one tunnel a VM cost about 4.7 KB besides its strings:
some 450 MiB for an org of 100,000 VMs. These are pydantic dataclasses with
slots instead: the same validation by pydantic-core, about 0.6 KB a VM, and
validated in about 60% of the time.

They keep what ``ApiModel`` promises (unknown fields kept, a null where a
default exists takes the default) and offer the few ``BaseModel`` methods the
app calls on any model (``model_validate``, ``model_copy``, ``model_dump``,
``extra_fields``), so code that takes either kind reads one way. Unknown
fields live in ``extras`` (None when there are none: an empty dict per VM
would cost 64 bytes each); a server field that happens to be called
``extras`` is kept there like any other unknown field.
"""

import dataclasses
from typing import Any, Literal, TypeVar, cast

from pydantic import ConfigDict, TypeAdapter, model_validator
from pydantic.dataclasses import dataclass
from pydantic_core import ArgsKwargs

from .base import null_means_default

__all__ = ["CompactModel", "compact"]

EXTRAS = "extras"
# Unknown fields are taken out before pydantic sees them ("ignore" then never
# has anything to drop); defer_build: the schema is built on first use, not
# at import (start-up needs none of it before the first page arrives).
_CONFIG = ConfigDict(extra="ignore", defer_build=True)

C = TypeVar("C", bound="CompactModel")


class CompactModel:
    """Base of the compact models (see the module doc); each is made with ``compact``."""

    __slots__ = ()
    extras: dict[str, Any] | None

    @classmethod
    def model_validate(cls: type[C], data: Any) -> C:
        return _adapter(cls).validate_python(data)

    def model_copy(self: C, *, update: dict[str, Any] | None = None) -> C:
        """A copy with ``update`` applied (validated again, as the constructor does)."""
        return dataclasses.replace(self, **(update or {}))  # type: ignore[type-var]

    def model_dump(self, *, mode: Literal["json", "python"] = "python", exclude_none: bool = False,
                   exclude: set[str] | None = None) -> dict[str, Any]:
        """The fields as a dict, unknown ones among them as the server sent them."""
        skip = set(exclude or ())
        out: dict[str, Any] = _adapter(type(self)).dump_python(
            self, mode=mode, exclude_none=exclude_none, exclude=skip | {EXTRAS})
        for key, value in (self.extras or {}).items():
            if key not in skip and key not in out and not (exclude_none and value is None):
                out[key] = value
        return out

    @property
    def extra_fields(self) -> dict[str, Any]:
        return dict(self.extras or {})

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        """The declared fields (``extras`` not among them)."""
        return tuple(_known(cls))


_ADAPTERS: dict[type, TypeAdapter[Any]] = {}
_KNOWN: dict[type, dict[str, None]] = {}


def _adapter(cls: type) -> TypeAdapter[Any]:
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    return adapter


def _known(cls: type) -> dict[str, None]:
    """The declared field names, in order, ``extras`` left out."""
    known = _KNOWN.get(cls)
    if known is None:
        known = _KNOWN[cls] = {f.name: None for f in dataclasses.fields(cls) if f.name != EXTRAS}
    return known


def _take_extras(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    known = _known(cls)
    if data.keys() <= known.keys():  # the common case: nothing unknown (no allocation)
        return data
    out = {k: v for k, v in data.items() if k in known}
    out[EXTRAS] = {k: v for k, v in data.items() if k not in known}
    return out


def _prepare(cls: type, data: Any) -> Any:
    """Before validation: nulls take their defaults, unknown fields go to ``extras``."""
    cls = _MADE.get(cls, cls)
    if isinstance(data, ArgsKwargs):  # the constructor: Vm(vm_id=..., extras=..., ...)
        kwargs = data.kwargs or {}
        given = kwargs.get(EXTRAS)  # here ``extras`` is the field itself (a copy passes it on)
        fields = {k: v for k, v in kwargs.items() if k != EXTRAS} if EXTRAS in kwargs else kwargs
        prepared = _take_extras(cls, null_means_default(cls, fields))
        if prepared is kwargs:
            return data
        if given:
            prepared = {**prepared, EXTRAS: {**given, **prepared.get(EXTRAS, {})}}
        return ArgsKwargs(data.args, prepared)
    if isinstance(data, dict):
        return _take_extras(cls, null_means_default(cls, data))
    return data


def compact(cls: type[C]) -> type[C]:
    """Make ``cls`` (a subclass of ``CompactModel`` with annotated fields, the
    last one ``extras: dict[str, Any] | None = None``) a compact model."""
    cls._prepare = model_validator(mode="before")(classmethod(_prepare))  # type: ignore[attr-defined,arg-type]
    made = _MADE[cls] = dataclass(slots=True, config=_CONFIG)(cls)
    return cast("type[C]", made)


# A dataclass with slots is a new class made from the one decorated, and the
# validator stays bound to the first: this maps it to the one pydantic built
# (whose ``__pydantic_fields__`` say which fields take their default for a null).
_MADE: dict[type, type] = {}
