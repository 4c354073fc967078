"""Marks and sort on 10,000 VMs: prints figure / target / measured / pass and
exits 1 when a target is missed.

    python -m benchmarks.marks_sort [--reps N]

The real app (120x40, headless) with the scale world's 10,000 VMs in the VM
tree. Each figure is the wall time from the key's action to the next painted
frame (the action itself plus the frame it causes), the median of the reps:

- marking every VM shown (ctrl+a), with no filter and with a filter;
- a sort: cycling the sort column (o) and flipping the direction (O) on
  unchanged data, and cycling right after a refresh replaced every VM.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time

if __package__ in (None, ""):  # python benchmarks/marks_sort.py
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "benchmarks"

from .figures import SCALE_VMS, _settings, _wait  # noqa: E402
from .hooks import PaintProbe, main_screen  # noqa: E402
from .run import render, report  # noqa: E402
from .support import Figure, median  # noqa: E402


async def timed(pilot, probe: PaintProbe, action) -> tuple[float, float, float]:
    """(seconds in the action, its CPU seconds, seconds from its start to the next painted frame)."""
    await pilot.pause()
    await asyncio.sleep(0.05)
    started, cpu = time.perf_counter(), time.process_time()
    action()
    done, cpu = time.perf_counter(), time.process_time() - cpu
    painted = await probe.next_frame()
    return done - started, cpu, painted - started


async def figures(reps: int) -> list[Figure]:
    from arker_tui.api.client import ArkerClient
    from arker_tui.emulator import Emulator, ManualClock, build_scale_world
    from arker_tui.repository import Intervals, Repository
    from arker_tui.ui.app import ArkerApp

    world = build_scale_world(ManualClock(), vms=SCALE_VMS, runs_per_vm=1, output_lines=10)
    settings = _settings()
    repo = Repository(ArkerClient(settings, transport=Emulator(world).transport()), intervals=Intervals())
    app = ArkerApp(repo, settings=settings, demo=True)
    found: list[Figure] = []
    async with app.run_test(size=(120, 40)) as pilot:
        probe = PaintProbe(app)
        tree = main_screen(app).vm_tree
        await _wait(lambda: tree.vm_count >= SCALE_VMS, 60, "10,000 VMs in the tree")
        repo.pause()  # no interval fetches while measuring
        tree.focus()
        await pilot.pause()

        for label, needle in (("every VM shown", ""), ("the VMs a filter shows ('ci-runner')", "ci-runner")):
            tree.set_filter(needle)
            calls, cpus, frames = [], [], []
            for _ in range(reps):
                tree.clear_marks()
                call, cpu, frame = await timed(pilot, probe, tree.action_mark_all)
                calls.append(call)
                cpus.append(cpu)
                frames.append(frame)
            marked = tree.mark_count
            found.append(Figure(
                f"10,000 VMs: mark {label}", "<= 0.050 s", f"{median(frames):.3f} s", median(frames) <= 0.050,
                f"ctrl+a's action until the next painted frame, median of {reps}; {marked:,} VMs marked "
                f"(the action alone {median(calls) * 1000:.1f} ms wall, {median(cpus) * 1000:.1f} ms CPU)"))
        tree.set_filter("")
        tree.clear_marks()

        vms = tree.vms()
        for label, action, fresh in (("sort by the next column (o)", tree.action_cycle_sort, False),
                                     ("flip the sort (O)", tree.action_toggle_direction, False),
                                     ("sort by the next column (o) just after every VM changed",
                                      tree.action_cycle_sort, True)):
            calls, cpus, frames = [], [], []
            for _ in range(reps):
                if fresh:  # untimed: a refresh that replaced every VM (nothing kept from the last sort)
                    tree.set_vms([vm.model_copy() for vm in vms])
                    await probe.next_frame()
                call, cpu, frame = await timed(pilot, probe, action)
                calls.append(call)
                cpus.append(cpu)
                frames.append(frame)
            found.append(Figure(
                f"10,000 VMs: {label}", "<= 0.100 s", f"{median(frames):.3f} s", median(frames) <= 0.100,
                f"the action (the tree re-sorted within its groups: {tree.group_count} groups) until the next "
                f"painted frame, median of {reps} (the action alone {median(calls) * 1000:.1f} ms wall, "
                f"{median(cpus) * 1000:.1f} ms CPU)"))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=7, help="repetitions per figure (default 7)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    found = asyncio.run(figures(args.reps))
    load = f"load average at the end: {os.getloadavg()[0]:.1f} (figures are wall time: a busy machine inflates them)"
    return report(found, started, render(found, markdown=False), extra=load)


if __name__ == "__main__":
    sys.exit(main())
