"""The in-memory Arker world: VMs (with their sessions, runs, tunnels, syncs
and files), filesystems and the org activity log.

Every operation raises ``ArkerError(code, message, status)`` with the status
of ``STATUS_FOR_CODE``. Runs live in ``world_runs.py``, tunnels in
``tunnels.py``, file sync in ``files.py`` and the activity log in
``activity.py``; ``World`` assembles them.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any, Iterable

from arker_tui.api.errors import STATUS_FOR_CODE, ArkerError
from arker_tui.api.models import ARKER_ORG_ID

from .activity import ActivityMixin
from .clock import Clock, RealClock
from .files import FilesMixin
from .paging import paginate, parse_limit, time_param
from .records import FilesystemRec, SessionRec, SyncRec, VmRec
from .tunnels import TunnelsMixin
from .vm_pages import EncodedJson, VmPages
from .world_runs import RunsMixin

if TYPE_CHECKING:  # pragma: no cover
    from arker_tui.api.models import ForkRequest, ResizeRequest

DEFAULT_ORG = "org_acme"
ALL_FEATURES = frozenset({"sessions", "tunnels", "syncs", "filesystems", "files", "org_runs", "signals"})


def fail(code: str, message: str) -> ArkerError:
    return ArkerError(code, message, STATUS_FOR_CODE[code])


class World(RunsMixin, TunnelsMixin, FilesMixin, ActivityMixin):
    """All state of the emulator. ``org_id`` is the caller's org."""

    def __init__(self, clock: Clock | None = None, *, org_id: str = DEFAULT_ORG, seed: int = 0,
                 default_region: str = "us-west-2", default_provider: str = "aws") -> None:
        self.clock: Clock = clock or RealClock()
        self.org_id = org_id
        self.rng = random.Random(seed)
        self.default_region = default_region
        self.default_provider = default_provider
        self.features: set[str] = set(ALL_FEATURES)
        self.vms: dict[str, VmRec] = {}
        self.names: dict[tuple[str, str], str] = {}
        self.filesystems: dict[str, FilesystemRec] = {}
        self._seq = 0
        self._ids: set[str] = set()
        self.demo: dict[str, Any] = {}  # notable objects of a built world (demo.py)
        self.version = 0  # moves on every change a cache must see (vm_pages.py)
        self.vm_pages: VmPages | None = None  # the VM list's pages built once, when asked for
        RunsMixin.__init__(self)
        # Foreground commands take their time on a real clock; a manual clock
        # answers them at once unless a test turns this on.
        self.foreground_waits = isinstance(self.clock, RealClock)
        TunnelsMixin.__init__(self)
        FilesMixin.__init__(self)
        ActivityMixin.__init__(self)

    # --- helpers -------------------------------------------------------------

    def now(self) -> float:
        return self.clock.now()

    def touch(self) -> None:
        """Something changed: caches of rendered pages start again."""
        self.version += 1

    def serve_pages_once(self) -> None:
        """Serve the VM list from pages built once (big worlds; see vm_pages.py)."""
        self.vm_pages = VmPages(self)

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def new_id(self, prefix: str, nbytes: int = 6) -> str:
        while True:
            ident = f"{prefix}_{self.rng.getrandbits(nbytes * 8):0{nbytes * 2}x}"
            if ident not in self._ids:
                self._ids.add(ident)
                return ident

    def require_feature(self, feature: str) -> None:
        if feature not in self.features:
            raise fail("unsupported_operation", f"{feature} are not supported by this backend")

    # --- VMs -----------------------------------------------------------------

    def add_vm(self, name: str, *, owner_org_id: str | None = None, vm_id: str | None = None,
               created_at: float | None = None, **fields: Any) -> VmRec:
        """Low-level insert used by fork and the world builders (no validation)."""
        org = owner_org_id or self.org_id
        if (org, name) in self.names:
            raise fail("conflict", f"name: a VM named {name!r} already exists in {org}")
        now = self.now()
        vm = VmRec(vm_id=vm_id or self.new_id("vm"), name=name, owner_org_id=org,
                   created_at=now if created_at is None else created_at, seq=self.next_seq(),
                   **fields)
        if vm.started_at is None:
            vm.started_at = vm.created_at
        self.version += 1
        self.vms[vm.vm_id] = vm
        self.names[(org, name)] = vm.vm_id
        return vm

    def add_session(self, vm: VmRec, *, cwd: str = "/home/user", env: dict[str, str] | None = None,
                    started_at: float | None = None, session_idx: int | None = None) -> SessionRec:
        idx = session_idx if session_idx is not None else len(vm.sessions)
        s = SessionRec(session_id=self.new_id("ses"), vm_id=vm.vm_id, session_idx=idx, cwd=cwd,
                       env=dict(env or {}), seq=self.next_seq(),
                       started_at=self.now() if started_at is None else started_at)
        vm.sessions[s.session_id] = s
        self.version += 1
        return s

    def get_vm(self, vm_id: str, *, write: bool = False) -> VmRec:
        vm = self.vms.get(vm_id)
        if vm is None or (vm.owner_org_id != self.org_id and not vm.public):
            raise fail("not_found", f"vm {vm_id} not found")
        if write and vm.owner_org_id != self.org_id:
            raise fail("forbidden", f"vm {vm.name} belongs to {vm.owner_org_id}; fork it instead")
        return vm

    def find_vm_by_name(self, name: str, org: str | None = None) -> VmRec | None:
        vm_id = self.names.get((org or self.org_id, name))
        return self.vms.get(vm_id) if vm_id else None

    def list_vms(self, *, cursor: str | None = None, limit: Any = None, region: str | None = None,
                 provider: str | None = None, state: str | None = None,
                 source_org_id: str | None = None, started_after: str | None = None,
                 started_before: str | None = None, name_prefix: str | None = None
                 ) -> dict[str, Any] | EncodedJson:
        n = parse_limit(limit)
        org = source_org_id or self.org_id
        after = time_param("started_after", started_after)
        before = time_param("started_before", started_before)
        now = self.now()
        if region and region.startswith("aws-"):  # legacy combined form aws-us-west-2
            region = region[4:]

        def keep(vm: VmRec) -> bool:
            if vm.owner_org_id != org or (org != self.org_id and not vm.public):
                return False
            if region and vm.region != region or provider and vm.provider != provider:
                return False
            if name_prefix and not vm.name.startswith(name_prefix):
                return False
            started = vm.started_at or vm.created_at
            if after is not None and started <= after or before is not None and started >= before:
                return False
            return not state or vm.state(now) == state

        if self.vm_pages is not None:
            key = (org, region, provider, name_prefix, after, before, state)
            return self.vm_pages.page(key, keep, cursor, n, now)
        page, next_cursor = paginate((v for v in self.vms.values() if keep(v)), cursor, n)
        return {"vms": [vm.render(now) for vm in page], "next_cursor": next_cursor}

    def fork(self, req: ForkRequest, *, place: tuple[str | None, str | None] | None = None
             ) -> tuple[VmRec, list[dict[str, Any]]]:
        """Fork a VM; returns the new VM and its created tunnels (with tokens).
        ``place``: the (provider, region) of the compute host that took the
        fork; that host must own the source unless it is public, and the
        new VM lives there."""
        if not req.source_vm_id and not req.source_vm_name:
            raise fail("bad_request", "source_vm_id: source_vm_id or source_vm_name is required")
        src: VmRec | None
        if req.source_vm_id:
            src = self.get_vm(req.source_vm_id)
        else:
            org = req.source_org_id
            src = self.find_vm_by_name(req.source_vm_name or "", org)
            if src is None and org is None:
                src = self.find_vm_by_name(req.source_vm_name or "", ARKER_ORG_ID)
            if src is None or (src.owner_org_id != self.org_id and not src.public):
                raise fail("not_found", f"vm {req.source_vm_name!r} not found in {org or self.org_id}")
        if place is not None and not src.public and (
                src.provider != place[0] or place[1] is not None and src.region != place[1]):
            raise fail("not_found", f"vm {src.vm_id} not found")
        name = req.name or self._fork_name(src.name)
        if (self.org_id, name) in self.names:
            raise fail("conflict", f"name: a VM named {name!r} already exists")
        max_vcpus = src.max_vcpus
        max_mem = req.max_memory_mib if req.max_memory_mib is not None else src.max_memory_mib
        vcpu = req.vcpu_count if req.vcpu_count is not None else src.vcpu_count
        mem = req.memory_mib if req.memory_mib is not None else src.memory_mib
        disk = req.disk_mib if req.disk_mib is not None else src.disk_mib
        self._check_resources(vcpu, mem, disk, max_vcpus, max_mem, src.min_memory_mib, src.disk_mib)
        extra = req.extra_fields
        region = extra.get("region") or (src.region if not src.public else self.default_region)
        provider = extra.get("provider") or (src.provider if not src.public else self.default_provider)
        if place is not None:  # a compute host makes its VMs where it is
            provider, region = place[0] or provider, place[1] or region
        is_root = src.root_source_vm_id is None
        files = dict(src.files) if req.disk is not False else {}
        files["/etc/hostname"] = (name + "\n").encode()
        vm = self.add_vm(
            name, public=bool(req.public), region=region, provider=provider, vcpu_count=vcpu,
            memory_mib=mem, disk_mib=disk, max_vcpus=max_vcpus, max_memory_mib=max_mem,
            min_memory_mib=src.min_memory_mib,
            network=req.network if req.network is not None else src.network,
            root_source_vm_id=src.vm_id if is_root else src.root_source_vm_id,
            root_source_vm_name=src.name if is_root else src.root_source_vm_name,
            worker_id=f"wrk-{self.rng.randint(1, 40)}", durable=bool(req.durable), files=files)
        self.add_session(vm, session_idx=0)
        tunnels: list[dict[str, Any]] = []
        if req.tunnel is not None and req.tunnel.ports:
            tunnels = self.create_tunnels(vm.vm_id, req.tunnel.ports, req.tunnel.auth_mode)
        return vm, tunnels

    def _fork_name(self, base: str) -> str:
        i = 1
        while (self.org_id, f"{base}-fork-{i}") in self.names:
            i += 1
        return f"{base}-fork-{i}"

    @staticmethod
    def _check_resources(vcpu: int | None, mem: int | None, disk: int | None, max_vcpus: int,
                         max_mem: int, min_mem: int, current_disk: int | None) -> None:
        if vcpu is not None and not 1 <= vcpu <= max_vcpus:
            raise fail("bad_request", f"vcpu_count: {vcpu} is outside 1..{max_vcpus} (max_vcpus)")
        if mem is not None and not min_mem <= mem <= max_mem:
            raise fail("bad_request",
                       f"memory_mib: {mem} is outside {min_mem}..{max_mem} (min/max_memory_mib)")
        if disk is not None and current_disk is not None and disk < current_disk:
            raise fail("bad_request", f"disk_mib: {disk} is below the current {current_disk}; disks only grow")

    def resize(self, vm_id: str, req: ResizeRequest) -> dict[str, Any]:
        vm = self.get_vm(vm_id, write=True)
        if req.vcpu_count is None and req.memory_mib is None and req.disk_mib is None:
            raise fail("bad_request", "vcpu_count: one of vcpu_count, memory_mib, disk_mib is required")
        self._check_resources(req.vcpu_count, req.memory_mib, req.disk_mib, vm.max_vcpus,
                              vm.max_memory_mib, vm.min_memory_mib, vm.disk_mib)
        vm.vcpu_count = req.vcpu_count or vm.vcpu_count
        vm.memory_mib = req.memory_mib or vm.memory_mib
        vm.disk_mib = req.disk_mib or vm.disk_mib
        self.version += 1
        return {"resized": True}

    def delete_vm(self, vm_id: str) -> dict[str, Any]:
        vm = self.get_vm(vm_id, write=True)
        del self.vms[vm_id]
        self.version += 1
        self.names.pop((vm.owner_org_id, vm.name), None)
        self.forget_vm_runs(vm)
        self.forget_vm_files(vm)
        return {"deleted": True}

    # --- sessions --------------------------------------------------------------

    def get_session(self, vm_id: str, session_id: str) -> tuple[VmRec, SessionRec]:
        self.require_feature("sessions")
        vm = self.get_vm(vm_id)
        s = vm.sessions.get(session_id)
        if s is None:
            raise fail("not_found", f"session {session_id} not found in vm {vm_id}")
        return vm, s

    def list_sessions(self, vm_id: str, *, state: str | None = None, cursor: str | None = None,
                      limit: Any = None) -> dict[str, Any]:
        self.require_feature("sessions")
        vm, now, n = self.get_vm(vm_id), self.now(), parse_limit(limit)
        items = (s for s in vm.sessions.values() if not state or vm.session_state(s.session_id, now) == state)
        page, next_cursor = paginate(items, cursor, n)
        return {"sessions": [vm.render_session(s, now) for s in page], "next_cursor": next_cursor}

    def create_session(self, vm_id: str, *, env: dict[str, str] | None = None,
                       cwd: str | None = None) -> dict[str, Any]:
        self.require_feature("sessions")
        vm = self.get_vm(vm_id, write=True)
        if cwd is not None and not cwd.startswith("/"):
            raise fail("bad_request", f"cwd: must be an absolute path, got {cwd!r}")
        s = self.add_session(vm, cwd=cwd or "/home/user", env=env)
        return vm.render_session(s, self.now())

    def delete_session(self, vm_id: str, session_id: str) -> dict[str, Any]:
        vm, s = self.get_session(vm_id, session_id)
        if vm.owner_org_id != self.org_id:
            raise fail("forbidden", f"vm {vm.name} belongs to {vm.owner_org_id}")
        now = self.now()
        for run in vm.running_runs(now):
            if run.session_id == session_id:
                self.force_end(run, "cancelled", now)
        del vm.sessions[session_id]
        return {"deleted": True}

    # --- filesystems and syncs ------------------------------------------------

    def get_filesystem(self, filesystem_id: str) -> FilesystemRec:
        self.require_feature("filesystems")
        fs = self.filesystems.get(filesystem_id)
        if fs is None or fs.owner_org_id != self.org_id:
            raise fail("not_found", f"filesystem {filesystem_id} not found")
        return fs

    def list_filesystems(self, *, name_prefix: str | None = None, cursor: str | None = None,
                         limit: Any = None) -> dict[str, Any]:
        self.require_feature("filesystems")
        n = parse_limit(limit)
        items = (f for f in self.filesystems.values()
                 if f.owner_org_id == self.org_id and (not name_prefix or f.name.startswith(name_prefix)))
        page, next_cursor = paginate(items, cursor, n)
        return {"filesystems": [f.render() for f in page], "next_cursor": next_cursor}

    def create_filesystem(self, name: str, *, region: str | None = None, provider: str | None = None,
                          size_bytes: int = 0, created_at: float | None = None) -> FilesystemRec:
        self.require_feature("filesystems")
        if not name.strip():
            raise fail("bad_request", "name: must not be empty")
        if any(f.name == name and f.owner_org_id == self.org_id for f in self.filesystems.values()):
            raise fail("conflict", f"name: a filesystem named {name!r} already exists")
        fs = FilesystemRec(filesystem_id=self.new_id("fs"), name=name, owner_org_id=self.org_id,
                           created_at=self.now() if created_at is None else created_at,
                           size_bytes=size_bytes, region=region or self.default_region,
                           provider=provider or self.default_provider, seq=self.next_seq())
        self.filesystems[fs.filesystem_id] = fs
        return fs

    def delete_filesystem(self, filesystem_id: str) -> dict[str, Any]:
        fs = self.get_filesystem(filesystem_id)
        users = [vm.name for vm in self.vms.values()
                 if any(s.filesystem_id == fs.filesystem_id for s in vm.syncs.values())]
        if users:
            raise fail("conflict", f"filesystem {fs.name} is synced into {', '.join(sorted(users))}")
        del self.filesystems[filesystem_id]
        return {"deleted": True}

    def list_syncs(self, vm_id: str, *, filesystem_id: str | None = None, cursor: str | None = None,
                   limit: Any = None) -> dict[str, Any]:
        self.require_feature("syncs")
        vm, n = self.get_vm(vm_id), parse_limit(limit)
        items = (s for s in vm.syncs.values() if not filesystem_id or s.filesystem_id == filesystem_id)
        page, next_cursor = paginate(items, cursor, n)
        return {"syncs": [s.render() for s in page], "next_cursor": next_cursor}

    def create_sync(self, vm_id: str, filesystem_id: str, path: str | None = None) -> SyncRec:
        self.require_feature("syncs")
        vm = self.get_vm(vm_id, write=True)
        fs = self.get_filesystem(filesystem_id)
        path = path or f"/mnt/{fs.name}"
        if not path.startswith("/"):
            raise fail("bad_request", f"path: must be an absolute path, got {path!r}")
        if any(s.path == path for s in vm.syncs.values()):
            raise fail("conflict", f"path: {path} already has a sync in vm {vm.name}")
        sync = SyncRec(sync_id=self.new_id("sync"), vm_id=vm.vm_id, filesystem_id=fs.filesystem_id,
                       path=path, region=vm.region, seq=self.next_seq())
        vm.syncs[sync.sync_id] = sync
        return sync

    def delete_sync(self, vm_id: str, sync_id: str) -> dict[str, Any]:
        self.require_feature("syncs")
        vm = self.get_vm(vm_id, write=True)
        if vm.syncs.pop(sync_id, None) is None:
            raise fail("not_found", f"sync {sync_id} not found in vm {vm_id}")
        return {"deleted": True}

    # --- convenience for tests ------------------------------------------------

    def org_vms(self) -> Iterable[VmRec]:
        return (vm for vm in self.vms.values() if vm.owner_org_id == self.org_id)
