"""Soak: the real app, headless, against the emulator for a long time.

    python benchmarks/soak.py                 # 10 simulated minutes at 5x (about 2 min)
    python benchmarks/soak.py --minutes 60 --speed 20
    python benchmarks/soak.py --minutes 5 --real   # real time
    python benchmarks/soak.py --long               # an 8-hour simulated day at 40x (about 12 min)
    python benchmarks/soak.py --long --in-process  # ... with the emulator in the app's process

The default run serves the emulator from the app's own process (as the demo
does). ``--long`` serves it from a process of its own over HTTP, on the same
accelerated clock, so that resident memory is the app's alone, as against a
real service: the server's day (its copy of the run's output, its request
and activity logs) is not the app's.

20% of API calls fail at random (the kind rotates: 500, 502, 503, 504, 429
with Retry-After, dropped connections, malformed bodies), a long run prints
output into the open run log, and a user presses keys at random (navigation,
panes, filter, open run, back, refresh, pause). Reports crashes (must be 0),
unhandled exceptions (0), errors logged, memory at start (after warm-up) and
end, and requests per minute. Exits 1 if a crash or an unhandled exception
happened or memory grew more than 10%.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from arker_tui import allocator  # noqa: E402
from arker_tui.api.client import ArkerClient  # noqa: E402
from arker_tui.emulator import BASE_URL, Emulator, build_demo_world  # noqa: E402
from arker_tui.emulator.clock import Clock as WorldClock  # noqa: E402
from arker_tui.repository import Intervals, Repository  # noqa: E402
from arker_tui.settings import Settings  # noqa: E402
from arker_tui.ui.app import ArkerApp  # noqa: E402
from benchmarks.hooks import main_screen  # noqa: E402

TRACE = bool(os.environ.get("SOAK_TRACEMALLOC"))  # print where memory grew (SOAK_TRACEMALLOC=frames)
TYPES = bool(os.environ.get("SOAK_TYPES"))  # print which object types grew in number
if TRACE:
    import tracemalloc

    tracemalloc.start(int(os.environ["SOAK_TRACEMALLOC"]) if os.environ["SOAK_TRACEMALLOC"].isdigit() else 25)


def type_counts() -> Counter[str]:
    return Counter(f"{type(o).__module__}.{type(o).__qualname__}" for o in gc.get_objects())

FAULT_KINDS = ["500", "502", "503", "504", "429", "drop", "malformed"]
FAIL_RATE = 0.2
KEYS = ["down", "down", "up", "j", "k", "pagedown", "pageup", "home", "1", "2", "3", "4", "5", "6",
        "tab", "r", "g", "t", "enter", "escape", "s", "w", "end"]


class Accelerated:
    """Monotonic time running ``speed`` times faster (the repository's clock)."""

    def __init__(self, speed: float, start: float | None = None) -> None:
        self.speed = speed
        self._t0 = time.monotonic()
        self._base = self._t0 if start is None else start

    def now(self) -> float:
        return self._base + (time.monotonic() - self._t0) * self.speed

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) / self.speed)


class AcceleratedWorldClock(WorldClock):
    """The emulator world's wall clock, running at the same speed."""

    def __init__(self, speed: float) -> None:
        self._time = Accelerated(speed, start=time.time())

    def now(self) -> float:
        return self._time.now()


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def settled_rss_mib() -> float:
    """Resident memory once the garbage is collected and the C heap's free
    pages are handed back, as the app does every 10 s (allocator.py): the
    warm-up and the end are compared on what is held, not on how long ago
    the last hand-back was."""
    gc.collect()
    allocator.give_back_free_memory()
    return rss_mib()


