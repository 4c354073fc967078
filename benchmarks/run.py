"""The scale and speed benchmark (issue 6): every figure, headless, on the
emulator, in one run; prints figure / target / measured / pass and exits 1
when a target is missed.

    python -m benchmarks.run [--quick] [--markdown]

``--markdown`` prints the table as Markdown (for the README). Figures 1, 9
and 10 run in subprocesses (cold start, idle CPU, resident memory); the rest
run in this process with ``App.run_test``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time

if __package__ in (None, ""):  # python benchmarks/run.py
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "benchmarks"

from .console import console_figures  # noqa: E402
from .figures import request_figures, run_log_figures, scale_figures  # noqa: E402
from .run_log_search import run_log_search_figures  # noqa: E402
from .support import ARKER_DEMO, ARKER_ENV, BARE_APP, BARE_ENV, ROOT, Figure, machine, median, run_python  # noqa: E402

# --- 1. cold start -------------------------------------------------------------------


def cold_start(reps: int) -> list[Figure]:
    # Byte-compile the project as installing it does (Textual's modules come
    # compiled with it): with PYTHONDONTWRITEBYTECODE set, as on this machine,
    # the warm-up runs below would otherwise leave arker_tui compiling its
    # ~100 modules from source on every start while Textual loads .pyc files.
    subprocess.run([sys.executable, "-m", "compileall", "-q", os.path.join(ROOT, "arker_tui")], check=True,
                   stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""})
    run_python(BARE_APP, env=BARE_ENV)  # warm the file cache (and .pyc) for both
    run_python(ARKER_DEMO, env=ARKER_ENV)
    bare, arker = [], []
    for _ in range(reps):  # interleaved, so load drift hits both alike
        bare.append(run_python(BARE_APP, env=BARE_ENV)[0])
        arker.append(run_python(ARKER_DEMO, env=ARKER_ENV)[0])
    ratio = median(arker) / median(bare)
    return [Figure(
        "cold start of arker-tui --demo to the VM tree painted, vs a bare Textual app", "<= 1.5x",
        f"{ratio:.2f}x", ratio <= 1.5,
        f"median wall time of the whole process over {reps} runs: arker-tui {median(arker):.3f} s "
        f"(exits at the first frame with VMs in the tree), bare Header + DataTable "
        f"(24 rows) + Footer {median(bare):.3f} s (exits once painted); both under benchmarks.hooks' "
        f"driver (frames rendered as for a terminal, 80x24), both from byte-compiled modules")]


# --- 9. idle CPU ------------------------------------------------------------------------

IDLE_CPU = """
import asyncio, json, time
from benchmarks.hooks import main_screen
from arker_tui.backend import open_demo
from arker_tui.settings import settings_from_env
from arker_tui.ui.app import ArkerApp

backend = open_demo(settings_from_env({}))
app = ArkerApp(backend.repository, settings=backend.settings, demo=True)

async def main():
    async with app.run_test(size=(120, 40)) as pilot:
        tree = main_screen(app).vm_tree
        while tree.vm_count == 0:
            await asyncio.sleep(0.05)
        await asyncio.sleep(WARMUP)
        requests = backend.client.stats.requests
        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.sleep(SECONDS)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(json.dumps({"cpu": cpu, "wall": wall, "requests": backend.client.stats.requests - requests,
                          "vms": tree.vm_count}))

asyncio.run(main())
"""


def idle_cpu(seconds: float) -> list[Figure]:
    code = IDLE_CPU.replace("WARMUP", "2.0").replace("SECONDS", repr(seconds))
    out = json.loads(run_python(code)[1].strip().splitlines()[-1])
    share = out["cpu"] / out["wall"]
    return [Figure(
        "idle CPU of the whole app, demo world on screen", "<= 3% of a core", f"{share * 100:.1f}%",
        share <= 0.03,
        f"process CPU time over {out['wall']:.1f} s of real time after a 2 s warm-up, headless 120x40, "
        f"{out['vms']} VMs; the in-process emulator (running runs producing output) counts too; "
        f"{out['requests']} requests meanwhile")]


# --- 10. resident memory ------------------------------------------------------------------

RSS = """
import asyncio, gc, json
from benchmarks.hooks import main_screen
from arker_tui.api.client import ArkerClient
from arker_tui.repository import Intervals, Repository
from arker_tui.settings import settings_from_env
from arker_tui.ui.app import ArkerApp

URL = "http://127.0.0.1:PORT"
settings = settings_from_env({}).replace(api_key=None, control_url=URL, base_url=URL)
client = ArkerClient(settings)
app = ArkerApp(Repository(client, intervals=Intervals()), settings=settings, demo=False)

