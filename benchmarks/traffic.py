"""Traffic and 100,000-VM figures (the budgets issue), printed in one run:

    python -m benchmarks.traffic [--quick]

- idle traffic at 100 / 10,000 / 100,000 VMs against 100-item pages: the real
  app (headless, 120x40, Runs tab on screen) on a fake clock advanced ten
  virtual minutes after the list loaded; requests/min and MB/min of body;
- a followed run with 50 MB of output, 60 virtual seconds (the repository's
  run query, what the run view watches);
- time for a change to the selected VM to appear in the tree at 10,000 VMs;
- the running sweep at 10,000 VMs (1,000 running): idle traffic without and
  with it, and how soon a run ending on a VM that is not selected shows;
- with 100 ms of simulated round-trip latency at 10,000 VMs: first VM on
  screen, full list loaded, key to paint during the load (real time);
- 100,000 VMs (real time, default pages): first page painted, key to paint
  while the list loads, a `/` keystroke, resident memory and idle CPU (those
  two in a subprocess against an emulator served from another process).

The emulator's pages are built once before the app starts (vm_pages.py), so
the figures are the app's. CI does not run this.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import socket
import subprocess
import sys
import time
from contextlib import asynccontextmanager
from types import SimpleNamespace
from typing import Any, AsyncIterator, Callable

import httpx

if __package__ in (None, ""):  # python benchmarks/traffic.py
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    __package__ = "benchmarks"

from textual import events  # noqa: E402

from .hooks import PaintProbe, main_screen  # noqa: E402
from .support import ROOT, Figure, machine, median, run_python  # noqa: E402

PAGE = 100  # items per page: "a server that caps pages at 100"
MB = 1_000_000


class CountingTransport(httpx.AsyncBaseTransport):
    """Passes requests on, noting (clock time, body bytes, path) of each answer."""

    def __init__(self, inner: httpx.AsyncBaseTransport, now: Callable[[], float]) -> None:
        self.inner, self.now = inner, now
        self.log: list[tuple[float, int, str]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        body = await response.aread()
        self.log.append((self.now(), len(body), request.url.path))
        return httpx.Response(response.status_code, headers=list(response.headers.raw), content=body)


def _settings():
    from arker_tui.emulator import BASE_URL
    from arker_tui.settings import settings_from_env

    return settings_from_env({}).replace(api_key=None, control_url=BASE_URL, base_url=None)


def _world(vms: int):
    from arker_tui.emulator import ManualClock, build_scale_world

    runs = 3 if vms <= 10_000 else 1
    world = build_scale_world(ManualClock(), vms=vms, runs_per_vm=runs, output_lines=20, pages_once=True)
    # The emulator's records live in this process too: out of the collector's
    # way, so its passes over them are not charged to the app.
    gc.collect()
    gc.freeze()
    return world


async def _warm(emulator: Any, limit: int) -> None:
    """One sweep of the VM list so its pages are built before the app starts."""
    async with emulator.client() as http:
        cursor = None
        while True:
            body = (await http.get("/v1/vms", params={"limit": limit, **({"cursor": cursor} if cursor else {})})).json()
            cursor = body["next_cursor"]
            if not cursor:
                return


def _app(world: Any, *, clock: Any = None, page: int | None = PAGE, latency: float = 0.0, budgets: Any = None):
    from arker_tui.api.client import ArkerClient
    from arker_tui.emulator import Emulator
    from arker_tui.repository import Intervals, Repository
    from arker_tui.ui.app import ArkerApp

    emulator = Emulator(world)
    if latency:
        emulator.faults.latency = latency
    now = clock.now if clock is not None else time.monotonic
    transport = CountingTransport(emulator.transport(), now)
    settings = _settings()
    client = ArkerClient(settings, transport=transport)
    kwargs = {"page_size": page} if page is not None else {}
    intervals = Intervals() if budgets is None else Intervals(budgets=budgets)
    repo = Repository(client, clock=clock, intervals=intervals, **kwargs)
    return ArkerApp(repo, settings=settings, demo=True), repo, emulator, transport


async def _wait(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


def _loaded(repo: Any) -> bool:
    from arker_tui.repository import Query

    entry = repo.peek(Query.vms())
    return entry is not None and entry.has_value


async def _virtual_seconds(clock: Any, world: Any, pilot: Any, seconds: int) -> None:
    for n in range(seconds):
        world.clock.advance(1.0)
        await clock.advance(1.0)
        if n % 5 == 0:
            await pilot.pause()


def _busiest_minute(log: list[tuple[float, int, str]]) -> tuple[int, float]:
    best = (0, 0.0)
    for i, (t, _, _) in enumerate(log):
        inside = [b for u, b, _ in log[i:] if u < t + 60.0]
        best = max(best, (len(inside), sum(inside) / MB))
    return best


# --- idle traffic and the selected VM --------------------------------------------------------


@asynccontextmanager
async def _idle_app(vms: int, budgets: Any = None) -> AsyncIterator[SimpleNamespace]:
    """The real app on a fake clock against a world of ``vms`` VMs paged by
    100, once its VM list has loaded."""
    from arker_tui.repository import FakeClock

    world = _world(vms)
    clock = FakeClock()
    app, repo, emulator, transport = _app(world, clock=clock, budgets=budgets)
    await _warm(emulator, PAGE)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(app)
        tree = screen.vm_tree
        await _wait(lambda: _loaded(repo) and tree.vm_count > 0, 600, f"{vms:,} VMs loaded")
        await clock.advance(0)
        await pilot.pause()
        yield SimpleNamespace(world=world, clock=clock, app=app, repo=repo, transport=transport, pilot=pilot,
                              screen=screen, tree=tree)


async def _idle_minutes(run: SimpleNamespace, minutes: int) -> list[tuple[float, int, str]]:
    """What was sent over ``minutes`` virtual minutes from now: (time, bytes, path) each."""
    start, t0 = len(run.transport.log), run.clock.now()
    await _virtual_seconds(run.clock, run.world, run.pilot, minutes * 60)
    return [x for x in run.transport.log[start:] if x[0] < t0 + minutes * 60]


async def idle_traffic(vms: int, minutes: int, change_trials: int = 0) -> list[Figure]:
    from arker_tui.api.models import ResizeRequest
    from arker_tui.repository import Query

    figures: list[Figure] = []
    async with _idle_app(vms) as run:
        world, clock, repo, pilot, screen, tree = run.world, run.clock, run.repo, run.pilot, run.screen, run.tree
        sweep = repo.peek(Query.vms()).cost
        log = await _idle_minutes(run, minutes)
        per_min = len(log) / minutes
        mb_per_min = sum(b for _, b, _ in log) / MB / minutes
        routes: dict[str, int] = {}
        for _, _, path in log:
            kind = "list_vms" if path == "/v1/vms" else ("runs" if path.endswith("/runs") else
                                                         "get_vm" if path.count("/") == 3 else path)
            routes[kind] = routes.get(kind, 0) + 1
        busiest = _busiest_minute(log)
        interval = repo.interval(Query.vms())
        target, ok = "recorded", True
        if vms == 10_000:
            target, ok = "<= 150 req/min, <= 12 MB/min", per_min <= 150 and mb_per_min <= 12
        figures.append(Figure(
            f"idle traffic, {vms:,} VMs, 100-item pages", target, f"{per_min:.0f} req/min, {mb_per_min:.2f} MB/min",
            ok,
            f"average over {minutes} virtual minutes after the list loaded (fake clock; the real app with "
            f"the Runs tab on screen); by route {routes}/{minutes} min; a full sweep costs {sweep.requests} "
            f"requests and {sweep.bytes / MB:.1f} MB, so the VM list's interval is {interval:.0f} s "
            f"(default budgets: 6 MB and 60 requests a minute per list); busiest 60 s: {busiest[0]} requests, "
            f"{busiest[1]:.1f} MB"))

        if change_trials:
            vm_id = screen.selected_vm_id
            detail = repo.interval(Query.vm(vm_id))
            rng = random.Random(7)
            waits = []
            for _ in range(change_trials):
                await _virtual_seconds(clock, world, pilot, rng.randrange(1, 4))
                await clock.advance(rng.uniform(0, detail))
                record = world.vms[vm_id]
                vcpu = 8 if record.vcpu_count != 8 else 4
                world.resize(vm_id, ResizeRequest(vcpu_count=vcpu, memory_mib=vcpu * 2048))
                changed_at = clock.now()
                while tree.get_vm(vm_id).vcpu_count != vcpu:
                    await clock.advance(0.05)
                    await pilot.pause()
                    if clock.now() - changed_at > 10 * detail:
                        break
                waits.append(clock.now() - changed_at)
            worst = max(waits) / detail
            figures.append(Figure(
                f"a change to the selected VM appears, {vms:,} VMs", "<= 2 intervals", f"{worst:.2f} intervals",
                worst <= 2.0,
                f"{change_trials} resizes at random moments; worst {max(waits):.2f} s, median "
                f"{median(waits):.2f} s of virtual time until the tree's row shows it (selected VM interval "
                f"{detail:.0f} s; the VM list's own interval is {repo.interval(Query.vms()):.0f} s)"))
    return figures


# --- the running sweep: the busy part of a slow VM list --------------------------------------


async def _running_sweep_once(vms: int, minutes: int, trials: int, share: float | None) -> dict[str, Any]:
    from arker_tui.repository import Query
    from arker_tui.repository.budget import Budgets

    budgets = Budgets() if share is None else Budgets(running_sweep_share=share)
    async with _idle_app(vms, budgets) as run:  # every 10th VM has a run that keeps running
        world, clock, repo, pilot, screen, tree = run.world, run.clock, run.repo, run.pilot, run.screen, run.tree
        log = await _idle_minutes(run, minutes)
        lists = [x for x in log if x[2] == "/v1/vms"]
        # A run of a running VM (not the selected one) ends: seconds until its row says idle.
        selected = screen.selected_vm_id
        running = [vm_id for vm_id, rec in world.vms.items() if rec.active_runs and vm_id != selected]
        rng = random.Random(11)
        waits = []
        limit = 3 * (repo.interval(Query.vms()) or 60.0)
        for trial in range(trials):
            await _virtual_seconds(clock, world, pilot, rng.randrange(1, 30))
            vm_id = running[(trial * 97) % len(running)]
            for run_id in list(world.vms[vm_id].active_runs):
                world.cancel_run(vm_id, run_id)
            ended_at = clock.now()
            steps = 0
            while tree.get_vm(vm_id).state != "idle" and clock.now() - ended_at < limit:
                world.clock.advance(0.5)
                await clock.advance(0.5)
                steps += 1
                if steps % 4 == 0:
                    await pilot.pause()
            waits.append(clock.now() - ended_at)
        sweep = repo.sweeps.sweep_of(Query.vms())
        return {
            "requests": len(log) / minutes, "mb": sum(b for _, b, _ in log) / MB / minutes,
            "list_requests": len(lists) / minutes, "list_mb": sum(b for _, b, _ in lists) / MB / minutes,
            "full_interval": repo.interval(Query.vms()), "sweep_interval": repo.sweeps.interval(Query.vms()),
            "sweep_cost": sweep.cost if sweep is not None else None, "waits": waits,
            "get_vm": sweep.fetched_one_by_one if sweep is not None else 0,
            "full_cost": repo.peek(Query.vms()).cost,
        }


async def running_sweep(vms: int, minutes: int, trials: int) -> list[Figure]:
    """Idle traffic and how soon a running VM's change shows, without and with the running sweep."""
    without = await _running_sweep_once(vms, minutes, trials, share=0.0)
    with_ = await _running_sweep_once(vms, minutes, trials, share=None)
    cost, full_cost = with_["sweep_cost"], with_["full_cost"]
    figures = []
    for label, r in (("without", without), ("with", with_)):
        figures.append(Figure(
            f"idle traffic, {vms:,} VMs ({vms // 10:,} running), {label} the running sweep", "recorded",
            f"{r['requests']:.0f} req/min, {r['mb']:.2f} MB/min", True,
            f"all routes over {minutes} virtual minutes; the VM list alone {r['list_requests']:.0f} req/min, "
            f"{r['list_mb']:.2f} MB/min; full sweep every {r['full_interval']:.0f} s"
            + (f", running sweep every {r['sweep_interval']:.0f} s ({cost.requests} requests, "
               f"{cost.bytes / MB:.2f} MB)" if label == "with" and r["sweep_interval"] and cost else "")))
    # Sooner, for no more of the VM list's traffic (a tenth of slack: a 10-minute window cuts sweeps).
    ok = (max(with_["waits"]) < max(without["waits"]) and with_["list_mb"] <= without["list_mb"] * 1.1
          and with_["list_requests"] <= without["list_requests"] * 1.1)
    figures.append(Figure(
        f"a running VM's run ends: its row shows it, {vms:,} VMs", "sooner, no more traffic",
        f"worst {max(without['waits']):.0f} s -> {max(with_['waits']):.0f} s", ok,
        f"{trials} runs cancelled at random moments on VMs other than the selected one; median "
        f"{median(without['waits']):.0f} s without the running sweep, {median(with_['waits']):.0f} s with it "
        f"({with_['get_vm']} get_vm calls for VMs that stopped); the VM list's own traffic "
        f"{without['list_requests']:.0f} -> {with_['list_requests']:.0f} req/min, "
        f"{without['list_mb']:.2f} -> {with_['list_mb']:.2f} MB/min"
        + (f"; full sweeps as often as the running sweep would cost "
           f"{full_cost.bytes / MB * 60 / with_['sweep_interval']:.1f} MB/min"
           if full_cost is not None and with_["sweep_interval"] else "")))
    return figures


