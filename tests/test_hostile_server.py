"""A hostile or broken server, at the client and repository level: what it
sends in errors is scrubbed, what it sends in bodies is bounded."""

from __future__ import annotations

import httpx
import pytest

from arker_tui import crash
from arker_tui.api import models as m
from arker_tui.api.client import ArkerClient
from arker_tui.api.errors import ArkerError
from arker_tui.api.retry import RetryPolicy
from arker_tui.emulator import BASE_URL, Emulator, ManualClock, World
from arker_tui.settings import Settings

SECRET = "ak_live_SECRET_never_show_1234"


async def _noop_sleep(_seconds: float) -> None:
    return None


@pytest.fixture
def world() -> World:
    w = World(ManualClock(), org_id="org_test")
    for i in range(5):
        w.add_vm(f"vm-{i}", vcpu_count=1, memory_mib=1024, disk_mib=1024, region="us-west-2", provider="aws")
    return w


@pytest.fixture
def emulator(world: World) -> Emulator:
    return Emulator(world, api_key=SECRET)


def make_client(emulator: Emulator, **settings) -> ArkerClient:
    return ArkerClient(Settings(api_key=SECRET, control_url=BASE_URL, **settings),
                       transport=emulator.transport(), sleep=_noop_sleep, retry=RetryPolicy(max_retries=0))


@pytest.fixture
async def client(emulator: Emulator):
    c = make_client(emulator)
    yield c
    await c.aclose()


# --- error fields --------------------------------------------------------------


async def test_an_error_code_echoing_the_key_shows_neither_the_key_nor_the_text(client, emulator):
    emulator.faults.update({"fail_next": 1, "error_status": 401, "error_code": f"unauthorized key={SECRET}",
                            "error_message": f"bad key {SECRET}"})
    with pytest.raises(ArkerError) as caught:
        await client.list_vms()
    error = caught.value
    assert SECRET not in error.code and SECRET not in error.message and SECRET not in str(error)
    assert error.code == "unauthorized" and error.message == "bad key ***"


async def test_an_error_code_with_escapes_becomes_the_status_code(client, emulator):
    emulator.faults.update({"fail_next": 1, "error_status": 500, "error_code": "x\x1b]0;X\x07\x1b[2J"})
    with pytest.raises(ArkerError) as caught:
        await client.list_vms()
    assert caught.value.code == "internal"


async def test_a_plain_unknown_code_is_kept(client, emulator):
    emulator.faults.update({"fail_next": 1, "error_status": 500, "error_code": "quota_exceeded"})
    with pytest.raises(ArkerError) as caught:
        await client.list_vms()
    assert caught.value.code == "quota_exceeded"


async def test_url_credentials_in_an_error_message_are_masked(client, emulator):
    emulator.faults.update({"fail_next": 1, "error_status": 503,
                            "error_message": "retry at http://admin:hunter2@evil.example/login"})
    with pytest.raises(ArkerError) as caught:
        await client.list_vms()
    assert "hunter2" not in caught.value.message and "admin" not in caught.value.message
    assert "http://***@evil.example/login" in caught.value.message


async def test_a_huge_error_message_is_cut(client, emulator):
    emulator.faults.update({"fail_next": 1, "error_status": 500, "error_message": "x" * 5_000_000})
    with pytest.raises(ArkerError) as caught:
        await client.list_vms()
    assert len(caught.value.message) <= 2000


def test_the_crash_report_masks_url_credentials():
    try:
        raise RuntimeError("could not reach http://user:pass@host.example/v1 nor https://tok3n@h.example")
    except RuntimeError as error:
        report = crash.format_report(error)
    assert "user:pass" not in report and "tok3n" not in report
    assert "http://***@host.example/v1" in report and "https://***@h.example" in report


# --- body size ------------------------------------------------------------------

MIB = 1024 * 1024


class EndlessBody(httpx.AsyncByteStream):
    """A 200 whose body never ends; counts what was read of it."""

    def __init__(self) -> None:
        self.sent = 0

    async def __aiter__(self):
        chunk = b" " * 65536
        while True:
            self.sent += len(chunk)
            yield chunk


async def test_a_body_that_never_ends_is_cut_at_the_cap():
    stream = EndlessBody()
    transport = httpx.MockTransport(lambda request: httpx.Response(200, stream=stream))
    client = ArkerClient(Settings(api_key=SECRET, control_url=BASE_URL, max_body_bytes=2 * MIB, timeout=30),
                         transport=transport, sleep=_noop_sleep)
    with pytest.raises(ArkerError) as caught:
        await client.list_vms()
    await client.aclose()
    assert caught.value.code == "payload_too_large"
    assert str(caught.value.message) == "the server sent more than 2 MiB for /v1/vms"
    assert stream.sent <= 2 * MIB + 65536  # nothing read past the cap
    assert client.stats.requests == 1  # not retried


