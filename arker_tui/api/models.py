"""Pydantic models for every schema of the Arker API (SDK 0.5.2 declarations).

Forward compatible on purpose: every model keeps unknown fields
(``extra="allow"``), enum-like fields are plain strings (an unknown state is
shown as it arrives, never rejected), and optional fields default to None.
The known values of each enum are listed as tuples for the UI and the emulator.
"""

from __future__ import annotations

from typing import Any

import types
import typing

from pydantic import BaseModel, ConfigDict, Field, model_validator

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

    @property
    def extra_fields(self) -> dict[str, Any]:
        return dict(self.__pydantic_extra__ or {})


_NON_NULLABLE: dict[type, frozenset[str]] = {}


def _accepts_none(annotation: Any) -> bool:
    if annotation is Any or annotation is None or annotation is type(None):
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        return any(_accepts_none(arg) for arg in typing.get_args(annotation))
    return False


def _non_nullable_defaults(cls: type[BaseModel]) -> frozenset[str]:
    """Names (and aliases) of ``cls``'s fields that have a default but do not accept None."""
    names = _NON_NULLABLE.get(cls)
    if names is None:
        found: set[str] = set()
        for name, info in cls.model_fields.items():
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


# --- sessions / tunnels -------------------------------------------------------


class Session(ApiModel):
    session_id: str
    session_idx: int = 0
    state: str = "idle"
    cwd: str = ""
    env: dict[str, str] | None = None
    started_at: str | None = None
    vm_id: str | None = None
    vm_name: str | None = None
    source_org_id: str | None = None
    region: str | None = None
    provider: str | None = None


class ListSessionsResponse(ApiModel):
    sessions: list[Session] = Field(default_factory=list)
    next_cursor: str | None = None


class DeleteSessionResponse(ApiModel):
    deleted: bool = False


class CreateSessionRequest(ApiModel):
    env: dict[str, str] | None = None
    cwd: str | None = None


class TunnelRequest(ApiModel):
    ports: list[int] | None = None
    auth_mode: str | None = None


class Tunnel(ApiModel):
    vm_id: str
    port: int
    run_id: str | None = None
    visibility: str = "private"
    protocol: str = "http"
    url: str | None = None
    state: str = "starting"
    message: str | None = None
    started_at: str | None = None
    vm_name: str | None = None
    source_org_id: str | None = None
    region: str | None = None
    provider: str | None = None
    tunnel_key: str | None = None
    auth_mode: str | None = None
    auth_token: str | None = Field(default=None, repr=False)

    @property
    def key(self) -> str:
        """The identity used in the API path: ``tunnel_key`` or the port."""
        return self.tunnel_key or str(self.port)


class ListTunnelsResponse(ApiModel):
    tunnels: list[Tunnel] = Field(default_factory=list)
    next_cursor: str | None = None


class DeleteTunnelResponse(ApiModel):
    deleted: bool = False


# --- VMs ----------------------------------------------------------------------


class Vm(ApiModel):
    vm_id: str
    owner_org_id: str = ""
    created_at: str = ""
    name: str | None = None
    public: bool = False
    root_source_vm_id: str | None = None
    root_source_vm_name: str | None = None
    state: str = "idle"
    region: str | None = None
    provider: str | None = None
    started_at: str | None = None
    vcpu_count: int | None = None
    memory_mib: int | None = None
    disk_mib: int | None = None
    network: Any = None
    max_vcpus: int | None = None
    max_memory_mib: int | None = None
    min_memory_mib: int | None = None
    worker_id: str | None = None
    sessions: list[Session] = Field(default_factory=list)
    tunnels: list[Tunnel] = Field(default_factory=list)

    @property
    def label(self) -> str:
        return self.name or self.vm_id


class ListVmsResponse(ApiModel):
    vms: list[Vm] = Field(default_factory=list)
    next_cursor: str | None = None


class DeleteVmResponse(ApiModel):
    deleted: bool = False


class ForkRequest(ApiModel):
    source_vm_id: str | None = None
    source_vm_name: str | None = None
    source_org_id: str | None = None
    name: str | None = None
    public: bool | None = None
    network: Any = None
    disk: bool | None = None
    vcpu_count: int | None = None
    memory_mib: int | None = None
    max_memory_mib: int | None = None
    disk_mib: int | None = None
    durable: bool | None = None
    tunnel: TunnelRequest | None = None


class ResizeRequest(ApiModel):
    vcpu_count: int | None = None
    memory_mib: int | None = None
    disk_mib: int | None = None


class ResizeResponse(ApiModel):
    resized: bool = False


# --- runs ---------------------------------------------------------------------


class InboundPortRequest(ApiModel):
    visibility: str = "private"
    protocol: str = "http"


class InboundRequest(ApiModel):
    ports: dict[str, InboundPortRequest] = Field(default_factory=dict)


class NetworkRequest(ApiModel):
    inbound: InboundRequest | None = None


class InboundPortStatus(ApiModel):
    requested: str = ""
    observed: str = ""
    effective: str = ""
    protocol: str = ""
    url: str | None = None


class InboundStatus(ApiModel):
    ports: dict[str, InboundPortStatus] = Field(default_factory=dict)


class NetworkStatus(ApiModel):
    inbound: InboundStatus = Field(default_factory=InboundStatus)


class RunRequest(ApiModel):
    session_id: str | None = None
    session_idx: int | None = None
    command: str
    background: bool = False
    timeout: float | None = None
    end_symbol: str | None = None
    vcpu_count: int | None = None
    memory_mib: int | None = None
    disk_mib: int | None = None
    network: NetworkRequest | None = None
    acquire: str | None = None
    release: str | None = None
    signal: str | None = None


