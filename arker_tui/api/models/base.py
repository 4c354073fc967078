"""What every model shares: ``ApiModel``, the known values of each enum-like
field, the error body and the network policy."""

# No ``from __future__ import annotations`` in the model modules: pydantic
# would compile and evaluate every field's annotation string (about a
# quarter of the cost of defining the classes).

import sys
import types
import typing
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

__all__ = [
    "ARKER_ORG_ID", "PUBLIC_GOLDENS", "ERROR_CODES", "VM_STATES", "SESSION_STATES", "RUN_STATES",
    "TERMINAL_RUN_STATES", "TUNNEL_STATES", "RESOURCE_KINDS", "PROVIDERS", "TUNNEL_AUTH_MODES",
    "ORG_RUN_ENDPOINTS", "ORG_RUN_SORT_KEYS", "ApiModel", "ErrorResponse", "NetworkPolicy",
    "NetworkPolicyInput", "describe_network",
]

ARKER_ORG_ID = "ArkerHQ"
PUBLIC_GOLDENS = ("arkuntu", "ubuntu", "ubuntu-full", "ubuntu-py-repl")

ERROR_CODES = (
    "unsupported_operation",
    "bad_request",
    "unauthorized",
    "forbidden",
    "not_found",
    "conflict",
    "payload_too_large",
    "not_implemented",
    "resource_pressure",
    "internal",
    "unavailable",
    "network_error",
)
VM_STATES = ("idle", "running")
SESSION_STATES = VM_STATES
RUN_STATES = ("running", "completed", "failed", "cancelled")
TERMINAL_RUN_STATES = frozenset({"completed", "failed", "cancelled"})
TUNNEL_STATES = ("starting", "open", "closed")
RESOURCE_KINDS = ("cpu", "memory", "disk")
PROVIDERS = ("aws", "aws-burst")
TUNNEL_AUTH_MODES = ("open", "authenticated")
ORG_RUN_ENDPOINTS = ("run", "fork", "sync")
ORG_RUN_SORT_KEYS = ("when", "status", "path", "total", "queue", "your_code", "runtime")


class ApiModel(BaseModel):
    """Base of every schema: keeps what the server adds, never crashes on it."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _null_means_default(cls, data: Any) -> Any:
        return null_means_default(cls, data)

    @property
    def extra_fields(self) -> dict[str, Any]:
        return dict(self.__pydantic_extra__ or {})


_NON_NULLABLE: dict[type, frozenset[str]] = {}


def null_means_default(cls: type, data: Any) -> Any:
    """A null where a value with a default was expected (``"state": null``,
    ``"sessions": null``) takes the default instead of rejecting the whole
    answer (a null state is "unknown"); a null required field (an id) is
    still an error."""
    if isinstance(data, dict) and None in data.values():
        defaulted = _non_nullable_defaults(cls)
        if defaulted:
            data = {k: v for k, v in data.items() if v is not None or k not in defaulted}
            if "state" in defaulted and "state" not in data:
                data["state"] = "unknown"  # not made up as "running" / "idle"
    return data


def _accepts_none(annotation: Any) -> bool:
    if annotation is Any or annotation is None or annotation is type(None):
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        return any(_accepts_none(arg) for arg in typing.get_args(annotation))
    return False


def _non_nullable_defaults(cls: type) -> frozenset[str]:
    """Names (and aliases) of ``cls``'s fields that have a default but do not accept None
    (``cls``: a model or a pydantic dataclass; both describe their fields in ``__pydantic_fields__``)."""
    names = _NON_NULLABLE.get(cls)
    if names is None:
        found: set[str] = set()
        fields: dict[str, Any] = getattr(cls, "__pydantic_fields__", {})
        for name, info in fields.items():
            if not info.is_required() and not _accepts_none(info.annotation):
                found.add(name)
                if info.alias:
                    found.add(info.alias)
        names = _NON_NULLABLE[cls] = frozenset(found)
    return names


# --- errors -----------------------------------------------------------------


class ErrorResponse(ApiModel):
    code: str
    message: str = ""


# --- network policy ---------------------------------------------------------

# The seed only partly shows the NetworkPolicy union (Open / Blocked / Allow /
# Block), so a policy is kept as whatever JSON arrives: bool, string or object.
NetworkPolicy = Any
NetworkPolicyInput = Any


def describe_network(policy: Any) -> str:
    """A short human description of any NetworkPolicy shape."""
    if policy is None:
        return "-"
    if isinstance(policy, bool):
        return "open" if policy else "blocked"
    if isinstance(policy, str):
        return policy
    if isinstance(policy, dict):
        kind = policy.get("type") or policy.get("mode") or policy.get("kind")
        hosts = policy.get("allow") or policy.get("hosts") or policy.get("block")
        if kind and hosts:
            listed = ", ".join(map(str, hosts)) if isinstance(hosts, list) else str(hosts)
            return f"{kind}: {listed}"
        if kind:
            return str(kind)
    return str(policy)


# --- memory of list items ---------------------------------------------------
# 100,000 VMs live in the app at once.
# - ``shared_strings``: one copy of each value of the named fields (a region,
#   a state, an org id), not one per item. Public pydantic API (a validator).
# Not done: pydantic-core grows a model's set of fields set to a table of 128
# slots for a VM's 21 fields (2.2 KB, where a copy sized for it is 1.2 KB),
# but replacing it means writing pydantic's own ``__pydantic_fields_set__``,
# which no public API offers.


def _share(cls: type, value: Any) -> Any:
    return sys.intern(value) if type(value) is str else value


def shared_strings(*names: str) -> Any:
    """A validator (assign it in the class body) that keeps one copy of each
    value of these fields across every item."""
    return field_validator(*names, mode="after")(classmethod(_share))
