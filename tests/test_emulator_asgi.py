"""The emulator's plain-ASGI layer: routing errors, lifespan, request fields,
and that building the demo world imports neither Starlette nor anyio."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import httpx
import pytest

from arker_tui.api.models import ARKER_ORG_ID
from arker_tui.emulator import Emulator, ManualClock, World
from arker_tui.emulator.asgi import Request, Router, json_response


@pytest.fixture
def emulator() -> Emulator:
    world = World(ManualClock())
    world.add_vm("ubuntu", owner_org_id=ARKER_ORG_ID, public=True)
    return Emulator(world)


@pytest.fixture
async def http(emulator: Emulator):
    async with emulator.client() as client:
        yield client


def test_import_and_demo_emulator_need_neither_starlette_nor_anyio():
    code = ("import sys, arker_tui.emulator\n"
            "from arker_tui.emulator import Emulator, RealClock, build_demo_world\n"
            "Emulator(build_demo_world(RealClock()))\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('starlette', 'anyio')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


async def test_unknown_path_is_a_json_404(http, emulator):
    for path in ("/nope", "/v1/vms/x/unknown", "/v1/vms/"):
        r = await http.get(path)
        assert r.status_code == 404 and r.headers["content-type"] == "application/json", path
        assert r.json()["code"] == "not_found" and path in r.json()["message"]
    assert not emulator.requests  # unrouted requests are not counted


async def test_known_path_with_another_method_is_a_json_405(http):
    r = await http.put("/v1/vms")
    assert r.status_code == 405 and r.headers["Allow"] == "GET, HEAD"
    assert r.json()["code"] == "bad_request" and "PUT /v1/vms" in r.json()["message"]
    r = await http.patch("/v1/vms/vm_x")  # two routes share the path: both methods allowed
    assert r.status_code == 405 and r.headers["Allow"] == "DELETE, GET, HEAD"


async def test_head_answers_like_get_without_a_body(http):
    get, head = await http.get("/v1/vms"), await http.head("/v1/vms")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"] == str(len(get.content))


async def test_lifespan_startup_and_shutdown_complete(emulator):
    incoming: asyncio.Queue = asyncio.Queue()
    sent: list[dict] = []
    for kind in ("lifespan.startup", "lifespan.shutdown"):
        incoming.put_nowait({"type": kind})

    async def send(message: dict) -> None:
        sent.append(message)

    await asyncio.wait_for(emulator.app({"type": "lifespan"}, incoming.get, send), timeout=5)
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


def _request(**scope) -> Request:
    base = {"type": "http", "method": "GET", "path": "/x", "query_string": b"", "headers": []}
    return Request(base | scope, None, {})  # type: ignore[arg-type]


def test_request_fields_as_starlette_gave_them():
    r = _request(query_string=b"a=1&b=&a=2", scheme="http", server=("127.0.0.1", 8899),
                 headers=[(b"host", b"127.0.0.1:8899"), (b"Idempotency-Key", b"k1")])
    assert r.query_params == {"a": "2", "b": ""}  # a repeated key keeps its last value
    assert r.headers.get("idempotency-key") == r.headers["IDEMPOTENCY-KEY"] == "k1"
    assert r.base_url == "http://127.0.0.1:8899/"
    assert _request(headers=[(b"host", b"emulator")], server=("emulator", None)).base_url \
        == "http://emulator/"
    # no (or a bad) Host header: the server address, without a default port
    assert _request(scheme="https", server=("example.test", 443)).base_url == "https://example.test/"
    assert _request(server=("::1", 8080), headers=[(b"host", b"bad host")]).base_url \
        == "http://[::1]:8080/"
    assert _request(path="/a?b").url_path == "/a%3Fb"


async def test_a_handler_exception_answers_500_and_reaches_the_caller():
    async def boom(request: Request):
        raise RuntimeError("bug")

    async def ok(request: Request):
        return json_response({"id": request.path_params["item_id"], "q": request.query_params})

    app = Router()
    app.add("/boom", ["GET"], boom)
    app.add("/items/{item_id}", ["GET"], ok)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        with pytest.raises(RuntimeError, match="bug"):
            await c.get("/boom")
        assert (await c.get("/items/a%20b", params={"q": "é"})).json() == {"id": "a b", "q": {"q": "é"}}
    quiet = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=quiet, base_url="http://t") as c:
        r = await c.get("/boom")
        assert r.status_code == 500 and r.json()["code"] == "internal"
