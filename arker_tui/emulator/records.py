"""The world's records: plain dataclasses (cheap to build by the ten thousand)
that render themselves as API JSON dicts at a given moment.

Everything time-dependent (a run's state and output, a tunnel's state, a VM's
state) is computed lazily from the clock's ``now`` when a record is rendered.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from .clock import iso
from .shell import Program

TUNNEL_STARTUP_SECONDS = 2.0
TUNNEL_DOMAIN = "tunnels.arker.local"


def encode_output(data: bytes, force: str | None = None) -> tuple[str, str]:
    """bytes -> (text, encoding): utf-8 when it decodes, else base64."""
    if force != "base64":
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    return base64.b64encode(data).decode("ascii"), "base64"


@dataclass(eq=False)
class SessionRec:
    """A session of a VM."""

    session_id: str
    vm_id: str
    session_idx: int = 0
    cwd: str = "/home/user"
    env: dict[str, str] = field(default_factory=dict)
    started_at: float = 0.0
    seq: int = 0


@dataclass(eq=False)
class RunRec:
    """A run: its program, and its state and output at any moment."""

    run_id: str
    vm_id: str
    command: str
    program: Program
    started_at: float
    seq: int = 0
    session_id: str | None = None
    background: bool = True
    timeout: float | None = None
    retry_count: int = 0
    # Foreground runs are answered at once: their whole timeline is "elapsed".
    instant: bool = False
    # A platform-decided end (cancel, host died): state, moment, reason.
    forced_state: str | None = None
    forced_end: float | None = None
    forced_reason: str | None = None
    forced_exit: int | None = None
    force_encoding: str | None = None
    _cached: tuple[bytes, bytes] | None = field(default=None, repr=False)

    def status(self, now: float) -> tuple[str, float | None, int | None, str | None]:
        """(state, completed_at, exit_code, fail_reason) at ``now``."""
        if self.forced_state is not None:
            return self.forced_state, self.forced_end, self.forced_exit, self.forced_reason
        duration = self.program.duration
        timeout = self.timeout
        if timeout is not None and timeout < duration:
            end = self.started_at if self.instant else self.started_at + timeout
            if self.instant or now >= end:
                return "failed", end, None, f"timeout after {timeout:g}s"
            return "running", None, None, None
        if self.instant:
            return "completed", self.started_at, self.program.exit_code, None
        end = self.started_at + duration
        if now >= end:
            return "completed", end, self.program.exit_code, None
        return "running", None, None, None

    def is_running(self, now: float) -> bool:
        return self.status(now)[0] == "running"

    def elapsed(self, now: float) -> float:
        state, end, _, _ = self.status(now)
        duration = self.program.duration
        if self.instant:
            return min(duration, self.timeout) if self.timeout is not None else duration
        if state == "running":
            return now - self.started_at
        assert end is not None
        return end - self.started_at

    def output(self, now: float) -> tuple[bytes, bytes]:
        if self._cached is not None:
            return self._cached
        out = self.program.output(self.elapsed(now))
        if not self.is_running(now):
            self._cached = out
        return out

    def summary(self, now: float, vm: "VmRec") -> dict[str, Any]:
        state, end, code, reason = self.status(now)
        return {
            "run_id": self.run_id,
            "session_id": self.session_id,
            "command": self.command,
            "state": state,
            "started_at": iso(self.started_at),
            "completed_at": iso(end),
            "exit_code": code,
            "fail_reason": reason,
            "retry_count": self.retry_count,
            **vm.scope(),
        }

    def full(self, now: float, vm: "VmRec") -> dict[str, Any]:
        data = self.summary(now, vm)
        out, err = self.output(now)
        data["stdout"], data["stdout_encoding"] = encode_output(out, self.force_encoding)
        data["stderr"], data["stderr_encoding"] = encode_output(err, self.force_encoding)
        return data

    def completed_response(self, now: float) -> dict[str, Any]:
        state, _, code, reason = self.status(now)
        out, err = self.output(now)
        stdout, stdout_enc = encode_output(out, self.force_encoding)
        stderr, stderr_enc = encode_output(err, self.force_encoding)
        return {
            "run_id": self.run_id,
            "state": state,
            "stdout": stdout,
            "stdout_encoding": stdout_enc,
            "stderr": stderr,
            "stderr_encoding": stderr_enc,
            "exit_code": code,
            "fail_reason": reason,
        }


@dataclass(eq=False)
class TunnelRec:
    """A tunnel to a port of a VM."""

    vm_id: str
    port: int
    tunnel_key: str
    created_at: float
    seq: int = 0
    run_id: str | None = None
    visibility: str = "private"
    protocol: str = "http"
    auth_mode: str = "open"
    auth_token: str | None = None
    closed_at: float | None = None
    message: str | None = None

    def state(self, now: float, run: RunRec | None) -> str:
        if self.closed_at is not None and now >= self.closed_at:
            return "closed"
        if run is not None and not run.is_running(now):
            return "closed"
        if now - self.created_at < TUNNEL_STARTUP_SECONDS:
            return "starting"
        return "open"

    def render(self, now: float, vm: "VmRec", *, with_token: bool = False) -> dict[str, Any]:
        run = vm.runs.get(self.run_id) if self.run_id else None
        state = self.state(now, run)
        message = self.message
        if message is None:
            message = {
                "starting": "waiting for the port to accept connections",
                "closed": "run ended" if run is not None else "closed",
            }.get(state)
        data = {
            "vm_id": self.vm_id,
            "port": self.port,
            "run_id": self.run_id,
            "visibility": self.visibility,
            "protocol": self.protocol,
            "url": f"https://{self.tunnel_key}.{TUNNEL_DOMAIN}",
            "state": state,
            "message": message,
            "started_at": iso(self.created_at),
            "tunnel_key": self.tunnel_key,
            "auth_mode": self.auth_mode,
            **vm.scope(),
        }
        if with_token and self.auth_token:
            data["auth_token"] = self.auth_token
        return data


@dataclass(eq=False)
class SyncRec:
    """A filesystem synced into a VM at a path."""

    sync_id: str
    vm_id: str
    filesystem_id: str
    path: str
    region: str | None
    seq: int = 0

    def render(self) -> dict[str, Any]:
        return {
            "sync_id": self.sync_id,
            "vm_id": self.vm_id,
            "filesystem_id": self.filesystem_id,
            "path": self.path,
            "region": self.region,
        }


@dataclass(eq=False)
class FilesystemRec:
    """A filesystem of the org."""

    filesystem_id: str
    name: str
    owner_org_id: str
    created_at: float
    size_bytes: int = 0
    region: str = "us-west-2"
    provider: str = "aws"
    seq: int = 0

    def render(self) -> dict[str, Any]:
        return {
            "filesystem_id": self.filesystem_id,
            "name": self.name,
            "owner_org_id": self.owner_org_id,
            "created_at": iso(self.created_at),
            "size_bytes": self.size_bytes,
            "region": self.region,
            "provider": self.provider,
        }


@dataclass(eq=False)
class VmRec:
    """A VM with its sessions, runs, tunnels, syncs and files."""

    vm_id: str
    name: str
    owner_org_id: str
    created_at: float
    seq: int = 0
    public: bool = False
    region: str = "us-west-2"
    provider: str = "aws"
    vcpu_count: int = 2
    memory_mib: int = 4096
    disk_mib: int = 20480
    max_vcpus: int = 8
    max_memory_mib: int = 16384
    min_memory_mib: int = 512
    network: Any = True
    root_source_vm_id: str | None = None
    root_source_vm_name: str | None = None
    worker_id: str | None = None
    started_at: float | None = None
    durable: bool = False
    files: dict[str, bytes] = field(default_factory=dict)
    sessions: dict[str, SessionRec] = field(default_factory=dict)
    runs: dict[str, RunRec] = field(default_factory=dict)
    tunnels: dict[str, TunnelRec] = field(default_factory=dict)
    syncs: dict[str, SyncRec] = field(default_factory=dict)
    # Runs that may still be running (pruned lazily): keeps VM state O(1)-ish.
    active_runs: set[str] = field(default_factory=set)

    def scope(self) -> dict[str, Any]:
        return {
            "vm_id": self.vm_id,
            "vm_name": self.name,
            "source_org_id": self.owner_org_id,
            "region": self.region,
            "provider": self.provider,
        }

    def running_runs(self, now: float) -> list[RunRec]:
        running = []
        for run_id in list(self.active_runs):
            run = self.runs.get(run_id)
            if run is None or not run.is_running(now):
                self.active_runs.discard(run_id)
            else:
                running.append(run)
        return running

    def state(self, now: float) -> str:
        return "running" if self.running_runs(now) else "idle"

    def session_state(self, session_id: str, now: float) -> str:
        busy = any(r.session_id == session_id for r in self.running_runs(now))
        return "running" if busy else "idle"

    def render_session(self, s: SessionRec, now: float) -> dict[str, Any]:
        return {
            "session_id": s.session_id,
            "session_idx": s.session_idx,
            "state": self.session_state(s.session_id, now),
            "cwd": s.cwd,
            "env": dict(s.env),
            "started_at": iso(s.started_at),
            **self.scope(),
        }

    def render(self, now: float) -> dict[str, Any]:
        return {
            "vm_id": self.vm_id,
            "owner_org_id": self.owner_org_id,
            "created_at": iso(self.created_at),
            "name": self.name,
            "public": self.public,
            "root_source_vm_id": self.root_source_vm_id,
            "root_source_vm_name": self.root_source_vm_name,
            "state": self.state(now),
            "region": self.region,
            "provider": self.provider,
            "started_at": iso(self.started_at),
            "vcpu_count": self.vcpu_count,
            "memory_mib": self.memory_mib,
            "disk_mib": self.disk_mib,
            "network": self.network,
            "max_vcpus": self.max_vcpus,
            "max_memory_mib": self.max_memory_mib,
            "min_memory_mib": self.min_memory_mib,
            "worker_id": self.worker_id,
            "sessions": [self.render_session(s, now) for s in self.sessions.values()],
            "tunnels": [t.render(now, self) for t in self.tunnels.values()],
        }
