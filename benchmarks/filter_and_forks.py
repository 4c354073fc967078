"""Filter expressions and the fork tree on 10,000 VMs (headless; prints, asserts nothing).

    python -m benchmarks.filter_and_forks [--vms 10000] [--reps 5]

1. A filter expression typed into the VM tree's `/` line, one keystroke at a
   time (``state:idle age>7d region:eu-central-1``): the time to apply each
   prefix to the tree (parse, match 10,000 VMs, lay out the groups), as the
   filter line does on every keystroke. Target <= 50 ms per keystroke.
2. The fork tree from 10,000 fork rows: ``fork_parents`` over the rows plus
   the lineage layout of 10,000 VMs nested by them (the tree's whole
   rebuild), and the pure builder alone. Target <= 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from datetime import datetime, timedelta, timezone

from textual.app import App, ComposeResult

from arker_tui.api.models import PUBLIC_GOLDENS, OrgRunListRow, Vm
from arker_tui.ui import format as fmt
from arker_tui.ui.lineage import build_forest, flatten, fork_parents
from arker_tui.ui.widgets.vm_tree import VmTree

EXPRESSION = "state:idle age>7d region:eu-central-1"
NOW = datetime(2026, 3, 1, tzinfo=timezone.utc)
REGIONS = ["us-west-2", "eu-central-1", "us-east-1"]
FORK_ROWS = 10_000


def make_org(count: int, seed: int = 0) -> tuple[list[Vm], list[OrgRunListRow]]:
    """``count`` VMs, most forked (chains of any depth) from a golden or an
    org VM, and one successful fork row for each forked VM but every 50th."""
    rng = random.Random(seed)
    vms: list[Vm] = []
    rows: list[OrgRunListRow] = []
    goldens = [(f"g_{name}", name) for name in PUBLIC_GOLDENS]
    for i in range(count):
        vm_id = f"vm_{i:08x}"
        created = NOW - timedelta(seconds=rng.uniform(600, 30 * 86400))
        roll = rng.random()
        if roll < 0.05 or not vms:
            parent, root = None, (None, None)
        elif roll < 0.4:
            parent = rng.choice(goldens)[0]
            root = (parent, parent[2:])
        else:
            source = vms[rng.randrange(len(vms))]
            parent = source.vm_id
            root = (source.root_source_vm_id or source.vm_id, source.root_source_vm_name or source.name)
        vms.append(Vm(vm_id=vm_id, name=f"vm-{i:05d}", state=rng.choice(["idle", "running"]),
                      region=REGIONS[i % 3], provider="aws", vcpu_count=1 << rng.randrange(4),
                      memory_mib=2048 << rng.randrange(4), created_at=created.isoformat(),
                      started_at=(created + timedelta(minutes=5)).isoformat(),
                      root_source_vm_id=root[0], root_source_vm_name=root[1]))
        if parent is not None and i % 50:
            rows.append(OrgRunListRow(request_id=f"req_{i:08x}", endpoint="fork", status=200,
                                      vm_id=vm_id, source_vm_id=parent))
    # Up to FORK_ROWS rows in all: the rest are forks that failed (read, then skipped).
    for k in range(max(0, FORK_ROWS - len(rows))):
        rows.append(OrgRunListRow(request_id=f"req_failed_{k:08x}", endpoint="fork", status=500,
                                  vm_id="", source_vm_id=vms[k % len(vms)].vm_id))
    rng.shuffle(rows)
    return vms, rows[:FORK_ROWS]


class TreeApp(App[None]):
    def compose(self) -> ComposeResult:
        yield VmTree()


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


async def run(count: int, reps: int) -> None:
    fmt.clock = lambda: NOW
    vms, rows = make_org(count)
    app = TreeApp()
    async with app.run_test(size=(120, 40)) as pilot:
        tree = app.query_one(VmTree)
        tree.set_vms(vms)
        await pilot.pause()

        # 1. filter expression, keystroke by keystroke (prefixes that do not
        # parse, such as "age>", are refused: they cost the parse only).
        per_key: list[float] = []
        per_key_cpu: list[float] = []
        for _ in range(reps):
            for end in range(1, len(EXPRESSION) + 1):
                started, cpu = time.perf_counter(), time.process_time()
                tree.set_filter(EXPRESSION[:end])
                per_key.append(time.perf_counter() - started)
                per_key_cpu.append(time.process_time() - cpu)
            shown = tree.shown_vm_count
            tree.set_filter("")
            await pilot.pause()
        print(f"filter expression {EXPRESSION!r} on {count:,} VMs, typed key by key "
              f"({len(EXPRESSION)} keys x {reps}), per keystroke (target <= 50 ms): "
              f"CPU median {ms(statistics.median(per_key_cpu))}, worst {ms(max(per_key_cpu))}; "
              f"wall median {ms(statistics.median(per_key))}, p95 {ms(sorted(per_key)[int(len(per_key) * 0.95)])}; "
              f"{shown:,} VMs match")

        # 2. the fork tree from the fork rows
        whole: list[float] = []
        whole_cpu: list[float] = []
        for _ in range(reps):
            tree.set_fork_parents(None)
            await pilot.pause()
            started, cpu = time.perf_counter(), time.process_time()
            tree.set_fork_parents(fork_parents(rows))
            whole.append(time.perf_counter() - started)
            whole_cpu.append(time.process_time() - cpu)
            await pilot.pause()
        deepest = max(tree.depth_of(vm.vm_id) or 0 for vm in vms)
        print(f"fork tree from {len(rows):,} fork rows over {count:,} VMs (rows read + the tree laid out), "
              f"target <= 100 ms: CPU median {ms(statistics.median(whole_cpu))}, worst {ms(max(whole_cpu))}; "
              f"wall median {ms(statistics.median(whole))}; deepest fork {deepest}")

    pure: list[float] = []
    members = [vm.vm_id for vm in vms]
    roots = {vm.root_source_vm_id for vm in vms} - {None}
    for _ in range(reps):
        cpu = time.process_time()
        parents = fork_parents(rows)
        laid_out = flatten(build_forest(members, parents, roots=roots))
        pure.append(time.process_time() - cpu)
    print(f"fork tree builder alone (fork_parents + build_forest + flatten, one group of {len(laid_out):,}): "
          f"CPU median {ms(statistics.median(pure))}")
    print("CPU time is this process's (the machine may be shared); wall time includes waiting for a core.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vms", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(run(args.vms, args.reps))


if __name__ == "__main__":
    main()
