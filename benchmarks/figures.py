"""The in-process figures of the scale and speed issue (2-8): each returns
``Figure`` rows. ``benchmarks/run.py`` runs them and prints the table."""

from __future__ import annotations

import asyncio
import random
import sys
import time

from textual import events
from textual.app import App, ComposeResult

from .hooks import PaintProbe, RowCounter, main_screen
from .support import Figure, ReplayTransport, median

SCALE_VMS = 10_000
CHANGED_REPS = 5  # timed refreshes with 1% changed, after one untimed (as the unchanged figure warms up)


def _settings():
    from arker_tui.emulator import BASE_URL
    from arker_tui.settings import settings_from_env

    return settings_from_env({}).replace(api_key=None, control_url=BASE_URL, base_url=None)


async def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


# --- 2-5: the VM tree with 10,000 VMs ----------------------------------------------


async def scale_figures() -> list[Figure]:
    from arker_tui.api.client import ArkerClient
    from arker_tui.api.models import Vm
    from arker_tui.emulator import Emulator, ManualClock, build_scale_world
    from arker_tui.repository import ChangeEvent, Intervals, Query, Repository
    from arker_tui.ui.app import ArkerApp

    world = build_scale_world(ManualClock(), vms=SCALE_VMS, runs_per_vm=3, output_lines=100)
    emulator = Emulator(world)
    transport = ReplayTransport(emulator.transport())
    settings = _settings()
    repo = Repository(ArkerClient(settings, transport=transport), intervals=Intervals())
    app = ArkerApp(repo, settings=settings, demo=True)
    figures: list[Figure] = []
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(app)
        tree = screen.vm_tree
        probe = PaintProbe(app)  # whole frames: data arriving, refreshes
        key_probe = PaintProbe(app, tree)  # a key moves the cursor: only the tree repaints
        rows = RowCounter(tree)
        await _wait(lambda: tree.vm_count >= SCALE_VMS, 60, "10,000 VMs in the tree")
        repo.pause()  # no interval fetches while measuring: every fetch below is ours
        await pilot.pause()
        await asyncio.sleep(0.3)
        vms = list(repo.peek(Query.vms()).value)
        shape = (sum(len(v.sessions) for v in vms), sum(len(v.tunnels) for v in vms))

        # 2. data arriving -> painted
        times = []
        for _ in range(3):
            tree.set_vms([])
            await probe.next_frame()
            await pilot.pause()
            event = ChangeEvent(Query.vms(), vms, added={vm.vm_id: vm for vm in vms})
            started = time.perf_counter()
            screen.workspace.vm_pane._on_vms(event)  # what the VM list watch calls
            painted = await probe.next_frame()
            assert tree.vm_count == len(vms)
            times.append(painted - started)
        figures.append(Figure(
            "10,000 VMs: data arriving -> painted", "<= 0.10 s", f"{median(times):.3f} s",
            median(times) <= 0.10,
            f"VM tree of the main screen, {len(vms):,} VMs with {shape[0]:,} sessions and "
            f"{shape[1]:,} tunnels (3 runs each); median of 3, wall time incl. the wait for the next frame"))
        await pilot.pause()

        # 5. key -> paint (before 3/4 so the viewport is known)
        tree.focus()
        await pilot.pause()
        await asyncio.sleep(0.2)
        latencies: dict[str, list[float]] = {"down": [], "pagedown": [], "up": [], "pageup": []}
        rendered: dict[str, list[int]] = {k: [] for k in latencies}
        for key in ["down"] * 12 + ["pagedown"] * 12 + ["pageup"] * 6 + ["up"] * 6:
            await pilot.pause()
            await asyncio.sleep(0.03)
            before, rows_before = tree.cursor_key, rows.count
            started = time.perf_counter()
            app.post_message(events.Key(key, None))
            painted = await key_probe.next_frame(since=started)
            while tree.cursor_key == before:  # the key not handled yet: the frame after it
                painted = await key_probe.next_frame(since=started)
            latencies[key].append(painted - started)
            rendered[key].append(rows.count - rows_before)
        worst_median = max(median(v) for v in latencies.values())
        detail = ", ".join(f"{k} {median(v) * 1000:.1f} ms (p100 {max(v) * 1000:.1f}, "
                           f"{median(rendered[k]):.0f} rows rendered)" for k, v in latencies.items())
        figures.append(Figure(
            "cursor / page in a 10,000-row list: key -> paint", "<= 16 ms", f"{worst_median * 1000:.1f} ms",
            worst_median <= 0.016,
            f"median per key, worst key shown; {detail}; wall time from the key event to the tree's "
            f"rows rendered into the frame, incl. Textual's 60 fps frame wait"))

        # 3. unchanged refresh cycle
        events_seen: list = []
        subscription = repo.subscribe(Query.vms(), events_seen.append)
        transport.frozen = dict(transport.recorded)
        await repo.refresh(Query.vms())  # warm
        rows_before = rows.count
        cpu = []
        for _ in range(9):
            await pilot.pause()
            started = time.process_time()
            await repo.refresh(Query.vms())
            cpu.append(time.process_time() - started)
        unchanged_events = [e for e in events_seen if not e.is_empty]
        pages = len(transport.frozen)
        figures.append(Figure(
            "refresh of the 10,000-VM list, nothing changed: CPU", "<= 10 ms", f"{median(cpu) * 1000:.1f} ms",
            median(cpu) <= 0.010 and not unchanged_events,
            f"whole client cycle of {pages} pages (httpx, decode, diff; no event: {len(unchanged_events)} "
            f"emitted, {rows.count - rows_before} rows re-rendered); the emulator's serving time is "
            f"left out (pages replayed from its recorded bytes); median of 9"))

        # 4. 1% changed
        org_ids = [vm.vm_id for vm in vms]
        rng = random.Random(4)
        cpu, ratios, wall = [], [], []
        for rep in range(CHANGED_REPS + 1):
            await pilot.pause()
            top = round(tree.scroll_offset.y)
            body = tree.size.height - 1
            visible = [item.vm_id for item in tree.items()[top:top + body] if isinstance(item, Vm)]
            changed = set(rng.sample(visible, min(3, len(visible))))
            changed |= set(rng.sample(org_ids, SCALE_VMS // 100 - len(changed)))
            while len(changed) < SCALE_VMS // 100:
                changed.add(rng.choice(org_ids))
            for vm_id in changed:  # a resize: the CPU MEM column changes, the order does not
                record = world.vms[vm_id]
                record.vcpu_count = record.vcpu_count * 2 if record.vcpu_count < 8 else 1
                record.memory_mib = record.vcpu_count * 2048
            transport.frozen = await transport.record_again()
            # Serving the pages again ran on the loop: let the timers it held
            # back (the one-second tick) fire before the refresh is timed.
            await pilot.pause()
            expected = sum(1 for k in visible if k in changed)
            events_seen.clear()
            rows_before = rows.count
            started, started_wall = time.process_time(), time.perf_counter()
            await repo.refresh(Query.vms())
            await probe.next_frame()
            if rep:  # the first one warms up
                cpu.append(time.process_time() - started)
                wall.append(time.perf_counter() - started_wall)
            got = rows.count - rows_before
            changed_in_event = sum(len(e.changed) for e in events_seen)
            ratios.append((got, expected, changed_in_event))
        subscription.close()
        rows_ok = all(got == expected and n == SCALE_VMS // 100 for got, expected, n in ratios)
        figures.append(Figure(
            "refresh with 1% of 10,000 rows changed: CPU", "<= 20 ms", f"{median(cpu) * 1000:.1f} ms",
            median(cpu) <= 0.020,
            f"whole cycle: client (httpx, decode, diff), event, tree update and the repaint; emulator serving "
            f"left out; median of {CHANGED_REPS} after one untimed "
            f"(wall {median(wall) * 1000:.0f} ms incl. frame wait)"))
        figures.append(Figure(
            "refresh with 1% changed: rows re-rendered", "only the changed rows",
            " / ".join(f"{got} of {exp} visible changed" for got, exp, _ in ratios), rows_ok,
            f"events named {[n for _, _, n in ratios]} changed VMs; rows re-rendered counted by "
            f"benchmarks.hooks.RowCounter (only visible rows are rendered at all)"))
    return figures


# --- 6-7: the run log ---------------------------------------------------------------------


class _LogApp(App[None]):
    def __init__(self, cap: int) -> None:
        super().__init__()
        self.cap = cap

    def compose(self) -> ComposeResult:
        from arker_tui.ui.widgets.run_log import RunLog

        class CountedRunLog(RunLog):
            """Counts the frames that repainted the log (its top line is rendered in each)."""

            frames = 0

            def render_line(self, y: int):
                if y == 0:
                    self.frames += 1
                return super().render_line(y)

        yield CountedRunLog(max_lines=self.cap)


def _chunk(start: int, count: int) -> str:
    return "".join(f"{i:>8} epoch {i % 977:04d} \x1b[32mloss=0.{i % 9973:04d}\x1b[0m ok\n"
                   for i in range(start, start + count))


async def run_log_figures(total: int = 1_000_000, chunk: int = 10_000, cap: int = 100_000) -> list[Figure]:
    from arker_tui.ui.widgets.run_log import RunLog

    app = _LogApp(cap)
    figures: list[Figure] = []
    async with app.run_test(size=(120, 40)) as pilot:
        probe = PaintProbe(app)
        log = app.query_one(RunLog)
        log.focus()
        await pilot.pause()
        handled: list[float] = []
        original = log.action_column_right

        def column_right() -> None:
            handled.append(time.perf_counter())
            original()

        log.action_column_right = column_right  # type: ignore[method-assign]
        sent: list[float] = []
        spent = 0.0
        frames_before = log.frames
        for n, start in enumerate(range(0, total, chunk)):
            body = _chunk(start, min(chunk, total - start))  # making the text is not timed
            started = time.perf_counter()
            log.append(body)
            if n % 5 == 0:
                sent.append(time.perf_counter())
                app.post_message(events.Key("right", None))
            await asyncio.sleep(0)  # the UI runs between chunks (frames, keys)
            spent += time.perf_counter() - started
        started = time.perf_counter()
        log.refresh()
        await probe.next_frame()  # the last chunk painted
        spent += time.perf_counter() - started
        frames = log.frames - frames_before
        key_latency = [h - s for s, h in zip(sent, handled, strict=False)]
        rate = total / spent
        answered = len(handled) == len(sent)
        figures.append(Figure(
            "run log: append rate while following", ">= 200,000 lines/s", f"{rate:,.0f} lines/s",
            rate >= 200_000 and answered and log.following,
            f"{total:,} coloured lines in chunks of {chunk:,}, wall time incl. {frames} frames of the log painted "
            f"meanwhile; {len(handled)}/{len(sent)} keys answered, key latency median "
            f"{median(key_latency) * 1000:.1f} ms, max {max(key_latency) * 1000:.1f} ms; "
            f"still following: {log.following}"))

        # 7. memory bounded by the cap, with a visible note
        held_lines = len(log._lines)
        held_bytes = sys.getsizeof(log._lines) + sum(map(sys.getsizeof, log._lines))
        log.action_top()
        log.refresh()
        await probe.next_frame()
        top_row = log.render_line(0).text
        note = "earlier lines dropped" in top_row
        ok = held_lines == cap and log.dropped_count == total - cap and note
        figures.append(Figure(
            "run log of 1,000,000 lines: memory", "bounded by the cap, note shown",
            f"{held_lines:,} held, {log.dropped_count:,} dropped", ok,
            f"cap {cap:,} lines (--run-log-cap), held lines take {held_bytes / 2**20:.1f} MiB; "
            f"top row: {top_row.strip()!r}"))
    return figures


# --- 8: requests per minute ---------------------------------------------------------


async def request_figures() -> list[Figure]:
    from arker_tui.api.client import ArkerClient
    from arker_tui.emulator import Emulator, ManualClock, build_demo_world
    from arker_tui.repository import FakeClock, Intervals, Query, Repository

    emulator = Emulator(build_demo_world(ManualClock()))
    client = ArkerClient(_settings(), transport=emulator.transport())
    clock = FakeClock()
    intervals = Intervals()
    repo = Repository(client, clock=clock, intervals=intervals)
    vm_id = emulator.world.names[(emulator.world.org_id, "api-dev")]
    queries = {"list_vms": Query.vms(), "list_runs": Query.runs(vm_id), "list_sessions": Query.sessions(vm_id),
               "list_tunnels": Query.tunnels(vm_id), "list_filesystems": Query.filesystems()}
    subs = [repo.subscribe(q, lambda e: None) for q in queries.values()]
    await clock.advance(0)
    emulator.reset_counts()
    await clock.advance(60)
    counts = emulator.counts
    expected = {route: round(60 / intervals.base(q)) for route, q in queries.items()}
    got = {route: counts.get(route, 0) for route in queries}
    others = sum(counts.values()) - sum(got.values())
    repo.pause()
    emulator.reset_counts()
    await clock.advance(60)
    paused = sum(emulator.counts.values())
    for sub in subs:
        sub.close()
    await repo.aclose()
    await client.aclose()
    ok = got == expected and others == 0 and paused == 0
    detail = ", ".join(f"{route} {got[route]} (expected {expected[route]})" for route in queries)
    return [Figure(
        "idle, default intervals: requests per minute", "one per query per interval; 0 paused",
        f"{sum(got.values())}/min live, {paused}/min paused", ok,
        f"demo world, fake clock advanced 60 s with 5 subscribed queries: {detail}; other requests {others}")]
