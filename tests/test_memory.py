"""Memory stays flat while the app is used: what the soak found, one by one.

``benchmarks/soak.py`` saw resident memory grow by about 5 MiB per simulated
minute; the cause was Textual's ``Footer`` keeping every ``FooterKey`` it had
ever composed (``KeyFooter`` in ``arker_tui/ui/widgets/footer.py`` replaced it).
"""

from __future__ import annotations

import gc
import os
import platform
import subprocess
import sys
import tracemalloc

import httpx
import pytest
from dashboard_support import demo_app, demo_backend, main_screen, wait_for
from textual.app import App, ComposeResult
from textual.widget import Widget

from arker_tui import allocator
from arker_tui.emulator import BASE_URL, Emulator
from arker_tui.emulator.activity import MAX_ORG_ROWS
from arker_tui.repository import Intervals, collector
from arker_tui.ui import app as app_module
from arker_tui.ui.widgets.footer import KeyFooter
from arker_tui.ui.widgets.run_log import STRIP_CACHE_SIZE, RunLog


def detached_widgets() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, Widget) and not o.is_attached)


async def test_focus_moves_leave_no_widgets_behind() -> None:
    # calm: keys answer sooner
    backend = demo_backend(Intervals(lists=2.0, detail=2.0, filesystems=2.0, running_run=1.0))
    app = demo_app(backend)
    keys = ["2", "3", "4", "5", "6", "1", "tab", "tab"]
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(app)
        await wait_for(pilot, lambda: screen.vm_tree.vm_count > 0)
        for key in keys:  # builds every tab once
            await pilot.press(key)
            await pilot.pause(0.02)
        await pilot.pause(0.2)
        before = detached_widgets()
        for key in keys * 3:  # each one changes the footer's keys
            await pilot.press(key)
            await pilot.pause(0.02)
        await pilot.pause(0.2)
        # Textual's Footer left about ten FooterKeys behind per move (72 here).
        assert detached_widgets() <= before + 4
        assert not screen.query_one(KeyFooter).children
    await backend.client.aclose()


class LogApp(App[None]):
    def compose(self) -> ComposeResult:
        yield RunLog()


async def test_a_followed_log_keeps_a_bounded_strip_cache() -> None:
    app = LogApp()
    async with app.run_test(size=(80, 20)) as pilot:
        log = app.query_one(RunLog)
        for i in range(40):
            log.append("".join(f"epoch {i:03d} step {k:03d} loss=0.1234\n" for k in range(25)))
            await pilot.pause()
        assert log.line_count == 1000
        assert 0 < len(log._cache) <= STRIP_CACHE_SIZE


async def test_a_wrapped_one_stream_log_keeps_no_object_per_line() -> None:
    """The soak's day: lines arriving a few at a time into a log that wraps
    and shows one stream. What it keeps per line is its text and a few
    machine ints, not objects that pin the allocator's arenas."""
    app = LogApp()
    async with app.run_test(size=(80, 20)) as pilot:
        log = app.query_one(RunLog)
        log.wrap = True
        log.append("", "warming up\n")
        await pilot.press("s")  # stdout only: the log keeps a view of the shown lines
        await pilot.pause()
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            for i in range(0, 20_000, 4):
                log.append("".join(f"epoch {k:06d} loss=0.1234\n" for k in range(i, i + 4)))
            gc.collect()
            held = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        assert log.line_count >= 20_000
        # ~26 bytes of text a line; an int object per line in the view and the wrap rows made it 70
        assert held < 20_000 * 60


def test_the_emulator_logs_are_bounded() -> None:
    emulator = Emulator()
    assert emulator.requests.maxlen is not None
    world = emulator.world
    for _ in range(MAX_ORG_ROWS + MAX_ORG_ROWS // 10 + 5):
        world.record_activity("run", status=200, path="/v1/vms/x/run")
    assert MAX_ORG_ROWS <= len(world.org_rows) <= MAX_ORG_ROWS + MAX_ORG_ROWS // 10


async def test_the_emulators_request_log_keeps_no_string_of_its_own_per_request() -> None:
    """A day of requests is tens of thousands of records: each shares its
    method and path strings with every other record of its route."""
    emulator = Emulator()
    async with httpx.AsyncClient(transport=emulator.transport(), base_url=BASE_URL) as client:
        for _ in range(3):
            await client.get("/v1/vms")
    first, *rest = emulator.requests
    assert first.path == "/v1/vms" and first.method == "GET"
    assert all(r.path is first.path and r.method is first.method for r in rest)


async def test_the_collector_is_back_on_once_the_first_frame_is_up() -> None:
    # The command line turns the cyclic collector off for start-up (cli._run_app);
    # the app turns it back on once ready, with start-up's objects frozen.
    backend = demo_backend()
    app = demo_app(backend)
    collector.hold_for_startup()  # as cli._run_app does
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: main_screen(app).vm_tree.vm_count > 0)
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.enable()
    await backend.client.aclose()