# --- a followed run with 50 MB of output -----------------------------------------------------


async def big_run(nbytes: int = 50 * MB) -> list[Figure]:
    from arker_tui.api.client import ArkerClient
    from arker_tui.emulator import Emulator, ManualClock, build_scale_world
    from arker_tui.emulator.scale import add_big_output_run
    from arker_tui.repository import FakeClock, Intervals, Query, Repository

    world = build_scale_world(ManualClock(), vms=3, runs_per_vm=1, output_lines=3)
    vm = next(iter(world.org_vms()))
    run = add_big_output_run(world, vm, nbytes)
    clock = FakeClock()
    transport = CountingTransport(Emulator(world).transport(), clock.now)
    client = ArkerClient(_settings(), transport=transport)
    repo = Repository(client, clock=clock, intervals=Intervals())
    query = Query.run(vm.vm_id, run.run_id)
    repo.subscribe(query, lambda event: None)
    await clock.advance(0)
    await asyncio.sleep(0)
    while repo.peek(query).loading or not repo.peek(query).has_value:
        await asyncio.sleep(0.05)
    interval = repo.interval(query)
    start = len(transport.log)
    for _ in range(60):
        await clock.advance(1.0)
        while repo.peek(query).loading:  # a 50 MB poll takes real time to decode
            await asyncio.sleep(0.05)
    polls = transport.log[start:]
    mb = sum(b for _, b, _ in polls) / MB
    before = len(transport.log)
    repo.refresh_subscribed()  # `r`
    await clock.advance(0)
    while repo.peek(query).loading:
        await asyncio.sleep(0.05)
    r_fetched = len(transport.log) - before
    await repo.aclose()
    await client.aclose()
    return [Figure(
        "a followed run with 50 MB of output, 60 s", "<= 60 MB/min", f"{mb:.0f} MB/min", mb <= 60 and r_fetched == 1,
        f"{len(polls)} polls in the 60 virtual seconds after the run was opened (the first poll, when it was "
        f"opened, not counted); poll interval {interval:.0f} s (default budget 1 MB/s of output re-fetched, "
        f"the API sends the whole output each time); `r` fetched at once: {r_fetched} request")]