async def test_a_declared_length_past_the_cap_is_not_read():
    stream = EndlessBody()
    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, headers={"Content-Length": str(10 * MIB)}, stream=stream))
    client = ArkerClient(Settings(control_url=BASE_URL, max_body_bytes=MIB), transport=transport, sleep=_noop_sleep)
    with pytest.raises(ArkerError, match="more than 1 MiB"):
        await client.list_vms()
    await client.aclose()
    assert stream.sent == 0


async def test_a_page_past_the_cap_fails_with_words_and_the_default_cap_is_64_mib(emulator):
    assert Settings().max_body_bytes == 64 * MIB
    emulator.faults.update({"pad_bytes": 3 * MIB})
    client = make_client(emulator, max_body_bytes=2 * MIB)
    with pytest.raises(ArkerError) as caught:
        await client.list_vms()
    assert caught.value.message == "the server sent more than 2 MiB for /v1/vms"
    emulator.faults.reset()
    assert len((await client.list_vms()).vms) == 5  # the next answer of a normal size is read
    await client.aclose()


async def test_run_output_is_bounded_by_the_run_output_budget(world, emulator):
    vm = world.find_vm_by_name("vm-0")
    client = make_client(emulator, max_body_bytes=64 * MIB, max_run_output_bytes=MIB)
    started = await client.run(vm.vm_id, m.RunRequest(command="echo hi", background=True))
    emulator.faults.update({"pad_bytes": 2 * MIB, "path_prefix": "/v1/vms/"})
    with pytest.raises(ArkerError, match=r"more than 1 MiB for /v1/vms/.*/runs/"):
        await client.get_run(vm.vm_id, started.run_id)
    assert (await client.get_vm(vm.vm_id)).vm_id == vm.vm_id  # other answers have the page cap
    await client.aclose()


async def test_a_body_echoing_the_key_has_it_masked(emulator):
    emulator.faults.update({"text_suffix": f" {SECRET}"})
    client = make_client(emulator)
    page = await client.list_vms()
    await client.aclose()
    assert all(SECRET not in vm.name and vm.name.endswith(" ***") for vm in page.vms)


async def test_a_too_large_list_is_fetched_again_only_after_a_long_backoff(emulator):
    from arker_tui.repository import FakeClock, Intervals, Query, Repository

    emulator.faults.update({"pad_bytes": 2 * MIB})
    client = make_client(emulator, max_body_bytes=MIB)
    clock = FakeClock()
    repo = Repository(client, clock=clock, intervals=Intervals(lists=2.0))
    entry_events = []
    repo.subscribe(Query.vms(), entry_events.append)
    with pytest.raises(ArkerError):
        await repo.get(Query.vms())
    entry = repo.peek(Query.vms())
    assert entry.error.code == "payload_too_large"
    assert entry.next_refresh_at - clock.now() >= 60
    await repo.aclose()
    await client.aclose()


# --- pages that never end, pages past their limit ---------------------------------


async def _repo(emulator, **settings):
    from arker_tui.repository import FakeClock, Repository

    client = make_client(emulator, **settings)
    return client, Repository(client, clock=FakeClock(), page_size=2)


async def test_endless_empty_pages_stop_after_a_bound_and_say_so(world, emulator):
    from arker_tui.api.routes import MAX_EMPTY_PAGES
    from arker_tui.repository import Query

    client, repo = await _repo(emulator)
    events = []
    repo.subscribe(Query.vms(), events.append)
    first = await repo.refresh(Query.vms())  # a normal list first
    assert len(first) == 5
    emulator.faults.update({"endless_cursors": True})
    before = len(emulator.requests)
    value = await repo.refresh(Query.vms())
    assert len(emulator.requests) - before == MAX_EMPTY_PAGES  # then it stops
    entry = repo.peek(Query.vms())
    assert entry.error is None and "stopped after" in entry.notice and "empty pages in a row" in entry.notice
    assert value == []  # what arrived (nothing) is what is shown
    emulator.faults.reset()
    await repo.refresh(Query.vms())
    assert repo.peek(Query.vms()).notice is None
    assert any(e.notice_changed and e.notice is None for e in events)  # told when it is over
    await repo.aclose()
    await client.aclose()