async def test_opening_a_long_log_never_holds_an_object_per_line_at_once() -> None:
    """A run's whole output, opened again (60,000 lines, as a log reopened by
    the end of the soak's day), is fed in pieces: a line is a small object
    only until its block is sealed. Whole, the 60,000 of them at once took
    new arenas of the small-object allocator, which the blocks made among
    them kept from ever being given back (37 MiB at the peak for 3 MiB of text)."""
    text = "".join(f"step {i:6d} loss={i * 0.37 % 3:.4f} \x1b[32mok\x1b[0m tokens/s={i * 13 % 9000}\n"
                   for i in range(60_000))
    app = LogApp()
    async with app.run_test(size=(80, 20)):
        log = app.query_one(RunLog)
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            log.set_output(text, "")
            held, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert log.line_count == 60_000
        assert held - before < 2 * len(text)  # the text and a few bytes a line
        assert peak - held < 4 * 2**20


# --- the C allocator: big blocks go back to the system when freed ------------

glibc = pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                           reason="glibc's mallopt")


BIG_BLOCKS = """
import ctypes, sys
from arker_tui import allocator

class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in ["arena", "ordblks", "smblks", "hblks", "hblkhd",
                                                      "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost"]]

libc = ctypes.CDLL(None)
libc.mallinfo2.restype = MallInfo2
if sys.argv[1] == "set":
    assert allocator.map_big_blocks()
for size in (4 << 20, (4 << 20) + 4096, 2 * allocator.THRESHOLD):  # each a little bigger, as a poll's body
    before = libc.mallinfo2().hblkhd
    block = bytearray(size)
    mapped = libc.mallinfo2().hblkhd - before >= size  # mapped, not carved from the heap
    del block
    given_back = libc.mallinfo2().hblkhd - before < size  # and unmapped when freed
    print(int(mapped and given_back), end="")
"""


@glibc
def test_big_blocks_are_mapped_and_given_back() -> None:
    # In a process of its own: this one's heap may hold a free chunk that a
    # block would be carved from, mapped or not.
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_MMAP_THRESHOLD_"}

    def run(mode: str) -> str:
        done = subprocess.run([sys.executable, "-c", BIG_BLOCKS, mode], capture_output=True, text=True, env=env,
                              check=True, timeout=60)
        return done.stdout

    assert run("set") == "111"
    assert run("unset") == "110"  # without it glibc keeps the smaller block once a bigger one was freed


def test_a_threshold_the_user_set_is_left_alone(monkeypatch) -> None:
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "65536")
    assert not allocator.map_big_blocks()


FREED_BETWEEN = """
import os, sys
from arker_tui import allocator

def resident() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

blocks = [bytearray(16384) for _ in range(4096)]  # 64 MiB from the heap: below the mapped size
last = blocks.pop()  # the top one is still in use: the heap cannot shrink from its top
del blocks
before = resident()
if sys.argv[1] == "give back":
    assert allocator.give_back_free_memory()
print(int(before - resident() > 32 << 20), end="")
"""


@glibc
def test_free_pages_between_blocks_in_use_go_back_to_the_system() -> None:
    def run(mode: str) -> str:
        return subprocess.run([sys.executable, "-c", FREED_BETWEEN, mode], capture_output=True, text=True,
                              check=True, timeout=60).stdout

    assert run("give back") == "1"
    assert run("keep") == "0"  # freed, but still resident


async def test_the_app_tunes_the_allocator_once_started(monkeypatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(app_module, "ALLOCATOR_AFTER", 0.01)
    monkeypatch.setattr(allocator, "TRIM_EVERY", 0.02)
    monkeypatch.setattr(allocator, "map_big_blocks", lambda: calls.append("map") or True)
    monkeypatch.setattr(allocator, "can_give_back", lambda: True)
    monkeypatch.setattr(allocator, "give_back_free_memory", lambda: calls.append("give back") or True)
    app = demo_app(demo_backend(Intervals()))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: calls.count("give back") >= 3)
    assert calls[0] == "map" and calls.count("map") == 1  # once; the hand-back again and again