# --- key to paint ------------------------------------------------------------------------------


class KeyTimer:
    """Key event -> the first composited frame where the tree's cursor moved."""

    def __init__(self, app: Any, probe: PaintProbe) -> None:
        self.app, self.probe = app, probe
        self.presses = 0

    async def press_down(self, tree: Any) -> float:
        """Down 20 times, then up 20 times, and so on (so the cursor always moves)."""
        key = "down" if (self.presses // 20) % 2 == 0 else "up"
        self.presses += 1
        before = tree.cursor_key
        started = time.perf_counter()
        self.app.post_message(events.Key(key, None))
        painted = await self.probe.next_frame()
        while tree.cursor_key == before and time.perf_counter() - started < 5.0:
            painted = await self.probe.next_frame()
        return painted - started


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]


async def during_load(vms: int, *, latency: float, page: int | None, label: str) -> list[Figure]:
    world = _world(vms)
    app, repo, emulator, transport = _app(world, page=page, latency=latency)
    await _warm(emulator, page or 500)
    emulator.faults.latency = latency
    probe = PaintProbe(app)
    figures: list[Figure] = []
    started = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(app)
        tree = screen.vm_tree
        first_seen = None
        while first_seen is None:
            await probe.next_frame(timeout=60)
            if tree.vm_count > 0:
                first_seen = probe.last - started
        tree.focus()
        timer = KeyTimer(app, probe)
        keys: list[float] = []
        while not _loaded(repo):
            keys.append(await timer.press_down(tree))
            await asyncio.sleep(0.03)  # a fast typist, not a flood
        await pilot.pause()
        await probe.next_frame()
        loaded = time.perf_counter() - started
        count = tree.vm_count
        figures.append(Figure(
            f"{label}: first VM on screen", "<= 1 s" if not latency else "recorded", f"{first_seen:.2f} s",
            first_seen <= 1.0 or bool(latency),
            f"from the app's start (in process, emulator pages built beforehand) to the first frame with VMs "
            f"in the tree; {page or 500}-item pages"))
        figures.append(Figure(
            f"{label}: full list loaded", "recorded", f"{loaded:.1f} s", True,
            f"{count:,} VMs in the tree and the whole list fetched; {len(transport.log)} requests so far"))
        if keys:
            ok = latency > 0 or (median(keys) <= 0.016 and _p99(keys) <= 0.050)
            figures.append(Figure(
                f"{label}: key to paint in the tree while the list loads",
                "recorded" if latency else "median <= 16 ms, p99 <= 50 ms",
                f"median {median(keys) * 1000:.1f} ms, p99 {_p99(keys) * 1000:.1f} ms", ok,
                f"{len(keys)} down keys while the rest of the list arrived; key event to the composited frame "
                f"with the cursor moved, incl. Textual's frame wait"))
        if not latency:
            figures.append(await _filter_keystroke(app, pilot, probe, screen, count))
    return figures


