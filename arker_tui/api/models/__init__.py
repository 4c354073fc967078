"""Pydantic models for every schema of the Arker API (SDK 0.5.2 declarations).

Forward compatible on purpose: every model keeps unknown fields
(``extra="allow"``), enum-like fields are plain strings (an unknown state is
shown as it arrives, never rejected), and optional fields default to None.
The known values of each enum are listed as tuples for the UI and the emulator.

Every name is read from this package. Defining a model class costs pydantic
a fraction of a millisecond, and start-up needs only the lists, so ``base``
and ``listing`` load with the package while ``actions``, ``files`` and
``activity`` load the first time one of their names is read (PEP 562).
"""

import importlib
from typing import TYPE_CHECKING, Any

from . import base, listing
from .base import (
    ARKER_ORG_ID,
    ERROR_CODES,
    ORG_RUN_ENDPOINTS,
    ORG_RUN_SORT_KEYS,
    PROVIDERS,
    PUBLIC_GOLDENS,
    RESOURCE_KINDS,
    RUN_STATES,
    SESSION_STATES,
    TERMINAL_RUN_STATES,
    TUNNEL_AUTH_MODES,
    TUNNEL_STATES,
    VM_STATES,
    ApiModel,
    ErrorResponse,
    NetworkPolicy,
    NetworkPolicyInput,
    describe_network,
)
from .compact import CompactModel
from .listing import (
    Filesystem,
    ListFilesystemsResponse,
    ListRunsResponse,
    ListSessionsResponse,
    ListSyncsResponse,
    ListTunnelsResponse,
    ListVmsResponse,
    Run,
    RunSummary,
    Session,
    Sync,
    Tunnel,
    Vm,
)

if TYPE_CHECKING:  # pragma: no cover
    from .actions import *  # noqa: F401,F403
    from .activity import *  # noqa: F401,F403
    from .files import *  # noqa: F401,F403

# module -> the names it defines (its __all__; a test checks they agree)
LAZY: dict[str, tuple[str, ...]] = {
    "actions": (
        "DeleteSessionResponse", "CreateSessionRequest", "TunnelRequest", "DeleteTunnelResponse",
        "DeleteVmResponse", "ForkRequest", "ResizeRequest", "ResizeResponse", "InboundPortRequest",
        "InboundRequest", "NetworkRequest", "InboundPortStatus", "InboundStatus", "NetworkStatus",
        "RunRequest", "CompletedRunResponse", "BackgroundRunResponse", "RunResponse", "CancelRunResponse",
    ),
    "files": (
        "DeleteFilesystemResponse", "FilesystemCreateRequest", "DeleteSyncResponse", "SyncCreateRequest",
        "SyncReadRequest", "SyncReadInlineResponse", "SyncReadPresignedResponse", "SyncReadResponse",
        "SyncByteRange", "SyncChunkWrite", "SyncPresignedWriteRequest", "SyncPresignedWriteCommit",
        "SyncWriteRequest", "SyncChunkWriteResult", "SyncPresignedWriteRequestResult",
        "SyncCommitWriteResult", "SyncWriteResponse",
    ),
    "activity": ("OrgRunListRow", "ListOrgRunsResponse"),
}
_MODULE_OF = {name: module for module, names in LAZY.items() for name in names}
__all__ = [*base.__all__, "CompactModel", *listing.__all__, *_MODULE_OF]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    loaded = importlib.import_module(f"{__name__}.{module}")
    # Bound here, so later reads are plain attribute reads.
    globals().update({attr: getattr(loaded, attr) for attr in LAZY[module]})
    return globals()[name]


def __dir__() -> list[str]:
    return sorted({*globals(), *_MODULE_OF})
