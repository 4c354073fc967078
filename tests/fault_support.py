"""Helpers for the fault-matrix Pilot tests: the real app against the
emulator in-process, with short intervals and tiny retry delays so no test
waits for real time it does not need."""

from __future__ import annotations

import json
import re
from typing import Any, Callable

import httpx

from arker_tui.api.client import ArkerClient
from arker_tui.api.retry import RetryPolicy
from arker_tui.backend import Backend
from arker_tui.emulator import BASE_URL, Emulator, ManualClock, build_demo_world
from arker_tui.repository import Intervals, Repository
from arker_tui.settings import Settings
from arker_tui.ui.app import ArkerApp
from tests.dashboard_support import UNBOUNDED, main_screen, wait_for  # noqa: F401  (shared with the fault tests)

FAST = Intervals(lists=0.1, detail=0.1, filesystems=0.1, org_runs=0.1, running_run=0.1,
                 max_backoff=0.2, budgets=UNBOUNDED)
QUICK_RETRY = RetryPolicy(base_delay=0.001, max_delay=0.01)
SIZE = (120, 40)
# Any escape / control character a hostile server could use on the terminal.
TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class RewritingTransport(httpx.AsyncBaseTransport):
    """Sends to the emulator, then lets a test change what comes back.

    ``rewrite(request, payload)`` gets each decoded 2xx JSON body of a
    ``/v1`` call and returns the payload to send instead: a dict / list
    (re-encoded as JSON), ``bytes`` (sent as is), or ``None`` (unchanged).
    """

    def __init__(self, inner: httpx.AsyncBaseTransport,
                 rewrite: Callable[[httpx.Request, Any], Any] | None = None) -> None:
        self.inner = inner
        self.rewrite = rewrite

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if self.rewrite is None or not request.url.path.startswith("/v1"):
            return response
        body = await response.aread()
        if not 200 <= response.status_code < 300 or not body:
            return httpx.Response(response.status_code, headers=response.headers, content=body)
        changed = self.rewrite(request, json.loads(body))
        if changed is None:
            return httpx.Response(response.status_code, headers=response.headers, content=body)
        content = changed if isinstance(changed, bytes) else json.dumps(changed).encode()
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return httpx.Response(response.status_code, headers=headers, content=content)


class RefusingTransport(httpx.AsyncBaseTransport):
    """No server at all while ``refusing``: every request raises ConnectError."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.refusing = False
        self.refused = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.refusing:
            self.refused += 1
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        return await self.inner.handle_async_request(request)


def make_backend(
    world: Any = None,
    *,
    wrap: Callable[[httpx.AsyncBaseTransport], httpx.AsyncBaseTransport] | None = None,
    timeout: float = 15.0,
    api_key: str | None = None,
    emulator_key: str | None = None,
    intervals: Intervals = FAST,
    retry: RetryPolicy = QUICK_RETRY,
) -> Backend:
    """The emulator (demo world on a manual clock unless given) behind a fast repository."""
    emulator = Emulator(world if world is not None else build_demo_world(ManualClock()), api_key=emulator_key)
    settings = Settings(api_key=api_key, control_url=BASE_URL, timeout=timeout)
    transport: httpx.AsyncBaseTransport = emulator.transport()
    if wrap is not None:
        transport = wrap(transport)
    client = ArkerClient(settings, transport=transport, retry=retry)
    return Backend(settings, Repository(client, intervals=intervals), client, emulator)


def make_app(backend: Backend, **kwargs: Any) -> ArkerApp:
    kwargs.setdefault("demo", backend.settings.api_key is None)
    return ArkerApp(backend.repository, settings=backend.settings, **kwargs)


def tree_names(app: ArkerApp) -> set[str]:
    screen = main_screen(app)
    return {vm.name for vm in screen.vm_tree.vms() if vm.name} if screen is not None else set()


def notifications(app: ArkerApp) -> list[str]:
    return [f"{n.title or ''}: {n.message}" for n in app._notifications]


def status_text(app: ArkerApp) -> str:
    screen = main_screen(app)
    return screen.status.render().plain if screen is not None else ""


def screen_text(app: ArkerApp) -> str:
    """Everything on screen as plain text (from the rendered strips)."""
    return "\n".join("".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips())


def screen_raw(app: ArkerApp) -> str:
    """The rendered screen as segment text (what would be written, minus styles)."""
    return "".join(seg.text for strip in app.screen._compositor.render_strips() for seg in strip)


def user_told(app: ArkerApp) -> str:
    """The words the user sees about the trouble: the screen (status bar,
    problem panel, error lines) and the notifications."""
    return screen_text(app) + "\n" + "\n".join(notifications(app))
