"""Run log figures of search, filter and key latency under a flood (headless;
prints, asserts nothing). ``benchmarks/run.py`` runs them with the others;
alone:

    python -m benchmarks.run_log_search [--seconds 8]

- key -> paint while the followed log receives 20,000 lines/s: a producer
  appends 1,000 coloured lines every 50 ms of wall time; a key (right / left:
  the whole view scrolls sideways, every visible line repaints) is posted
  every 80 ms; latency is from posting the key to the first frame composited
  after its handler ran;
- search over 100,000 held lines: each keystroke of "epoch 01" (and of a
  regular expression) from ``set_query`` (what the search line's change
  does) to the frame that shows the highlight; the highlight is checked in
  that frame's lines;
- filter of 100,000 lines: ``set_filter(True)`` to the painted frame.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time

if __package__ in (None, ""):  # python benchmarks/run_log_search.py
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "benchmarks"

from textual import events  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402

from .hooks import PaintProbe  # noqa: E402
from .support import Figure, median  # noqa: E402

HELD = 100_000
RATE = 20_000  # lines/s into the followed log
BATCH = 1_000  # lines per append (every 50 ms)


class _LogApp(App[None]):
    """A run log between a header and a footer line, as in the app (so a
    frame repaints the log's region, not the whole screen). Once mounted it
    freezes what the garbage collector has seen, as ``ArkerApp`` does when
    started from the command line (``cli`` / ``ArkerApp.on_ready``)."""

    def on_ready(self) -> None:
        import gc

        gc.freeze()

    def compose(self) -> ComposeResult:
        from textual.widgets import Static

        from arker_tui.ui.widgets.run_log import RunLog

        yield Static("run header", markup=False)
        yield RunLog(max_lines=HELD)
        yield Static("footer", markup=False)


def _lines(start: int, count: int) -> str:
    return "".join(f"{i:>8} epoch {i % 977:04d} \x1b[32mloss=0.{i % 9973:04d}\x1b[0m ok\n"
                   for i in range(start, start + count))


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]


async def flood_key_latency(seconds: float) -> Figure:
    from arker_tui.ui.widgets.run_log import RunLog

    app = _LogApp()
    async with app.run_test(size=(120, 40)) as pilot:
        probe = PaintProbe(app)
        log = app.query_one(RunLog)
        log.focus()
        await pilot.pause()
        chunks = [_lines(i * BATCH, BATCH) for i in range(int(seconds * RATE / BATCH) + 1)]  # made beforehand
        handled: list[float] = []
        for name in ("action_column_right", "action_column_left"):
            original = getattr(log, name)

            def wrapped(original=original) -> None:
                original()
                handled.append(time.perf_counter())

            setattr(log, name, wrapped)
        done = asyncio.Event()
        appended = 0

        async def produce() -> None:
            nonlocal appended
            started = time.perf_counter()
            for n, chunk in enumerate(chunks):
                delay = started + n * BATCH / RATE - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                log.append(chunk)
                appended += BATCH
            done.set()

        producer = asyncio.create_task(produce())
        latencies: list[float] = []
        cpu: list[float] = []  # this process's CPU time over the same span (what a shared machine cannot steal)
        key = 0
        await asyncio.sleep(0.3)  # the flood is running
        while not done.is_set():
            before = len(handled)
            sent, sent_cpu = time.perf_counter(), time.process_time()
            app.post_message(events.Key("right" if key % 2 == 0 else "left", None))
            key += 1
            try:
                while len(handled) == before:
                    await asyncio.sleep(0)
                while probe.last < handled[-1]:
                    await probe.next_frame(2.0)
            except TimeoutError:
                if done.is_set():  # the flood ended: no frame is coming
                    break
                latencies.append(2.0)
                continue
            painted = probe.last
            latencies.append(painted - sent)
            cpu.append(time.process_time() - sent_cpu)
            await asyncio.sleep(max(0.0, 0.08 - (time.perf_counter() - sent)))
        await producer
        wall = seconds
        load = os.getloadavg()[0]
        ok = _p99(latencies) <= 0.050 and median(latencies) <= 0.016 and log.following
        return Figure(
            "run log: key -> paint while following 20,000 lines/s", "p99 <= 50 ms, median <= 16 ms",
            f"p99 {_p99(latencies) * 1000:.1f} ms, median {median(latencies) * 1000:.1f} ms", ok,
            f"CPU time of the app over the same spans: p99 {_p99(cpu) * 1000:.1f} ms, median "
            f"{median(cpu) * 1000:.1f} ms; {len(latencies)} keys (right / left) over ~{wall:.0f} s "
            f"while {appended:,} coloured lines arrived "
            f"in appends of {BATCH:,} every 50 ms; max {max(latencies) * 1000:.1f} ms; from posting the key to "
            f"the first frame composited after its handler, incl. Textual's frame wait; still following: "
            f"{log.following}; load average {load:.1f} on {os.cpu_count()} CPUs")


async def search_figures() -> list[Figure]:
    from arker_tui.ui.log_search import Query
    from arker_tui.ui.widgets.run_log import RunLog

    app = _LogApp()
    figures: list[Figure] = []
    async with app.run_test(size=(120, 40)) as pilot:
        probe = PaintProbe(app)
        log = app.query_one(RunLog)
        log.focus()
        await pilot.pause()
        for start in range(0, HELD, 10_000):
            log.append(_lines(start, 10_000))
        await pilot.pause()
        assert log.line_count == HELD
        started = time.perf_counter()
        log.start_search(warm=True)
        opened = time.perf_counter() - started
        match_style = log.get_component_rich_style("run-log--match-current", partial=True)

        def highlighted() -> bool:
            return any(seg.style is not None and seg.style.bgcolor == match_style.bgcolor
                       for y in range(log.scrollable_content_region.height) for seg in log.render_line(y))

        async def type_query(text: str, regex: bool) -> tuple[list[float], list[float], bool, int]:
            walls, cpus, every_frame_lit = [], [], True
            for n in range(1, len(text) + 1):
                await pilot.pause()
                t0, c0 = time.perf_counter(), time.process_time()
                log.set_query(Query(text[:n], regex=regex))
                painted = await probe.next_frame()
                cpus.append(time.process_time() - c0)
                walls.append(painted - t0)
                if log.search is not None and log.search.total:
                    every_frame_lit = every_frame_lit and highlighted()
            return walls, cpus, every_frame_lit, log.search.total if log.search else 0

        plain_walls, plain_cpu, plain_lit, plain_total = await type_query("epoch 01", regex=False)
        regex_walls, regex_cpu, regex_lit, regex_total = await type_query(r"loss=0\.1\d+", regex=True)
        worst = max(max(plain_walls), max(regex_walls))
        figures.append(Figure(
            "run log search over 100,000 lines: keystroke -> highlighted frame", "<= 50 ms",
            f"max {worst * 1000:.1f} ms", worst <= 0.050 and plain_lit and regex_lit,
            f"typing 'epoch 01' (any case, {plain_total:,} matches at the end): median "
            f"{statistics.median(plain_walls) * 1000:.1f} ms, max {max(plain_walls) * 1000:.1f} ms "
            f"(CPU to the frame: max {max(plain_cpu) * 1000:.1f} ms; 1st key 'e' matches every line); regex "
            r"'loss=0\.1\d+' "
            f"({regex_total:,} matches): median {statistics.median(regex_walls) * 1000:.1f} ms, max "
            f"{max(regex_walls) * 1000:.1f} ms (CPU max {max(regex_cpu) * 1000:.1f} ms); "
            "wall time from the query change to the frame showing the "
            f"highlight (checked in every frame: {plain_lit and regex_lit}); opening the search (building "
            f"the searchable text of 100,000 lines, once the search line is painted) {opened * 1000:.0f} ms; "
            f"load average "
            f"{os.getloadavg()[0]:.1f}"))

        # Filter
        log.set_query(Query("epoch 01"))
        await probe.next_frame()
        await pilot.pause()
        times, cpus = [], []
        for _ in range(3):
            t0, c0 = time.perf_counter(), time.process_time()
            log.set_filter(True)
            painted = await probe.next_frame()
            times.append(painted - t0)
            cpus.append(time.process_time() - c0)
            shown = log._shown_count()
            log.set_filter(False)
            await probe.next_frame()
            await pilot.pause()
        figures.append(Figure(
            "run log filter of 100,000 lines", "<= 100 ms", f"{median(times) * 1000:.1f} ms",
            median(times) <= 0.100,
            f"'epoch 01' (any case): {shown:,} lines shown, {HELD - shown:,} hidden; median of 3, from "
            f"turning the filter on to the painted frame (max {max(times) * 1000:.1f} ms; CPU median "
            f"{median(cpus) * 1000:.1f} ms); load average {os.getloadavg()[0]:.1f}"))
    return figures


async def run_log_search_figures(seconds: float = 8.0) -> list[Figure]:
    return [await flood_key_latency(seconds), *await search_figures()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=8.0, help="length of the 20,000 lines/s flood")
    args = parser.parse_args()
    for figure in asyncio.run(run_log_search_figures(args.seconds)):
        print(f"{figure.name}: {figure.measured} (target {figure.target}) {'ok' if figure.ok else 'MISSED'}")
        print(f"  {figure.note}")


if __name__ == "__main__":
    main()
