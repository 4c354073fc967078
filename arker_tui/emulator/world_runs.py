"""Runs: create (foreground / background / ack), list, get, cancel, signal,
and the Idempotency-Key store. A run's output comes from the fake shell
(shell.py).

A foreground command that takes time (``sleep 30``) keeps its session busy
until it ends: ``run`` then answers a ``ForegroundWait`` that the HTTP layer
awaits. A signal to the session ends it (SIGINT: exit code 130), and another
command sent to the busy session is a ``conflict``. With a manual clock
foreground runs are answered at once unless ``world.foreground_waits`` is
turned on (a test that does must move the clock, or signal).
"""

from __future__ import annotations

import asyncio
import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from arker_tui.api.errors import STATUS_FOR_CODE, ArkerError
from arker_tui.api.models import RESOURCE_KINDS

from .paging import paginate, parse_limit, time_param
from .records import RunRec, SessionRec, VmRec
from .shell import Program, ShellContext, parse

if TYPE_CHECKING:  # pragma: no cover
    from arker_tui.api.models import RunRequest

    from .world import World

# A foreground run longer than this (with no timeout of its own) fails as the
# gateway would: "timeout after 3600s".
FOREGROUND_MAX_SECONDS = 3600.0
SIGNALS = {"HUP": 1, "INT": 2, "QUIT": 3, "KILL": 9, "TERM": 15, "USR1": 10, "USR2": 12}


def _fail(code: str, message: str) -> ArkerError:
    return ArkerError(code, message, STATUS_FOR_CODE[code])


def _signal_number(sig: str) -> int:
    name = sig.upper().removeprefix("SIG")
    if name.isdigit():
        return int(name)
    if name not in SIGNALS:
        raise _fail("bad_request", f"signal: unknown signal {sig!r}")
    return SIGNALS[name]


@dataclass
class ForegroundWait:
    """A foreground run still running: the answer comes when it ends."""

    world: "World"
    vm: VmRec
    run: RunRec
    poll_seconds: float = 0.01

    async def answer(self) -> dict[str, Any]:
        world, vm, run = self.world, self.vm, self.run
        while run.is_running(world.now()):
            if world.vms.get(vm.vm_id) is not vm:
                raise _fail("not_found", f"vm {vm.vm_id} was deleted while the command ran")
            await asyncio.sleep(self.poll_seconds)
        vm.active_runs.discard(run.run_id)
        return run.completed_response(world.now())


def _resources(field: str, value: str) -> list[str]:
    kinds = [k.strip() for k in value.split(",") if k.strip()]
    bad = [k for k in kinds if k not in RESOURCE_KINDS]
    if bad or not kinds:
        raise _fail("bad_request", f"{field}: expected a comma list of cpu,memory,disk, got {value!r}")
    return kinds