async def _filter_keystroke(app: Any, pilot: Any, probe: PaintProbe, screen: Any, count: int) -> Figure:
    tree = screen.vm_tree
    tree.focus()
    await pilot.press("slash")
    await pilot.pause()
    await asyncio.sleep(0.5)
    times, typed = [], ""
    for char in "worker-0001" + "\b" * 6 + "2":
        typed = typed[:-1] if char == "\b" else typed + char
        key, character = ("backspace", None) if char == "\b" else ("minus" if char == "-" else char, char)
        started = time.perf_counter()
        app.post_message(events.Key(key, character))
        painted = await probe.next_frame()
        while tree.filter != typed:  # the frame that shows the filtered tree
            painted = await probe.next_frame()
        times.append(painted - started)
        await asyncio.sleep(0.05)
    shown = tree.shown_vm_count
    return Figure(
        f"`/` keystroke over {count:,} VMs", "<= 50 ms", f"{median(times) * 1000:.1f} ms", median(times) <= 0.050,
        f"median of {len(times)} keys typed into the tree's filter (first {times[0] * 1000:.0f} ms: it makes the "
        f"filter texts; p100 {max(times) * 1000:.1f} ms), key event to the composited frame of the filtered "
        f"tree; {shown:,} shown at the end")


# --- memory and idle CPU at 100,000 VMs (subprocesses) ---------------------------------------------