class CompletedRunResponse(ApiModel):
    run_id: str | None = None
    state: str = "completed"
    stdout: str = ""
    stdout_encoding: str = "utf-8"
    stderr: str = ""
    stderr_encoding: str = "utf-8"
    exit_code: int | None = None
    fail_reason: str | None = None
    dispatch: str | None = None


class BackgroundRunResponse(ApiModel):
    run_id: str
    state: str = "running"


RunResponse = CompletedRunResponse | BackgroundRunResponse


class RunSummary(ApiModel):
    run_id: str
    session_id: str | None = None
    command: str | None = None
    state: str = "running"
    started_at: str = ""
    completed_at: str | None = None
    exit_code: int | None = None
    fail_reason: str | None = None
    # Not in RunSummary's schema but sent by some servers; absent means 0.
    retry_count: int | None = None
    vm_id: str | None = None
    vm_name: str | None = None
    source_org_id: str | None = None
    region: str | None = None
    provider: str | None = None

    @property
    def is_terminal(self) -> bool:
        return self.state in TERMINAL_RUN_STATES


class Run(RunSummary):
    stdout: str = ""
    stdout_encoding: str = "utf-8"
    stderr: str = ""
    stderr_encoding: str = "utf-8"


class ListRunsResponse(ApiModel):
    runs: list[RunSummary] = Field(default_factory=list)
    next_cursor: str | None = None


class CancelRunResponse(ApiModel):
    cancelled: bool = False


# --- org activity ---------------------------------------------------------------


class OrgRunListRow(ApiModel):
    source: str = ""
    t_ms: int = 0
    request_id: str
    run_id: str | None = ""
    vm_id: str | None = ""
    session_id: str | None = ""
    region: str | None = ""
    status: int = 0
    total_ms: float = 0
    queue_ms: float = 0
    lambda_call_ms: float = 0
    lambda_duration_ms: float = 0
    executor_duration_ms: float = 0
    executor_kind: str | None = ""
    executor_cpu_ms: float = 0
    executor_mem_mb: float = 0
    lambda_cpu_ms: float = 0
    lambda_mem_mb: float = 0
    vm_vcpus: float = 0
    vm_memory_mib: float = 0
    path: str | None = ""
    method: str | None = ""
    command: str | None = ""
    source_vm_id: str | None = ""
    exit_code: int | None = None
    endpoint: str | None = ""
    api_key_prefix: str | None = ""
    body_bytes_in: int = 0
    body_bytes_out: int = 0
    body_in: str | None = ""
    body_out: str | None = ""


class ListOrgRunsResponse(ApiModel):
    since: int = 0
    until: int = 0
    limit: int = 0
    offset: int = 0
    lite: bool = False
    rows: list[OrgRunListRow] = Field(default_factory=list)


# --- filesystems and syncs --------------------------------------------------------


class Filesystem(ApiModel):
    filesystem_id: str
    name: str = ""
    owner_org_id: str = ""
    created_at: str = ""
    size_bytes: int | None = None
    region: str | None = "us-west-2"
    provider: str | None = "aws"


class ListFilesystemsResponse(ApiModel):
    filesystems: list[Filesystem] = Field(default_factory=list)
    next_cursor: str | None = None


class DeleteFilesystemResponse(ApiModel):
    deleted: bool = False


class FilesystemCreateRequest(ApiModel):
    name: str


class Sync(ApiModel):
    sync_id: str
    vm_id: str = ""
    filesystem_id: str = ""
    path: str = ""
    region: str | None = None


class ListSyncsResponse(ApiModel):
    syncs: list[Sync] = Field(default_factory=list)
    next_cursor: str | None = None


class DeleteSyncResponse(ApiModel):
    deleted: bool = False


class SyncCreateRequest(ApiModel):
    filesystem_id: str
    path: str | None = None


class SyncReadRequest(ApiModel):
    path: str


class SyncReadInlineResponse(ApiModel):
    path: str
    size: int = 0
    content: str = ""
    encoding: str = "utf-8"


class SyncReadPresignedResponse(ApiModel):
    path: str
    size: int = 0
    presigned_url: str = Field(repr=False)


SyncReadResponse = SyncReadInlineResponse | SyncReadPresignedResponse


class SyncByteRange(ApiModel):
    start: int = 0
    end: int = 0


class SyncChunkWrite(ApiModel):
    """Inline write of (a chunk of) a file. Shape partly outside the seed."""

    path: str
    content: str = ""
    encoding: str = "base64"
    offset: int | None = None
    truncate: bool | None = None


class SyncPresignedWriteRequest(ApiModel):
    path: str
    size: int = 0


class SyncPresignedWriteCommit(ApiModel):
    path: str
    upload_id: str
    sha256: str | None = None


class SyncWriteRequest(ApiModel):
    writes: list[dict[str, Any]] = Field(default_factory=list)


class SyncChunkWriteResult(ApiModel):
    path: str = ""
    bytes_written: int | None = None


class SyncPresignedWriteRequestResult(ApiModel):
    path: str = ""
    upload_id: str = ""
    presigned_url: str = Field(default="", repr=False)
    method: str = "PUT"


class SyncCommitWriteResult(ApiModel):
    path: str = ""
    size: int | None = None


class SyncWriteResponse(ApiModel):
    # Each result is one of the three *Result shapes; kept as raw dicts since
    # their discriminating fields are outside the seed.
    results: list[dict[str, Any]] = Field(default_factory=list)