class RunsMixin:
    version: int  # the host's (World) change counter

    def __init__(self) -> None:
        self.runs_created = 0
        # (vm_id, key) -> (request fingerprint, original response, or the foreground run answering it)
        self.idempotency: dict[tuple[str, str], tuple[str, dict[str, Any] | ForegroundWait]] = {}
        self.foreground_waits: bool | None = None  # None: only on a real clock (World sets it)

    # --- building -------------------------------------------------------------

    def add_run(self: "World", vm: VmRec, command: str, *, started_at: float | None = None,
                session: SessionRec | None = None, background: bool = True,
                timeout: float | None = None, program: Program | None = None,
                retry_count: int = 0, instant: bool = False) -> RunRec:
        """Low-level insert used by ``run`` and the world builders."""
        now = self.now()
        started = now if started_at is None else started_at
        if program is None:
            ctx = ShellContext(files=vm.files, cwd=session.cwd if session else "/home/user",
                               env=session.env if session else {}, hostname=vm.name, now=started)
            program = parse(command, ctx)
        run = RunRec(run_id=self.new_id("run"), vm_id=vm.vm_id, command=command, program=program,
                     started_at=started, seq=self.next_seq(),
                     session_id=session.session_id if session else None, background=background,
                     timeout=timeout, retry_count=retry_count, instant=instant)
        vm.runs[run.run_id] = run
        if not instant:
            vm.active_runs.add(run.run_id)
        self.version += 1
        return run

    def force_end(self, run: RunRec, state: str, when: float, *, reason: str | None = None,
                  exit_code: int | None = None) -> None:
        run.forced_state, run.forced_end = state, when
        run.forced_reason, run.forced_exit = reason, exit_code
        run._cached = None
        self.version += 1

    # --- the API ----------------------------------------------------------------

    def _session_for(self: "World", vm: VmRec, req: RunRequest) -> SessionRec | None:
        if req.session_id:
            s = vm.sessions.get(req.session_id)
            if s is None:
                raise _fail("not_found", f"session {req.session_id} not found in vm {vm.vm_id}")
            return s
        idx = req.session_idx or 0
        for s in vm.sessions.values():
            if s.session_idx == idx:
                return s
        if idx == 0:
            return self.add_session(vm, session_idx=0)
        raise _fail("not_found", f"session_idx {idx} not found in vm {vm.vm_id}")

    def run(self: "World", vm_id: str, req: RunRequest, idempotency_key: str | None = None
            ) -> dict[str, Any] | ForegroundWait:
        vm = self.get_vm(vm_id, write=True)
        fingerprint = json.dumps(req.model_dump(exclude_none=True), sort_keys=True)
        if idempotency_key:
            seen = self.idempotency.get((vm_id, idempotency_key))
            if seen is not None:
                if seen[0] != fingerprint:
                    raise _fail("conflict", "Idempotency-Key: this key was used with a different request")
                return seen[1] if isinstance(seen[1], ForegroundWait) else dict(seen[1])
        response = self._run(vm, req)
        if idempotency_key:
            kept = response if isinstance(response, ForegroundWait) else dict(response)
            self.idempotency[(vm_id, idempotency_key)] = (fingerprint, kept)
        return response

    def _busy_with(self, vm: VmRec, session: SessionRec | None, now: float) -> RunRec | None:
        """The foreground run that holds this session's shell, if any."""
        sid = session.session_id if session else None
        return next((r for r in vm.running_runs(now) if not r.background and r.session_id == sid), None)

    def _run(self: "World", vm: VmRec, req: RunRequest) -> dict[str, Any] | ForegroundWait:
        now = self.now()
        if req.timeout is not None and req.timeout <= 0:
            raise _fail("bad_request", f"timeout: must be positive, got {req.timeout}")
        if req.end_symbol not in (None, "auto"):
            raise _fail("not_implemented", "end_symbol: only 'auto' is implemented")
        if req.vcpu_count is not None and not 1 <= req.vcpu_count <= vm.max_vcpus:
            raise _fail("bad_request", f"vcpu_count: {req.vcpu_count} is outside 1..{vm.max_vcpus}")
        if req.memory_mib is not None and not vm.min_memory_mib <= req.memory_mib <= vm.max_memory_mib:
            raise _fail("bad_request", f"memory_mib: {req.memory_mib} is outside "
                        f"{vm.min_memory_mib}..{vm.max_memory_mib}")
        if req.acquire:
            _resources("acquire", req.acquire)
        session = self._session_for(vm, req)
        ack = {"state": "completed", "stdout": "", "stdout_encoding": "utf-8", "stderr": "",
               "stderr_encoding": "utf-8", "exit_code": 0, "fail_reason": None}
        if req.release:
            _resources("release", req.release)
            if not req.command.strip():
                return ack  # a bare release; with a command it applies after the run
        if req.signal:
            self.require_feature("signals")
            number = _signal_number(req.signal)
            name = next((n for n, v in SIGNALS.items() if v == number), str(number))
            # What runs in the session ends as a shell's child would: 128 + the
            # signal's number (SIGINT: 130), unless it trapped the signal. An
            # idle session just acknowledges.
            for run in vm.running_runs(now):
                if run.session_id == (session.session_id if session else None) \
                        and name not in run.program.ignored_signals:
                    self.force_end(run, "completed", now, exit_code=128 + number)
            return ack
        if not req.command.strip():
            raise _fail("bad_request", "command: must not be empty")
        busy = self._busy_with(vm, session, now)
        if busy is not None:
            raise _fail("conflict", f"session {busy.session_id or 'default'} is busy: "
                        f"{busy.command[:80]!r} is still running in the foreground")
        timeout = req.timeout
        waits = self.foreground_waits
        program = self._program(vm, req.command, session, now)
        if session is not None:  # cd / export / unset stay in the session
            session.cwd = program.cwd or session.cwd
            session.env = dict(program.env if program.env is not None else session.env)
        if not req.background:
            if timeout is None and (math.isinf(program.duration) or program.duration > FOREGROUND_MAX_SECONDS):
                timeout = FOREGROUND_MAX_SECONDS
            takes_time = min(program.duration, timeout if timeout is not None else math.inf) > 0
            run = self.add_run(vm, req.command, session=session, background=False, timeout=timeout,
                               program=program, instant=not (waits and takes_time))
        else:
            run = self.add_run(vm, req.command, session=session, timeout=timeout, program=program)
        self.runs_created += 1
        if req.network and req.network.inbound and req.network.inbound.ports:
            for port, spec in req.network.inbound.ports.items():
                self.add_tunnel(vm, int(port), run_id=run.run_id, visibility=spec.visibility,
                                protocol=spec.protocol)
        if req.background:
            return {"run_id": run.run_id, "state": "running"}
        if not run.instant:
            return ForegroundWait(self, vm, run)
        return run.completed_response(now)

    def _program(self, vm: VmRec, command: str, session: SessionRec | None, now: float) -> Program:
        ctx = ShellContext(files=vm.files, cwd=session.cwd if session else "/home/user",
                           env=session.env if session else {}, hostname=vm.name, now=now)
        return parse(command, ctx)

    def get_run_rec(self: "World", vm_id: str, run_id: str) -> tuple[VmRec, RunRec]:
        vm = self.get_vm(vm_id)
        run = vm.runs.get(run_id)
        if run is None:
            raise _fail("not_found", f"run {run_id} not found in vm {vm_id}")
        return vm, run

    def get_run(self: "World", vm_id: str, run_id: str) -> dict[str, Any]:
        vm, run = self.get_run_rec(vm_id, run_id)
        return run.full(self.now(), vm)

    def list_runs(self: "World", vm_id: str, *, state: str | None = None,
                  started_after: str | None = None, started_before: str | None = None,
                  completed_after: str | None = None, cursor: str | None = None,
                  limit: Any = None) -> dict[str, Any]:
        """Newest first."""
        vm, now, n = self.get_vm(vm_id), self.now(), parse_limit(limit)
        after = time_param("started_after", started_after)
        before = time_param("started_before", started_before)
        done_after = time_param("completed_after", completed_after)

        def keep(run: RunRec) -> bool:
            if after is not None and run.started_at <= after:
                return False
            if before is not None and run.started_at >= before:
                return False
            if state or done_after is not None:
                st, end, _, _ = run.status(now)
                if state and st != state:
                    return False
                if done_after is not None and (end is None or end <= done_after):
                    return False
            return True

        items = (r for r in reversed(list(vm.runs.values())) if keep(r))
        page, next_cursor = paginate(items, cursor, n, descending=True)
        return {"runs": [r.summary(now, vm) for r in page], "next_cursor": next_cursor}

    def cancel_run(self: "World", vm_id: str, run_id: str) -> dict[str, Any]:
        vm, run = self.get_run_rec(vm_id, run_id)
        if vm.owner_org_id != self.org_id:
            raise _fail("forbidden", f"vm {vm.name} belongs to {vm.owner_org_id}")
        now = self.now()
        if not run.is_running(now):
            return {"cancelled": False}
        self.force_end(run, "cancelled", now)
        vm.active_runs.discard(run.run_id)
        return {"cancelled": True}

    def forget_vm_runs(self: "World", vm: VmRec) -> None:
        for key in [k for k in self.idempotency if k[0] == vm.vm_id]:
            del self.idempotency[key]