async def test_full_pages_that_never_end_stop_after_max_pages(world, emulator, monkeypatch):
    from arker_tui.repository import Query, pages

    monkeypatch.setattr(pages, "MAX_PAGES", 7)

    # Every page holds two VMs and names a new cursor: a list without end.
    client, repo = await _repo(emulator)
    page = await client.request("list_vms", query={"limit": 2}, raw=True)
    counter = iter(range(10**6))

    async def endless(route, **kwargs):
        return page.replace(b'"next_cursor":', b'"next_cursor":"c%d","was":' % next(counter), 1)

    monkeypatch.setattr(client, "request", endless)
    value = await repo.get(Query.vms())
    assert len(value) == 14  # seven pages of two kept
    assert "stopped after 7 pages" in repo.peek(Query.vms()).notice
    await repo.aclose()
    await client.aclose()


async def test_a_page_with_far_more_items_than_asked_for_is_cut_with_a_notice(world, emulator):
    from arker_tui.repository import Query

    emulator.faults.update({"page_items": 50_000})
    client, repo = await _repo(emulator)
    value = await repo.get(Query.vms())
    entry = repo.peek(Query.vms())
    assert len(value) <= 2 * 5  # at most the page size per page, whatever was sent
    assert "the server sent 50,000 vms for a page of 2; the first 2 are shown" in entry.notice
    await repo.aclose()
    await client.aclose()


async def test_the_client_paging_helpers_stop_on_endless_cursors(emulator):
    from arker_tui.api.client import collect_all
    from arker_tui.api.routes import MAX_EMPTY_PAGES

    emulator.faults.update({"endless_cursors": True})
    client = make_client(emulator)
    assert await collect_all(client.list_vms, "vms") == []
    assert len(emulator.requests) == MAX_EMPTY_PAGES
    await client.aclose()


# --- markup, escapes and huge fields in every server string -------------------------

MARKUP = "[@click=app.quit]Click here[/] [link='http://evil.example/login']login[/link] done[/]"
ESCAPES = "\x1b]0;pwned\x07\x1b[2J\u202e\u200b"


@pytest.mark.parametrize("suffix", [MARKUP, ESCAPES], ids=["markup", "escapes"])
async def test_hostile_text_in_every_server_string_stays_inert(world, emulator, suffix):
    from arker_tui.repository import FakeClock, Query, Repository
    from arker_tui.ui.server_text import plain
    from arker_tui.ui.terminal_text import TERMINAL_CONTROL_FREE, safe_label

    emulator.faults.update({"text_suffix": suffix})
    client = make_client(emulator)
    repo = Repository(client, clock=FakeClock())
    vms = await repo.get(Query.vms())
    assert len(vms) == 5 and all(vm.name.endswith(suffix) and vm.state.endswith(suffix) for vm in vms)
    vm = await repo.get(Query.vm(vms[0].vm_id))  # ids are untouched: the app can still address things
    for text in (vm.name, vm.state, vm.region, vm.provider):
        label = safe_label(text, 200)
        assert TERMINAL_CONTROL_FREE.fullmatch(label)
        shown = plain(text, 200)  # what every widget is given: Text, never markup
        assert shown.plain == label and not shown.spans  # no link, no action, no style
    await repo.aclose()
    await client.aclose()


async def test_escapes_in_the_activity_error_reach_no_label(emulator):
    from arker_tui.ui.terminal_text import TERMINAL_CONTROL_FREE, safe_label

    emulator.faults.update({"fail_next": 1, "error_status": 500, "path_prefix": "/v1/runs",
                            "error_code": "internal\x1b[2J", "error_message": "activity " + ESCAPES + MARKUP})
    client = make_client(emulator)
    with pytest.raises(ArkerError) as caught:
        await client.list_org_runs()
    await client.aclose()
    assert caught.value.code == "internal"
    shown = safe_label(f"{caught.value.code}: {caught.value.message}", 300)
    assert TERMINAL_CONTROL_FREE.fullmatch(shown) and "pwned" not in shown


async def test_a_10_mb_field_is_read_and_kept_for_the_viewer(world, emulator):
    from arker_tui.repository import FakeClock, Query, Repository

    emulator.faults.update({"huge_field_bytes": 10 * MIB, "path_prefix": "/v1/vms/"})
    client = make_client(emulator)
    repo = Repository(client, clock=FakeClock())
    vm_id = world.find_vm_by_name("vm-0").vm_id
    vm = await repo.get(Query.vm(vm_id))
    assert len(vm.extra_fields["notes"]) == 10 * MIB  # the Details pane trims it; nothing is lost
    await repo.aclose()
    await client.aclose()
