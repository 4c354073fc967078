"""The console's figure: ``enter`` on ``echo hi`` to the output painted,
against the in-process emulator, beyond the emulator's own time.

    python -m benchmarks.console [--reps 40]

"The emulator's own time" is the same call made straight through the client
(``client.run`` of ``echo hi`` in the same session: HTTP over the ASGI
transport, the emulator's work, decoding), measured in the same process and
interleaved with the console's runs; what the console adds is the median
difference. The painted moment is the end of the first frame composed after
the output reached the scrollback (``PaintProbe`` on the scrollback). Prints, asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time

if __package__ in (None, ""):  # python benchmarks/console.py
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "benchmarks"

from .hooks import PaintProbe, main_screen  # noqa: E402
from .support import Figure, median  # noqa: E402

TARGET_MS = 50.0


async def _until(predicate, timeout: float = 10.0) -> None:
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("the console did not get there")
        await asyncio.sleep(0.005)


async def console_figures(reps: int = 40) -> list[Figure]:
    from arker_tui.api import models as m
    from arker_tui.backend import open_demo
    from arker_tui.repository import Intervals
    from arker_tui.settings import settings_from_env
    from arker_tui.ui.app import ArkerApp
    from arker_tui.ui.screens.console import ConsoleScreen

    quiet = Intervals(lists=3600.0, filesystems=3600.0, org_runs=3600.0, running_run=3600.0, detail=3600.0)
    backend = open_demo(settings_from_env({}), intervals=quiet)
    app = ArkerApp(backend.repository, settings=backend.settings, demo=True)
    figures: list[Figure] = []
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(app)
        await _until(lambda: screen.vm_tree.vm_count > 0)
        vm = next(v for v in screen.vm_tree.vms() if v.name == "worker-1")
        screen.vm_tree.move_cursor_to_key(vm.vm_id)
        await _until(lambda: screen.selected_vm_id == vm.vm_id)
        screen.vm_tree.focus()
        await pilot.press("s")
        await _until(lambda: isinstance(app.screen, ConsoleScreen))
        console = app.screen
        await pilot.pause(0.3)
        app.clear_notifications()
        appended: list[float] = []
        log = console.scrollback
        probe = PaintProbe(app, log)  # painted: the scrollback's lines rendered into the frame
        original_append = log.append

        def timed_append(stdout: str = "", stderr: str = "") -> None:
            original_append(stdout, stderr)
            if stdout == "hi\n":
                appended.append(time.perf_counter())

        log.append = timed_append  # the harness's hook on this one object
        request = m.RunRequest(command="echo hi", session_id=console.session_id)

        async def measure(full: bool) -> Figure:
            """``full``: the scrollback is taller than the screen, so each
            command scrolls it (a console in use); else it starts empty."""
            console_ms: list[float] = []
            direct_ms: list[float] = []
            console_cpu_ms: list[float] = []
            direct_cpu_ms: list[float] = []
            log.clear()
            if full:
                original_append("".join(f"earlier output line {i}\n" for i in range(500)))
            for i in range(reps + 3):  # the first three warm up
                t0, c0 = time.perf_counter(), time.process_time()
                await backend.client.run(vm.vm_id, request)
                direct, direct_cpu = time.perf_counter() - t0, time.process_time() - c0
                await _until(lambda: console.running is None)
                if not full:
                    log.clear()
                # The last command's read-back (the session, the VM's lists) is
                # over before the next line is typed, as between two lines a person types.
                await pilot.pause(0.3)
                await _until(lambda: app.repository.stats.in_flight == 0)
                appended.clear()
                console.input.value = "echo hi"
                t0, c0 = time.perf_counter(), time.process_time()
                await pilot.press("enter")
                await _until(lambda: bool(appended))
                while probe.last <= appended[0]:
                    await probe.next_frame(since=appended[0])
                cpu = time.process_time() - c0  # to about the frame (this task resumes right after it)
                if i >= 3:
                    console_ms.append((probe.last - t0) * 1000)
                    direct_ms.append(direct * 1000)
                    console_cpu_ms.append(cpu * 1000)
                    direct_cpu_ms.append(direct_cpu * 1000)
            whole, own = median(console_ms), median(direct_ms)
            beyond = whole - own
            where = "a full scrollback (it scrolls)" if full else "an empty scrollback"
            return Figure(
                f"console: enter to `echo hi` on screen, {where}, beyond the emulator's own time",
                f"<= {TARGET_MS:g} ms", f"{beyond:.1f} ms", beyond <= TARGET_MS,
                f"median over {reps} runs: enter to the output painted {whole:.1f} ms (p90 "
                f"{sorted(console_ms)[int(len(console_ms) * 0.9)]:.1f} ms), the same run straight through the "
                f"client {own:.1f} ms; CPU time of the process over the same spans {median(console_cpu_ms):.1f} ms "
                f"and {median(direct_cpu_ms):.1f} ms (beyond: {median(console_cpu_ms) - median(direct_cpu_ms):.1f} "
                f"ms; wall time over CPU time shows how loaded the machine was); headless 120x40, in-process "
                f"emulator on the demo world")

        figures.append(await measure(full=False))
        figures.append(await measure(full=True))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=40)
    args = parser.parse_args(argv)
    for figure in asyncio.run(console_figures(args.reps)):
        print(f"{figure.name}: {figure.measured} (target {figure.target}) {'ok' if figure.ok else 'MISSED'}")
        print(f"  {figure.note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
