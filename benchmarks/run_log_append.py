"""Append throughput and memory of ``RunLog`` (headless; prints, asserts nothing).

    python benchmarks/run_log_append.py [--lines 1000000] [--chunk 10000] [--cap 100000]

Appends LINES numbered lines in chunks of CHUNK lines into a mounted RunLog
while following, then reports lines/s of CPU spent in ``append`` (excluding
paints), the time of the final paint, the bytes held by the stored lines and
the process's peak RSS (which stays flat however many lines go through).
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import time
from typing import Iterator

from textual.app import App, ComposeResult

from arker_tui.ui.widgets.run_log import RunLog


class LogApp(App[None]):
    def __init__(self, cap: int) -> None:
        super().__init__()
        self.cap = cap

    def compose(self) -> ComposeResult:
        yield RunLog(max_lines=self.cap)


def make_chunks(total: int, chunk: int, colour: bool) -> Iterator[str]:
    for start in range(0, total, chunk):
        if colour:
            body = "".join(
                f"\x1b[32m{i:>8}\x1b[0m epoch {i % 977:04d} loss=0.{i % 9973:04d} \x1b[1mok\x1b[0m\n"
                for i in range(start, min(total, start + chunk))
            )
        else:
            body = "".join(f"{i:>8} epoch {i % 977:04d} loss=0.{i % 9973:04d} ok\n"
                           for i in range(start, min(total, start + chunk)))
        yield body


async def run(total: int, chunk: int, cap: int, colour: bool) -> None:
    chunks = make_chunks(total, chunk, colour)
    app = LogApp(cap)
    async with app.run_test(size=(120, 40)) as pilot:
        log = app.query_one(RunLog)
        await pilot.pause()
        spent = 0.0
        worst = 0.0
        for i, body in enumerate(chunks):
            t0 = time.process_time()
            log.append(body)
            dt = time.process_time() - t0
            spent += dt
            worst = max(worst, dt)
            if i % 10 == 0:
                await pilot.pause(0)  # let the UI paint / answer keys now and then
        held = sys.getsizeof(log._lines) + sum(map(sys.getsizeof, log._lines))
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t0 = time.perf_counter()
        await pilot.pause()
        paint = time.perf_counter() - t0
        kind = "coloured" if colour else "plain"
        print(
            f"{kind:8}: {total:,} lines in chunks of {chunk:,}: append CPU {spent:.3f} s "
            f"-> {total / spent:,.0f} lines/s (worst chunk {worst * 1000:.1f} ms); "
            f"held {log.line_count:,}, dropped {log.dropped_count:,}; final paint {paint * 1000:.0f} ms; "
            f"lines held in {held / 1e6:.1f} MB; peak RSS {rss:.0f} MB; following={log.following}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=10_000)
    parser.add_argument("--cap", type=int, default=100_000)
    args = parser.parse_args()
    asyncio.run(run(args.lines, args.chunk, args.cap, colour=False))
    asyncio.run(run(args.lines, args.chunk, args.cap, colour=True))


if __name__ == "__main__":
    main()
