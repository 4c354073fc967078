"""Fault injection, request counting and the /_emulator admin routes."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest

from arker_tui.api.models import ARKER_ORG_ID
from arker_tui.emulator import DroppedConnection, Emulator, Faults, ManualClock, World


@pytest.fixture
def emulator() -> Emulator:
    world = World(ManualClock())
    world.add_vm("ubuntu", owner_org_id=ARKER_ORG_ID, public=True)
    world.add_vm("box")
    return Emulator(world)


@pytest.fixture
async def http(emulator: Emulator):
    async with emulator.client() as client:
        yield client


@pytest.mark.parametrize(("status", "code"), [(500, "internal"), (502, "unavailable"),
                                              (503, "unavailable"), (504, "unavailable"),
                                              (401, "unauthorized"), (403, "forbidden")])
async def test_error_rate_one_always_answers_the_status(http, emulator, status, code):
    emulator.faults.error_rate = 1.0
    emulator.faults.error_status = status
    for _ in range(3):
        r = await http.get("/v1/vms")
        assert r.status_code == status and r.json()["code"] == code
    emulator.faults.error_rate = 0.0
    assert (await http.get("/v1/vms")).status_code == 200


async def test_error_rate_is_a_rate_and_path_prefix_restricts(http, emulator):
    emulator.faults.update({"error_rate": 0.5, "error_status": 500, "seed": 3})
    statuses = [(await http.get("/v1/vms")).status_code for _ in range(40)]
    assert 5 < statuses.count(500) < 35 and statuses.count(200) + statuses.count(500) == 40
    emulator.faults.update({"error_rate": 1.0, "path_prefix": "/v1/filesystems"})
    assert (await http.get("/v1/vms")).status_code == 200
    assert (await http.get("/v1/filesystems")).status_code == 500


async def test_429_carries_retry_after(http, emulator):
    emulator.faults.update({"error_rate": 1.0, "error_status": 429, "retry_after": 7})
    r = await http.get("/v1/vms")
    assert r.status_code == 429 and r.headers["Retry-After"] == "7"
    assert r.json()["code"] == "resource_pressure"
    emulator.faults.retry_after = None  # a 429 always says when to come back
    assert (await http.get("/v1/vms")).headers["Retry-After"] == "1"


async def test_fail_next_fails_n_requests_then_recovers(http, emulator):
    emulator.faults.update({"fail_next": 2, "error_status": 503})
    codes = [(await http.get("/v1/vms")).status_code for _ in range(4)]
    assert codes == [503, 503, 200, 200]


async def test_malformed_body_is_not_json(http, emulator):
    emulator.faults.malformed_rate = 1.0
    r = await http.get("/v1/vms")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    with pytest.raises(json.JSONDecodeError):
        json.loads(r.text)
    emulator.faults.malformed_rate = 0.0
    assert (await http.get("/v1/vms")).json()["vms"][0]["name"] == "box"


async def test_dropped_connection_raises_a_transport_error(http, emulator):
    emulator.faults.drop_rate = 1.0
    with pytest.raises(httpx.TransportError) as info:
        await http.get("/v1/vms")
    assert isinstance(info.value, DroppedConnection)
    assert isinstance(info.value, httpx.RemoteProtocolError)


async def test_latency_and_hang(http, emulator):
    emulator.faults.latency = 0.05
    t0 = time.perf_counter()
    assert (await http.get("/v1/vms")).status_code == 200
    assert time.perf_counter() - t0 >= 0.05
    emulator.faults.update({"latency": 0.0, "hang": True})
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(http.get("/v1/vms"), timeout=0.1)


async def test_faults_admin_route(http, emulator):
    r = await http.post("/_emulator/faults", json={"error_rate": 1, "error_status": 502})
    assert r.json()["error_status"] == 502 and emulator.faults.error_rate == 1
    assert (await http.get("/v1/vms")).status_code == 502
    assert (await http.get("/_emulator/faults")).status_code == 200  # admin never faulted
    bad = await http.post("/_emulator/faults", json={"nonsense": 1})
    assert bad.status_code == 400 and "nonsense" in bad.json()["message"]
    assert (await http.delete("/_emulator/faults")).json()["error_rate"] == 0.0
    assert (await http.get("/v1/vms")).status_code == 200


async def test_faults_passed_to_the_constructor(emulator):
    em = Emulator(emulator.world, faults=Faults(error_rate=1.0, error_status=500))
    async with em.client() as c:
        assert (await c.get("/v1/vms")).status_code == 500


async def test_request_counts_by_route(http, emulator):
    vm = emulator.world.find_vm_by_name("box")
    await http.get("/v1/vms")
    await http.get(f"/v1/vms/{vm.vm_id}")
    await http.get(f"/v1/vms/{vm.vm_id}")
    await http.get("/v1/vms/vm_missing")
    assert emulator.count("get_vm") == 3 and emulator.count("/v1/vms/{vm_id}", "GET") == 3
    assert emulator.counts["list_vms"] == 1
    assert [r.status for r in emulator.requests] == [200, 200, 200, 404]
    assert (await http.get("/_emulator/requests")).json() == {"list_vms": 1, "get_vm": 3}
    emulator.reset_counts()
    assert emulator.count("get_vm") == 0 and not emulator.requests


async def test_clock_advance_admin_route(http, emulator):
    before = emulator.clock.now()
    r = await http.post("/_emulator/clock/advance", json={"seconds": 5})
    assert r.json()["now"] == before + 5 == emulator.clock.now()


async def test_create_app_exposes_its_emulator(emulator):
    from arker_tui.emulator import create_app

    app = create_app(emulator.world, api_key="k")
    em = app.state.emulator
    assert em.world is emulator.world and em.api_key == "k"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator",
                                 headers={"Authorization": "Bearer k"}) as c:
        assert (await c.get("/v1/vms")).status_code == 200


def test_served_over_a_real_socket_drops_as_a_closed_connection():
    uvicorn = pytest.importorskip("uvicorn")
    import socket
    import threading

    from arker_tui.emulator.server import make_emulator

    em = make_emulator(demo=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(em.app, host="127.0.0.1", port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{base}/v1/vms", params={"limit": 3}).json()["next_cursor"]
        em.faults.drop_rate = 1.0
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(f"{base}/v1/vms")
        assert em.requests[-1].status == 0
    finally:
        server.should_exit = True
        thread.join(timeout=10)