def rss():
    status = dict(line.split(":", 1) for line in open("/proc/self/status"))
    return {k: int(status[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM")}

async def main():
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(app)
        tree = screen.vm_tree
        while tree.vm_count < VMS:
            await asyncio.sleep(0.05)
        vm = tree.selected_vm or tree.vms()[0]
        from arker_tui.repository import Query
        runs = await app.repository.refresh(Query.runs(vm.vm_id))
        await screen.open_run(vm.vm_id, runs[0].run_id)
        assert screen.run_view_open
        log = screen.run_view.log_view
        await pilot.pause()
        for start in range(0, 1_000_000, 10_000):
            log.append("".join(f"{i:>8} epoch {i % 977:04d} loss=0.{i % 9973:04d} ok\\n"
                               for i in range(start, start + 10_000)))
            await asyncio.sleep(0)
        await pilot.pause()
        await asyncio.sleep(0.5)
        gc.collect()
        print(json.dumps({**rss(), "vms": tree.vm_count, "held": log.line_count, "dropped": log.dropped_count}))

asyncio.run(main())
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def resident_memory(vms: int = 10_000) -> list[Figure]:
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "arker_tui", "emulator", "--port", str(port), "--vms",
                               str(vms)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"the emulator did not start: {server.stderr.read().decode()[-2000:]}") from None
                time.sleep(0.1)
        out = json.loads(run_python(RSS.replace("PORT", str(port)).replace("VMS", str(vms)))[1]
                         .strip().splitlines()[-1])
    finally:
        server.terminate()
        server.wait(10)
    return [Figure(
        "resident memory, 10,000 VMs and a 1,000,000-line run open", "<= 150 MiB",
        f"{out['VmRSS']:.0f} MiB", out["VmRSS"] <= 150,
        f"VmRSS of the app process (peak VmHWM {out['VmHWM']:.0f} MiB), the emulator served in another "
        f"process (arker-tui emulator --vms {vms}); {out['vms']:,} VMs in the tree, run log holds "
        f"{out['held']:,} lines, {out['dropped']:,} dropped by the default cap")]


# --- the table ------------------------------------------------------------------------------


def render(figures: list[Figure], markdown: bool) -> str:
    rows = [("figure", "target", "measured", "pass")]
    rows += [(f.name, f.target, f.measured, "yes" if f.ok else "NO") for f in figures]
    if markdown:
        lines = ["| " + " | ".join(rows[0]) + " |", "| --- | --- | --- | --- |"]
        lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)


def report(figures: list[Figure], started: float, table: str, *, extra: str = "") -> int:
    """Print the table, each figure's method, the machine; 1 when a target is missed."""
    print(table)
    print()
    for f in figures:
        print(f"- {f.name}: {f.note}")
    if extra:
        print(extra)
    info = machine()
    print(f"\nmachine: {info['cpus']} CPUs ({info['cpu']}), {info['memory']} RAM, Python {info['python']}, "
          f"Textual {info['textual']}; benchmark took {time.perf_counter() - started:.0f} s")
    missed = [f.name for f in figures if not f.ok]
    if missed:
        print(f"MISSED: {len(missed)} target(s): " + "; ".join(missed))
        return 1
    print("every target met")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (less stable figures)")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    figures: list[Figure] = []
    steps = [
        ("cold start", lambda: cold_start(3 if args.quick else 7)),
        ("10,000 VMs", lambda: asyncio.run(scale_figures())),
        ("run log", lambda: asyncio.run(run_log_figures())),
        ("run log search", lambda: asyncio.run(run_log_search_figures(4.0 if args.quick else 8.0))),
        ("requests", lambda: asyncio.run(request_figures())),
        ("console", lambda: asyncio.run(console_figures(15 if args.quick else 40))),
        ("idle CPU", lambda: idle_cpu(5.0 if args.quick else 10.0)),
        ("memory", resident_memory),
    ]
    for label, step in steps:
        t0 = time.perf_counter()
        print(f"… {label}", file=sys.stderr, flush=True)
        try:
            figures.extend(step())
        except Exception as exc:  # a crashed figure is a missed one, not a crashed table
            figures.append(Figure(label, "-", f"failed: {type(exc).__name__}", False, str(exc)[:500]))
        print(f"  {label}: {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    # Figure order of the table.
    order = ["cold start", "10,000 VMs: data", "refresh of the", "refresh with 1% of", "refresh with 1% changed",
             "cursor", "run log: append", "run log of", "run log: key", "run log search", "run log filter",
             "idle, default", "idle CPU", "resident", "console"]
    figures.sort(key=lambda f: next((i for i, p in enumerate(order) if f.name.startswith(p)), len(order)))
    return report(figures, started, render(figures, args.markdown))


if __name__ == "__main__":
    sys.exit(main())
