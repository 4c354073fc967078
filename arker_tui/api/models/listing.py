"""What the dashboard lists: VMs with their sessions and tunnels, runs,
filesystems and syncs, each with its page model."""

from typing import Any

from pydantic import Field

from .base import TERMINAL_RUN_STATES, ApiModel, shared_strings
from .compact import CompactModel, compact

__all__ = [
    "Session", "ListSessionsResponse", "Tunnel", "ListTunnelsResponse", "Vm", "ListVmsResponse",
    "RunSummary", "Run", "ListRunsResponse", "Filesystem", "ListFilesystemsResponse", "Sync",
    "ListSyncsResponse",
]


# --- sessions / tunnels -------------------------------------------------------


# VMs, sessions and tunnels are compact models (see compact.py): an org holds
# them by the hundred thousand.


@compact
class Session(CompactModel):
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
    extras: dict[str, Any] | None = None

    _shared = shared_strings("state", "cwd", "source_org_id", "region", "provider")


class ListSessionsResponse(ApiModel):
    sessions: list[Session] = []
    next_cursor: str | None = None


@compact
class Tunnel(CompactModel):
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
    extras: dict[str, Any] | None = None

    _shared = shared_strings("visibility", "protocol", "state", "source_org_id", "region", "provider", "auth_mode")

    @property
    def key(self) -> str:
        """The identity used in the API path: ``tunnel_key`` or the port."""
        return self.tunnel_key or str(self.port)


class ListTunnelsResponse(ApiModel):
    tunnels: list[Tunnel] = []
    next_cursor: str | None = None


# --- VMs ----------------------------------------------------------------------


@compact
class Vm(CompactModel):
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
    extras: dict[str, Any] | None = None

    _shared = shared_strings("owner_org_id", "state", "region", "provider", "root_source_vm_id",
                             "root_source_vm_name", "worker_id")

    @property
    def label(self) -> str:
        return self.name or self.vm_id


class ListVmsResponse(ApiModel):
    vms: list[Vm] = []
    next_cursor: str | None = None


# --- runs ---------------------------------------------------------------------


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
    runs: list[RunSummary] = []
    next_cursor: str | None = None


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
    filesystems: list[Filesystem] = []
    next_cursor: str | None = None


class Sync(ApiModel):
    sync_id: str
    vm_id: str = ""
    filesystem_id: str = ""
    path: str = ""
    region: str | None = None


class ListSyncsResponse(ApiModel):
    syncs: list[Sync] = []
    next_cursor: str | None = None
