"""A big deterministic world for benchmarks and virtual-list tests.

``build_scale_world(clock, vms=10_000, runs_per_vm=3, output_lines=100)``
builds in a fraction of a second: records are plain dataclasses, no command is
parsed (each run is a ``Progress`` step) and run output is produced only when
a run is read. The last run of every 10th VM is still running; every 5th VM
has an open tunnel.
"""

from __future__ import annotations

import gc
import random

from arker_tui.api.models import ARKER_ORG_ID, PUBLIC_GOLDENS

from .clock import Clock
from .records import RunRec, SessionRec, TunnelRec, VmRec
from .shell import Instant, Program, Progress, Sleep
from .world import DEFAULT_ORG, World

_ROLES = ["api", "worker", "ci-runner", "scratch", "ml-train", "web", "etl", "db", "cache", "sandbox"]
_REGIONS = [("us-west-2", "aws"), ("us-west-2", "aws-burst"), ("eu-central-1", "aws"),
            ("eu-central-1", "aws-burst")]


def build_scale_world(clock: Clock, vms: int = 1000, runs_per_vm: int = 3, output_lines: int = 100,
                      seed: int = 0, *, line_interval: float = 0.1, pages_once: bool = False) -> World:
    """``pages_once``: serve the VM list from pages built once (vm_pages.py;
    then change the world through its methods, or call ``world.touch()``)."""
    # Hundreds of thousands of new records: the cyclic collector would scan
    # them again and again while they are made (100,000 VMs: 11 s instead of 3).
    enabled = gc.isenabled()
    gc.disable()
    try:
        world = _build(clock, vms, runs_per_vm, output_lines, seed, line_interval)
    finally:
        if enabled:
            gc.enable()
    if pages_once:
        world.serve_pages_once()
    return world


def _build(clock: Clock, vms: int, runs_per_vm: int, output_lines: int, seed: int,
           line_interval: float) -> World:
    world = World(clock, org_id=DEFAULT_ORG, seed=seed)
    rng = random.Random(seed)
    now = clock.now()
    goldens = []
    for name in PUBLIC_GOLDENS:
        g = world.add_vm(name, owner_org_id=ARKER_ORG_ID, public=True, created_at=now - 200 * 86400)
        goldens.append(g)
    duration = output_lines * line_interval
    vm_records = world.vms
    names = world.names
    parents: list[VmRec] = []
    for i in range(vms):
        seq = world.next_seq()
        vm_id = f"vm_{seed:02x}{i:010x}"
        name = f"{_ROLES[i % len(_ROLES)]}-{i:05d}"
        region, provider = _REGIONS[(i // 7) % len(_REGIONS)]
        roll = rng.random()
        if roll < 0.05 or not parents:
            root_id = root_name = None
        elif roll < 0.5:
            g = goldens[i % len(goldens)]
            root_id, root_name = g.vm_id, g.name
        else:
            p = parents[rng.randrange(len(parents))]
            root_id = p.root_source_vm_id or p.vm_id
            root_name = p.root_source_vm_name or p.name
        created = now - rng.uniform(600, 30 * 86400)
        vcpu = 1 << rng.randrange(4)
        vm = VmRec(vm_id=vm_id, name=name, owner_org_id=DEFAULT_ORG, created_at=created, seq=seq,
                   region=region, provider=provider, vcpu_count=vcpu, memory_mib=vcpu * 2048,
                   disk_mib=10240 * (1 + i % 8), root_source_vm_id=root_id,
                   root_source_vm_name=root_name, worker_id=f"wrk-{i % 97}",
                   started_at=created + 5, network=True,
                   files={"/etc/hostname": f"{name}\n".encode()})
        sid = f"ses_{seed:02x}{i:010x}"
        vm.sessions[sid] = SessionRec(session_id=sid, vm_id=vm_id, started_at=created + 5,
                                      seq=world.next_seq())
        for k in range(runs_per_vm):
            running = k == runs_per_vm - 1 and i % 10 == 0
            started = now - (5 if running else 3600 * (runs_per_vm - k))
            step = Progress(count=output_lines, interval=line_interval,
                            style="train" if i % 2 else "progress")
            run_id = f"run_{seed:02x}{i:08x}{k:04x}"
            command = f"progress {output_lines} {line_interval:g}"
            vm.runs[run_id] = RunRec(
                run_id=run_id, vm_id=vm_id, command=command,
                program=Program(command, [(0.0, step)], duration, 0),
                started_at=started if not running else now - 1, seq=world.next_seq(),
                session_id=sid)
            if running:
                vm.runs[run_id].program.duration = 10 * 86400.0  # keeps running
                vm.active_runs.add(run_id)
        if i % 5 == 0:
            key = f"tun{seed:02x}{i:08x}"
            vm.tunnels[key] = TunnelRec(vm_id=vm_id, port=8000 + i % 1000, tunnel_key=key,
                                        created_at=created + 60, seq=world.next_seq())
        vm_records[vm_id] = vm
        names[(DEFAULT_ORG, name)] = vm_id
        if i % 4 == 0:
            parents.append(vm)
    return world


def add_big_output_run(world: World, vm: VmRec, nbytes: int) -> RunRec:
    """A run on ``vm`` that has printed ``nbytes`` of text and keeps running
    (the benchmark of a followed run with large output)."""
    line = b"epoch 0000 loss=0.4121 acc=0.9712 lr=0.0003 step ok\n"
    big = line * (nbytes // len(line)) + b"." * (nbytes % len(line))
    program = Program("train --big", [(0.0, Instant(stdout=big)), (0.0, Sleep(duration=10 * 86400.0))],
                      10 * 86400.0, 0)
    return world.add_run(vm, "train --big", program=program)
