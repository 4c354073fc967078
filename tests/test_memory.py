"""Memory stays flat while the app is used: what the soak found, one by one.

``benchmarks/soak.py`` saw resident memory grow by about 5 MiB per simulated
minute; the cause was Textual's ``Footer`` keeping every ``FooterKey`` it had
ever composed (see ``arker_tui/ui/widgets/footer.py``).
"""

from __future__ import annotations

import gc

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Button, Footer
from textual.widgets._footer import FooterKey

from arker_tui.emulator import Emulator
from arker_tui.emulator.activity import MAX_ORG_ROWS
from arker_tui.repository import Intervals
from arker_tui.ui.widgets.footer import WATCHERS, AppFooter
from arker_tui.ui.widgets.run_log import STRIP_CACHE_SIZE, RunLog

from dashboard_support import demo_app, demo_backend, wait_for


def detached_footer_keys() -> list[FooterKey]:
    gc.collect()
    return [o for o in gc.get_objects() if isinstance(o, FooterKey) and not o.is_attached]


def compact_watchers(footer: Footer) -> list:
    return getattr(footer, WATCHERS, {}).get("compact", [])


async def test_focus_moves_do_not_keep_old_footer_keys_alive() -> None:
    backend = demo_backend(Intervals(lists=2.0, detail=2.0, filesystems=2.0, running_run=1.0))  # calm: keys answer sooner
    app = demo_app(backend)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.main_screen
        await wait_for(pilot, lambda: screen.vm_tree.vm_count > 0)
        footer = screen.query_one(Footer)
        assert isinstance(footer, AppFooter)
        for key in ["2", "3", "4", "5", "6", "1", "tab", "tab"] * 2:  # each one recomposes the footer
            await pilot.press(key)
            await pilot.pause(0.02)
        await pilot.pause(0.2)
        mounted = len(footer.query(FooterKey))
        assert mounted > 0
        # Textual's Footer appends one watcher per key per recompose; ours
        # drops the removed keys' on the next one: at most two footers' worth.
        assert len(compact_watchers(footer)) <= 2 * mounted + 4
        assert len(detached_footer_keys()) <= 2 * mounted + 4
    await backend.client.aclose()


class FooterApp(App[None]):
    BINDINGS = [Binding("x", "bell", "Ring"), Binding("y", "bell", "Ring again"), Binding("z", "bell", "And again")]

    def compose(self) -> ComposeResult:
        yield Button("one")
        yield Button("two")
        yield AppFooter()


async def test_footer_recomposes_many_times_and_holds_one_set_of_keys() -> None:
    app = FooterApp()
    async with app.run_test(size=(80, 5)) as pilot:
        footer = app.query_one(AppFooter)
        for _ in range(15):
            await pilot.press("tab")  # a focus move: the footer recomposes
            await pilot.pause()
        await pilot.pause(0.1)
        mounted = len(footer.query(FooterKey))
        assert mounted >= 1
        assert len(compact_watchers(footer)) <= 2 * mounted  # 15 * mounted without the fix
        assert all(not (node._closing or node._closed) for node, _ in compact_watchers(footer)[-mounted:])


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


def test_the_emulator_logs_are_bounded() -> None:
    emulator = Emulator()
    assert emulator.requests.maxlen is not None
    world = emulator.world
    for _ in range(MAX_ORG_ROWS + MAX_ORG_ROWS // 10 + 5):
        world.record_activity("run", status=200, path="/v1/vms/x/run")
    assert MAX_ORG_ROWS <= len(world.org_rows) <= MAX_ORG_ROWS + MAX_ORG_ROWS // 10