RSS_IDLE = """
import asyncio, json, time
from arker_tui.api.client import ArkerClient
from arker_tui.repository import Intervals, Repository
from arker_tui.settings import settings_from_env
from arker_tui.ui.app import ArkerApp
from benchmarks.hooks import main_screen

URL = "http://127.0.0.1:PORT"
settings = settings_from_env({}).replace(api_key=None, control_url=URL, base_url=URL)
client = ArkerClient(settings)
app = ArkerApp(Repository(client, intervals=Intervals()), settings=settings, demo=False)

def rss():
    status = dict(line.split(":", 1) for line in open("/proc/self/status"))
    return {k: int(status[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM")}

async def main():
    async with app.run_test(size=(120, 40)) as pilot:
        tree = main_screen(app).vm_tree
        while tree.vm_count < VMS:
            await asyncio.sleep(0.05)
        await asyncio.sleep(5.0)
        requests, received = client.stats.requests, client.stats.bytes_received
        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.sleep(SECONDS)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(json.dumps({**rss(), "vms": tree.vm_count, "cpu": cpu, "wall": wall,
                          "requests": client.stats.requests - requests,
                          "bytes": client.stats.bytes_received - received}))

asyncio.run(main())
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory_and_idle(vms: int, seconds: float) -> list[Figure]:
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "arker_tui", "emulator", "--port", str(port), "--vms",
                               str(vms)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"the emulator did not start: {server.stderr.read().decode()[-2000:]}") from None
                time.sleep(0.2)
        code = RSS_IDLE.replace("PORT", str(port)).replace("VMS", str(vms)).replace("SECONDS", repr(seconds))
        out = json.loads(run_python(code, timeout=900)[1].strip().splitlines()[-1])
    finally:
        server.terminate()
        server.wait(10)
    share = out["cpu"] / out["wall"]
    return [
        Figure(f"resident memory, {vms:,} VMs in the tree", "<= 400 MiB", f"{out['VmRSS']:.0f} MiB",
               out["VmRSS"] <= 400,
               f"VmRSS of the app process once the whole list is in the tree (peak VmHWM {out['VmHWM']:.0f} MiB); "
               f"the emulator served from another process (arker-tui emulator --vms {vms})"),
        Figure(f"idle CPU, {vms:,} VMs loaded", "<= 3% of a core", f"{share * 100:.1f}%", share <= 0.03,
               f"process CPU over {out['wall']:.0f} s of real time, 5 s after the list loaded; default pages and "
               f"budgets; {out['requests']} requests, {out['bytes'] / MB:.2f} MB meanwhile"),
    ]


# --- the table ---------------------------------------------------------------------------------


def render(figures: list[Figure]) -> str:
    rows = [("figure", "target", "measured", "pass")]
    rows += [(f.name, f.target, f.measured, "yes" if f.ok else "NO") for f in figures]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer virtual minutes and trials")
    parser.add_argument("--only", help="run the steps whose label contains this")
    args = parser.parse_args(argv)
    minutes = 3 if args.quick else 10
    steps = [
        ("idle 100", lambda: asyncio.run(idle_traffic(100, minutes))),
        ("idle 10,000", lambda: asyncio.run(idle_traffic(10_000, minutes, change_trials=3 if args.quick else 8))),
        ("idle 100,000", lambda: asyncio.run(idle_traffic(100_000, minutes))),
        ("sweep 10,000", lambda: asyncio.run(running_sweep(10_000, minutes, trials=4 if args.quick else 10))),
        ("big run", lambda: asyncio.run(big_run())),
        ("rtt 10,000", lambda: asyncio.run(during_load(10_000, latency=0.1, page=PAGE,
                                                       label="10,000 VMs, 100 ms RTT, 100-item pages"))),
        ("load 100,000", lambda: asyncio.run(during_load(100_000, latency=0.0, page=None, label="100,000 VMs"))),
        ("memory 100,000", lambda: memory_and_idle(100_000, 10.0 if args.quick else 30.0)),
    ]
    started = time.perf_counter()
    figures: list[Figure] = []
    for label, step in steps:
        if args.only and args.only not in label:
            continue
        t0 = time.perf_counter()
        print(f"… {label}", file=sys.stderr, flush=True)
        try:
            figures.extend(step())
        except Exception as exc:  # a crashed figure is a missed one, not a crashed table
            figures.append(Figure(label, "-", f"failed: {type(exc).__name__}", False, str(exc)[:500]))
        print(f"  {label}: {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    print(render(figures))
    print()
    for f in figures:
        print(f"- {f.name}: {f.note}")
    info = machine()
    print(f"\nmachine: {info['cpus']} CPUs ({info['cpu']}), {info['memory']} RAM, Python {info['python']}, "
          f"Textual {info['textual']}; benchmark took {time.perf_counter() - started:.0f} s")
    missed = [f.name for f in figures if not f.ok]
    if missed:
        print(f"MISSED: {len(missed)} target(s): " + "; ".join(missed))
        return 1
    print("every target met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
