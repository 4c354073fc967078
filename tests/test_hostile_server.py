"""A hostile or broken server, at the client and repository level: what it
sends in errors is scrubbed, what it sends in bodies is bounded."""

from __future__ import annotations

import pytest

from arker_tui import crash
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
