"""The status bar and the pane titles say how old the data is and when the
next refresh comes; a followed run with big output says its size and its
poll interval. The repository runs on a FakeClock the test moves."""

from __future__ import annotations

from arker_tui.api.client import ArkerClient
from arker_tui.emulator import BASE_URL, Emulator, ManualClock, build_demo_world
from arker_tui.repository import FakeClock, Intervals, Query, Repository
from arker_tui.repository.budget import Budgets
from arker_tui.settings import Settings
from arker_tui.ui.app import ArkerApp
from arker_tui.ui.staleness import notable_staleness, seconds, staleness
from tests.dashboard_support import main_screen, wait_for
from tests.fault_support import status_text


def _app(budgets: Budgets) -> tuple[ArkerApp, Repository, FakeClock, Emulator]:
    world = build_demo_world(ManualClock())
    emulator = Emulator(world)
    client = ArkerClient(Settings(control_url=BASE_URL), transport=emulator.transport())
    clock = FakeClock()
    repo = Repository(client, clock=clock, intervals=Intervals(lists=2.0, detail=2.0, budgets=budgets))
    return ArkerApp(repo, settings=client.settings, demo=True), repo, clock, emulator


class _Repo:
    """What the staleness words read of a repository: its clock, pause and intervals."""

    paused = False

    def __init__(self, now: float, interval: float, base: float = 2.0) -> None:
        self.clock = FakeClock(now)
        self.intervals = Intervals(lists=base)
        self._interval = interval

    def interval(self, query):
        return self._interval


class _Entry:
    query = Query.vms()
    loading = False

    def __init__(self, fetched_at: float, next_refresh_at: float | None) -> None:
        self.fetched_at, self.next_refresh_at = fetched_at, next_refresh_at


def test_the_words():
    assert seconds(34.2) == "34 s" and seconds(300) == "5 min" and seconds(4320) == "1.2 h"
    assert staleness(_Entry(100.0, 146.0), 134.0, paused=False) == "34 s old · next in 12 s"
    assert staleness(_Entry(100.0, None), 160.0, paused=True) == "1 min old · paused"
    # When it matters: a list slowed by its budget, or old data...
    assert notable_staleness(_Repo(101.0, interval=45.0), _Entry(100.0, 145.0)) == "1 s old · next in 44 s"
    assert notable_staleness(_Repo(130.0, interval=2.0), _Entry(100.0, None)) == "30 s old"
    # ...not a list on its usual interval, however long that is configured.
    assert notable_staleness(_Repo(101.0, interval=2.0), _Entry(100.0, 102.0)) == ""
    assert notable_staleness(_Repo(101.0, interval=3600.0, base=3600.0), _Entry(100.0, 3700.0)) == ""


def test_a_pane_title_narrows_the_words_to_fit():
    from arker_tui.ui.watch import data_age_suffix

    class Watch:
        repository = _Repo(134.0, interval=46.0)
        entry = _Entry(100.0, 146.0)

    assert data_age_suffix(Watch) == " · 34 s old · next in 12 s"
    assert data_age_suffix(Watch, 24) == " · 34 s old · next 12 s"
    assert data_age_suffix(Watch, 18) == " · 34s · next 12s"
    assert data_age_suffix(Watch, 12) == " · 34 s old"
    assert data_age_suffix(Watch, 5) == ""


async def test_a_slow_list_says_its_age_and_next_refresh_in_the_status_bar_and_its_title():
    app, repo, clock, emulator = _app(Budgets(list_requests_per_min=1.0))  # the VM list: a minute per request
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(app)
        await wait_for(pilot, lambda: screen.vm_tree.vm_count > 0)
        count = screen.vm_tree.vm_count
        assert repo.interval(Query.vms()) == 60.0
        await clock.advance(34.0)
        expected = f"VMs {count:,} · 34 s old · next in 26 s"
        await wait_for(pilot, lambda: expected in status_text(app))
        # The pane's title says the same, in the words that fit its width.
        title = lambda: str(screen.workspace.vm_pane.border_title)  # noqa: E731
        forms = {f"VMs {count} · {words}"
                 for words in ("34 s old · next in 26 s", "34 s old · next 26 s", "34s · next 26s")}
        try:
            await wait_for(pilot, lambda: title() in forms)
        except AssertionError:
            raise AssertionError(f"the title says {title()!r}") from None
        # `r` keeps to the list's request cap (1 a minute) and says when it comes.
        sent = emulator.count("list_vms")
        await pilot.press("r")
        await wait_for(pilot, lambda: any("at a request limit: in 26 s" in n.message for n in app._notifications))
        assert emulator.count("list_vms") == sent
        # A pane on its fast interval has no ticking counter in its title.
        assert "old" not in str(screen.workspace.pages.border_title)


async def test_a_big_followed_run_says_its_size_and_poll_interval():
    app, repo, clock, emulator = _app(Budgets(run_output_mb_per_s=0.0001))  # 100 bytes a second
    world = emulator.world
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(app)
        await wait_for(pilot, lambda: screen.vm_tree.vm_count > 0)
        vm = world.vms[screen.selected_vm_id]
        run = world.add_run(vm, "seq 3000; sleep 1000")
        await screen.open_run(vm.vm_id, run.run_id)
        await wait_for(pilot, lambda: screen.run_view.run is not None)
        entry = repo.peek(Query.run(vm.vm_id, run.run_id))
        size = f"output {entry.cost.bytes / 1e6:.1f} MB · polled every {seconds(entry.cost.bytes / 100)}"
        await wait_for(pilot, lambda: size in " ".join(s.plain for s in screen.run_view.header.segments))
