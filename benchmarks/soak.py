"""Soak: the real app, headless, against the emulator for a long time.

    python benchmarks/soak.py                 # 10 simulated minutes at 5x (about 2 min)
    python benchmarks/soak.py --minutes 60 --speed 20
    python benchmarks/soak.py --minutes 5 --real   # real time
    python benchmarks/soak.py --long               # an 8-hour simulated day at 40x (about 12 min)

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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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


class ErrorCount(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(f"{record.name}: {record.getMessage()}")


def set_fault(emulator: Emulator, kind: str) -> None:
    f = emulator.faults
    f.reset()
    if kind == "drop":
        f.update({"drop_rate": FAIL_RATE})
    elif kind == "malformed":
        f.update({"malformed_rate": FAIL_RATE})
    else:
        values = {"error_rate": FAIL_RATE, "error_status": int(kind)}
        if kind == "429":
            values["retry_after"] = 0.5
        f.update(values)
    f.update({"seed": random.randrange(1 << 30)})


async def soak(minutes: float, speed: float, seed: int) -> dict:
    rng = random.Random(seed)
    random.seed(seed)
    world = build_demo_world(AcceleratedWorldClock(speed))
    emulator = Emulator(world)
    settings = Settings(control_url=BASE_URL, timeout=5.0)
    client = ArkerClient(settings, transport=emulator.transport())
    repo = Repository(client, clock=Accelerated(speed), intervals=Intervals(max_backoff=30.0))
    app = ArkerApp(repo, settings=settings, demo=True)
    errors = ErrorCount()
    logging.getLogger("arker_tui").addHandler(errors)
    loop_exceptions: list[str] = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _loop, ctx: loop_exceptions.append(str(ctx.get("exception") or ctx["message"])))
    long_vm, long_run = world.demo["long_run"]
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
                    gc.collect()
                    rss_start = rss_mib()
                    if TRACE:
                        snap_start = tracemalloc.take_snapshot()
                    if TYPES:
                        types_start = type_counts()
                    emulator.reset_counts()
                    counted_from = now
                if now >= next_sample:
                    rss_samples.append(round(rss_mib(), 1))
                    next_sample = now + 60 / speed
                if now >= next_fault:
                    set_fault(emulator, rng.choice(FAULT_KINDS))
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
            emulator.faults.reset()
            gc.collect()
            rss_end = rss_mib()
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
            requests = len(emulator.requests)
            failed = sum(1 for r in emulator.requests if r.status == 0 or r.status >= 400)
            result = {
                "simulated_minutes": minutes, "speed": speed, "wall_seconds": round(time.monotonic() - started, 1),
                "key_presses": presses,
                "requests_per_simulated_minute": round(requests / counted_minutes, 1),
                "requests_per_wall_minute": round(requests / (counted_minutes / speed), 1),
                "error_or_dropped_share": round(failed / max(1, requests), 3),  # malformed 200s not counted
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
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    speed = 1.0 if args.real else args.speed
    if args.long:
        args.minutes = 480.0
        if "--speed" not in (argv if argv is not None else sys.argv):
            speed = 40.0
    result = asyncio.run(soak(args.minutes, speed, args.seed))
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
