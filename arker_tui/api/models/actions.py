"""Requests and answers of what changes VMs, sessions, tunnels and runs:
fork, resize, delete, create, run a command, cancel."""

from typing import Any

from pydantic import Field

from .base import ApiModel

__all__ = [
    "DeleteSessionResponse", "CreateSessionRequest", "TunnelRequest", "DeleteTunnelResponse",
    "DeleteVmResponse", "ForkRequest", "ResizeRequest", "ResizeResponse", "InboundPortRequest",
    "InboundRequest", "NetworkRequest", "InboundPortStatus", "InboundStatus", "NetworkStatus",
    "RunRequest", "CompletedRunResponse", "BackgroundRunResponse", "RunResponse", "CancelRunResponse",
]


# --- sessions / tunnels -------------------------------------------------------


class DeleteSessionResponse(ApiModel):
    deleted: bool = False


class CreateSessionRequest(ApiModel):
    env: dict[str, str] | None = None
    cwd: str | None = None


class TunnelRequest(ApiModel):
    ports: list[int] | None = None
    auth_mode: str | None = None


class DeleteTunnelResponse(ApiModel):
    deleted: bool = False


# --- VMs ----------------------------------------------------------------------


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
    ports: dict[str, InboundPortRequest] = {}


class NetworkRequest(ApiModel):
    inbound: InboundRequest | None = None


class InboundPortStatus(ApiModel):
    requested: str = ""
    observed: str = ""
    effective: str = ""
    protocol: str = ""
    url: str | None = None


class InboundStatus(ApiModel):
    ports: dict[str, InboundPortStatus] = {}


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


class CancelRunResponse(ApiModel):
    cancelled: bool = False