class ErrorCount(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(f"{record.name}: {record.getMessage()}")


def fault_values(kind: str) -> dict:
    """The emulator's fault switches for one kind of fault at FAIL_RATE."""
    if kind == "drop":
        values: dict = {"drop_rate": FAIL_RATE}
    elif kind == "malformed":
        values = {"malformed_rate": FAIL_RATE}
    else:
        values = {"error_rate": FAIL_RATE, "error_status": int(kind)}
        if kind == "429":
            values["retry_after"] = 0.5
    return {**values, "seed": random.randrange(1 << 30)}


class InProcess:
    """The emulator in the app's process (as the demo runs it)."""

    def __init__(self, speed: float) -> None:
        self.world = build_demo_world(AcceleratedWorldClock(speed))
        self.emulator = Emulator(self.world)
        self.long_run = self.world.demo["long_run"]

    async def ready(self) -> None:
        pass

    def client(self, settings: Settings) -> ArkerClient:
        return ArkerClient(settings, transport=self.emulator.transport())

    async def set_faults(self, values: dict | None) -> None:
        self.emulator.faults.reset()
        if values:
            self.emulator.faults.update(values)

    async def start_counting(self) -> None:
        self.emulator.reset_counts()

    async def counts(self) -> tuple[int, int | None]:
        """(requests since start_counting, those answered with an error or dropped)."""
        requests = self.emulator.requests
        return len(requests), sum(1 for r in requests if r.status == 0 or r.status >= 400)

    async def aclose(self) -> None:
        pass


class Served:
    """The emulator in a process of its own (``--serve-world``), reached over
    HTTP and switched through its ``/_emulator`` routes."""

    def __init__(self, speed: float) -> None:
        import socket
        import subprocess

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen([sys.executable, __file__, "--serve-world", str(port), "--speed", str(speed)],
                                        stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        first = self.process.stdout.readline()
        if not first:
            raise RuntimeError("the served emulator did not start (it needs uvicorn: pip install -e '.[serve]')")
        self.long_run = tuple(json.loads(first)["long_run"])
        # A connection per control call: a kept-alive one the server has just
        # closed fails the next call ("Server disconnected without sending a response").
        self.control = httpx.AsyncClient(base_url=self.url, timeout=10,
                                         limits=httpx.Limits(max_keepalive_connections=0))
        self.counted_from = 0

    async def ready(self) -> None:
        for _ in range(300):
            try:
                await self.control.get("/_emulator/requests")
                return
            except httpx.TransportError:
                await asyncio.sleep(0.1)
        raise RuntimeError("the served emulator did not come up")

    def client(self, settings: Settings) -> ArkerClient:
        return ArkerClient(settings.replace(control_url=self.url, base_url=self.url))  # one host serves all

    async def set_faults(self, values: dict | None) -> None:
        await self.control.delete("/_emulator/faults")
        if values:
            await self.control.post("/_emulator/faults", json=values)

    async def _total(self) -> int:
        return sum((await self.control.get("/_emulator/requests")).json().values())

    async def start_counting(self) -> None:
        self.counted_from = await self._total()

    async def counts(self) -> tuple[int, int | None]:
        return await self._total() - self.counted_from, None  # the routes count requests, not answers

    async def aclose(self) -> None:
        await self.control.aclose()
        self.process.terminate()
        self.process.wait(timeout=10)


def serve_world(port: int, speed: float) -> None:
    """Serve the demo world on an accelerated clock (the --long soak's server)."""
    from arker_tui.emulator.server import serve

    clock = AcceleratedWorldClock(speed)
    print(json.dumps({"long_run": build_demo_world(clock).demo["long_run"]}), flush=True)
    serve(port, clock=clock, log_level="error")


async def soak(minutes: float, speed: float, seed: int, served: bool = False) -> dict:
    rng = random.Random(seed)
    random.seed(seed)
    server = Served(speed) if served else InProcess(speed)
    await server.ready()
    settings = Settings(control_url=BASE_URL, timeout=5.0)
    client = server.client(settings)
    repo = Repository(client, clock=Accelerated(speed), intervals=Intervals(max_backoff=30.0))
    app = ArkerApp(repo, settings=settings, demo=True)
    errors = ErrorCount()
    logging.getLogger("arker_tui").addHandler(errors)
    loop_exceptions: list[str] = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _loop, ctx: loop_exceptions.append(str(ctx.get("exception") or ctx["message"])))
    long_vm, long_run = server.long_run
    wall_total = minutes * 60 / speed
    presses = 0
    max_log_lines = 0
    rss_samples: list[float] = []
    result: dict = {}
    crash: BaseException | None = None
    started = time.monotonic()
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = main_screen(app)
            while screen.vm_tree.vm_count == 0:
                await pilot.pause(0.05)

            async def open_long_run() -> None:
                screen.vm_tree.move_cursor_to_key(long_vm)
                await pilot.pause(0.05)
                await screen.open_run(long_vm, long_run)

            await open_long_run()
            # Warm-up: the first fifth (every screen, form and module used once,
            # caches filled); memory is measured from there to the end.
            warm_until = started + wall_total / 5
            next_sample = started
            rss_start = None
            next_fault = 0.0
            next_long_run = started + 60 / speed
            while (now := time.monotonic()) - started < wall_total:
                if rss_start is None and now >= warm_until:
                    rss_start = settled_rss_mib()
                    if TRACE:
                        snap_start = tracemalloc.take_snapshot()
                    if TYPES:
                        types_start = type_counts()
                    await server.start_counting()
                    counted_from = now
                if now >= next_sample:
                    rss_samples.append(round(rss_mib(), 1))
                    next_sample = now + 60 / speed
                if now >= next_fault:
                    await server.set_faults(fault_values(rng.choice(FAULT_KINDS)))
                    next_fault = now + 15 / speed
                if now >= next_long_run:
                    if app.screen is not screen:
                        await pilot.press("escape")
                    await open_long_run()
                    next_long_run = now + 60 / speed
                if app.screen is not screen:  # a dialog or form: back out
                    await pilot.press("escape")
                elif rng.random() < 0.08:  # filter the focused list, then clear it
                    await pilot.press("slash", *rng.choice(["a", "ci", "run", "zz"]))
                    await pilot.pause(0.1)
                    await pilot.press("escape")
                else:
                    await pilot.press(rng.choice(KEYS))
                presses += 1
                if screen.run_view.display and screen.run_view.run_id == long_run:
                    max_log_lines = max(max_log_lines, screen.run_view.log_view.line_count)
                if not app.is_running:
                    break
                await pilot.pause(rng.uniform(0.05, 0.3))
            await server.set_faults(None)
            rss_end = settled_rss_mib()
            if TYPES:
                grown = type_counts()
                grown.subtract(types_start)
                for name, count in grown.most_common(25):
                    print(f"{count:+8d} {name}", file=sys.stderr)
            if TRACE:
                group_by = "traceback" if tracemalloc.get_traceback_limit() > 1 else "lineno"
                top = tracemalloc.take_snapshot().compare_to(snap_start, group_by)
                print(f"tracked Python memory: {sum(st.size_diff for st in top) / 2**20:+.2f} MiB "
                      f"(now {tracemalloc.get_traced_memory()[0] / 2**20:.1f} MiB)", file=sys.stderr)
                for stat in top[:int(os.environ.get("SOAK_TOP", "8"))]:
                    print(stat, file=sys.stderr)
                    for line in stat.traceback.format()[-12:]:
                        print("    ", line, file=sys.stderr)
            counted_minutes = (time.monotonic() - counted_from) * speed / 60
            requests, failed = await server.counts()
            result = {
                "simulated_minutes": minutes, "speed": speed, "wall_seconds": round(time.monotonic() - started, 1),
                "key_presses": presses,
                "requests_per_simulated_minute": round(requests / counted_minutes, 1),
                "requests_per_wall_minute": round(requests / (counted_minutes / speed), 1),
                "emulator": "served from its own process" if served else "in the app's process",
                # malformed 200s not counted; a served emulator counts requests, not answers
                "error_or_dropped_share": round(failed / max(1, requests), 3) if failed is not None else "n/a",
                "rss_start_mib": round(rss_start or rss_end, 1), "rss_end_mib": round(rss_end, 1),
                "rss_per_simulated_minute_mib": rss_samples,
                "long_run_log_lines_max": max_log_lines,
                "repository_errors_seen": repo.stats.errors,
            }
    except BaseException as exc:  # run_test re-raises the app's crash
        crash = exc
    finally:
        logging.getLogger("arker_tui").removeHandler(errors)
        await client.aclose()
        await server.aclose()
    result.update({
        "crashes": int(crash is not None or app._exception is not None or (app.return_code or 0) != 0),
        "crash": repr(crash or app._exception) if (crash or app._exception) else None,
        "unhandled_exceptions": len(loop_exceptions),
        "errors_logged": len(errors.records),
        "first_errors": (loop_exceptions + errors.records)[:5],
    })
    if "rss_start_mib" in result:
        result["memory_growth"] = round(result["rss_end_mib"] / result["rss_start_mib"] - 1, 3)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="simulated minutes (default 10)")
    parser.add_argument("--speed", type=float, default=5.0, help="clock acceleration (default 5)")
    parser.add_argument("--real", action="store_true", help="real time (speed 1)")
    parser.add_argument("--long", action="store_true",
                        help="an 8-hour simulated day (480 minutes) at the same fault rate; speed 40 unless given")
    parser.add_argument("--in-process", action="store_true",
                        help="with --long: the emulator in the app's process, as the default run has it")
    parser.add_argument("--serve-world", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    speed = 1.0 if args.real else args.speed
    if args.long:
        args.minutes = 480.0
        if "--speed" not in (argv if argv is not None else sys.argv):
            speed = 40.0
    if args.serve_world:
        serve_world(args.serve_world, speed)
        return 0
    result = asyncio.run(soak(args.minutes, speed, args.seed, served=args.long and not args.in_process))
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            if key == "rss_per_simulated_minute_mib" and len(value) > 60:
                key, value = "rss_every_30_simulated_min_mib", value[::30] + value[-1:]
            print(f"{key:32} {value}")
    bad = result["crashes"] or result["unhandled_exceptions"] or result.get("memory_growth", 1) > 0.10
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
