"""The emulator's ASGI app (a plain-ASGI ``Router``, see ``asgi``) and the
``Emulator`` holder.

Every route of ``arker_tui.api.routes.ROUTES`` is served under ``/v1``
(control and compute routes on one app, so one base URL serves both; see
``hosts`` and ``Emulator.hosts_transport`` for one app per host), plus:

- ``GET /_presigned/{token}``: bytes of a large file read (presigned_url)
- ``PUT /_presigned/upload/{upload_id}``: bytes of a presigned write
- ``GET|POST|DELETE /_emulator/faults``: read / update / reset the faults
- ``POST /_emulator/clock/advance`` ``{seconds}``: move a ManualClock
- ``GET /_emulator/requests``: request counts by route name

The ``/_`` routes need no API key, are not counted and are never faulted.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import sys
from collections import Counter, deque
from dataclasses import dataclass
from typing import Any

import httpx

from arker_tui.api.errors import STATUS_FOR_CODE, ArkerError, code_for_status
from arker_tui.api.models import ARKER_ORG_ID
from arker_tui.api.routes import API_PREFIX, ROUTES, Route

from . import hostile
from .asgi import Request, Response, Router, error_response, json_response
from .clock import ManualClock
from .faults import DroppedConnection, Faults
from .handlers import ACTIVITY_ENDPOINT, FEATURE_OF_ROUTE, HANDLERS, Call
from .hosts import CONTROL, EmulatorHost, HostDispatch
from .vm_pages import EncodedJson
from .world import World

BASE_URL = "http://emulator"


@dataclass(slots=True)
class RequestRecord:
    method: str
    path: str  # the template, e.g. "/v1/vms/{vm_id}"
    route: str  # the route name, e.g. "get_vm"
    status: int = 0  # 0 while in flight, or when dropped / hung
    host: str = CONTROL  # the host that answered: "control", "aws/eu-central-1", ...


REQUEST_LOG_MAX = 100_000  # requests the emulator remembers for tests and figures


def _error(code: str, message: str, status: int | None = None,
           retry_after: float | None = None) -> Response:
    headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else None
    return error_response(code, message, status or STATUS_FOR_CODE.get(code, 500), headers)


class _DropResponse(Response):
    """Starts a response, sends part of it, then raises ``DroppedConnection``.

    Raising after the start makes both transports behave like a dropped
    connection: ``httpx.ASGITransport`` re-raises the exception itself, and
    uvicorn closes the socket mid-body (the client sees
    ``httpx.RemoteProtocolError``) instead of answering 500.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(b"", 200)
        self.reason = reason

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", b"64")]})
        await send({"type": "http.response.body", "body": b'{"vms": [', "more_body": True})
        raise DroppedConnection(self.reason)


class Emulator:
    """Holds the world, the faults, the request log and the ASGI ``app``."""

    def __init__(self, world: World | None = None, *, api_key: str | None = None,
                 faults: Faults | None = None) -> None:
        self.world = world if world is not None else World()
        self.clock = self.world.clock
        self.faults = faults if faults is not None else Faults()
        self.api_key = api_key
        # The newest requests (a long soak must not grow without end).
        self.requests: deque[RequestRecord] = deque(maxlen=REQUEST_LOG_MAX)
        self.app = self._build_app()

    # --- for tests ------------------------------------------------------------

    @property
    def counts(self) -> Counter[str]:
        """Requests per route name (``counts["get_run"]``)."""
        return Counter(r.route for r in self.requests)

    def count(self, route: str, method: str | None = None, host: str | None = None) -> int:
        """Requests to a route name or a ``/v1/...`` template (optionally one method, one host)."""
        return sum(1 for r in self.requests
                   if route in (r.route, r.path) and (method is None or r.method == method)
                   and (host is None or r.host == host))

    def reset_counts(self) -> None:
        self.requests.clear()

    def transport(self) -> httpx.ASGITransport:
        return httpx.ASGITransport(app=self.app)

    def host_app(self, host: EmulatorHost) -> Router:
        """The app of one host over this world (the control plane: ``app``)."""
        return self.app if host.control else self._build_app(host)

    def hosts_app(self, hosts: list[EmulatorHost], ports: list[int] | None = None) -> HostDispatch:
        """One ASGI app serving several hosts: by host name in-process
        (``host.hostname``), by port when served (``ports``, in order)."""
        apps = [self.host_app(h) for h in hosts]
        return HostDispatch({h.hostname: a for h, a in zip(hosts, apps, strict=True)},
                            dict(zip(ports, apps, strict=False)) if ports else None)

    def hosts_transport(self, hosts: list[EmulatorHost]) -> tuple[httpx.ASGITransport, dict[str, str]]:
        """A transport dispatching by host name, and each host's base URL by name."""
        urls = {h.name: f"http://{h.hostname}" for h in hosts}
        return httpx.ASGITransport(app=self.hosts_app(hosts)), urls

    def client(self, **kwargs: Any) -> httpx.AsyncClient:
        headers = dict(kwargs.pop("headers", {}) or {})
        if self.api_key:
            headers.setdefault("Authorization", f"Bearer {self.api_key}")
        return httpx.AsyncClient(transport=self.transport(), base_url=BASE_URL,
                                 headers=headers, **kwargs)

    # --- the app ----------------------------------------------------------------

    def _build_app(self, host: EmulatorHost | None = None) -> Router:
        host = host or EmulatorHost(CONTROL)
        app = Router()
        for r in ROUTES.values():
            app.add(API_PREFIX + r.path, [r.method], self._endpoint(r, host))
        app.add("/_presigned/{token}", ["GET"], self._presigned_get)
        app.add("/_presigned/upload/{upload_id}", ["PUT"], self._presigned_put)
        app.add("/_emulator/faults", ["GET", "POST", "DELETE"], self._faults)
        app.add("/_emulator/clock/advance", ["POST"], self._advance)
        app.add("/_emulator/requests", ["GET"], self._request_counts)
        app.state.emulator = self
        return app

    def _endpoint(self, route: Route, host: EmulatorHost):
        async def endpoint(request: Request) -> Response:
            return await self._handle(route, request, host)

        endpoint.__name__ = route.name
        return endpoint

    async def _handle(self, route: Route, request: Request, host: EmulatorHost) -> Response:
        # Interned: the log keeps up to REQUEST_LOG_MAX records, and a string
        # of its own in each would be two more small objects per request.
        record = RequestRecord(sys.intern(request.method), sys.intern(API_PREFIX + route.path), route.name,
                               host=host.name)
        self.requests.append(record)
        if request.method != "GET":
            self.world.touch()  # a call that may change the world: cached pages start again
        response = await self._answer(route, request, record, host)
        record.status = 0 if isinstance(response, _DropResponse) else response.status_code
        return response

    async def _answer(self, route: Route, request: Request, record: RequestRecord,
                      host: EmulatorHost) -> Response:
        f = self.faults
        faulted = f.active and f.matches(request.method, request.url_path)
        if faulted:
            if f.hang:
                await asyncio.sleep(f.hang_seconds)
            if f.latency:
                await asyncio.sleep(f.latency)
            if f.roll(f.drop_rate):
                return _DropResponse(f"emulator dropped {request.method} {request.url_path}")
            if f.take_error():
                status = f.error_status
                retry_after = f.retry_after
                if retry_after is None and status == 429:
                    retry_after = 1.0
                code = f.error_code or code_for_status(status)
                message = f.error_message if f.error_message is not None else f"injected fault: HTTP {status}"
                return _error(code, message, status, retry_after)
        if self.api_key is not None:
            auth = request.headers.get("authorization", "")
            if auth != f"Bearer {self.api_key}":
                why = "missing API key" if not auth else "invalid API key"
                return _error("unauthorized", f"Authorization: {why}")
        raw = await request.body()
        try:
            body = self._parse_body(raw, request.method)
            feature = FEATURE_OF_ROUTE.get(route.name)
            if feature:
                self.world.require_feature(feature)
            self._check_host(route, request.path_params, host)
            call = Call(self.world, request.path_params, request.query_params, body,
                        request.headers, request.base_url, host)
            endless = hostile.endless_page(f, route.name) if faulted else None
            payload = endless if endless is not None else HANDLERS[route.name](call)
            if inspect.isawaitable(payload):  # a foreground command that takes time
                payload = await payload
            if faulted and f.hostile and isinstance(payload, EncodedJson):
                payload = payload.decoded()
            if faulted and f.hostile:
                payload = hostile.rewrite(f, route.name, payload)
            response = payload.response() if isinstance(payload, EncodedJson) else json_response(payload)
        except ArkerError as exc:
            payload = {"code": exc.code, "message": exc.message}
            response = _error(exc.code, exc.message, exc.status or None, exc.retry_after)
        if route.name in ACTIVITY_ENDPOINT:
            self._record_activity(route, request, raw, payload, response.status_code)
        if faulted and 200 <= response.status_code < 300 and f.roll(f.malformed_rate):
            text = response.body
            response = Response(text[: max(1, len(text) // 2)], response.status_code,
                                "application/json")
        return response

    def _check_host(self, route: Route, params: dict[str, str], host: EmulatorHost) -> None:
        """A compute host knows only its own VMs; it serves no control-plane route."""
        if host.control:
            return
        if route.host == "control":
            raise ArkerError("not_found", f"no route: {route.method} {API_PREFIX}{route.path} "
                             f"on compute host {host.name}", 404)
        vm = self.world.vms.get(params.get("vm_id", ""))
        if vm is not None and not host.owns(vm.provider, vm.region):
            raise ArkerError("not_found", f"vm {vm.vm_id} not found", 404)

    @staticmethod
    def _parse_body(raw: bytes, method: str) -> dict[str, Any]:
        if method not in ("POST", "PUT", "PATCH") or not raw.strip():
            return {}
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ArkerError("bad_request", f"body: invalid JSON: {exc}", 400) from None
        if not isinstance(body, dict):
            raise ArkerError("bad_request", "body: expected a JSON object", 400)
        return body

    def _record_activity(self, route: Route, request: Request, raw: bytes, payload: Any,
                         status: int) -> None:
        world = self.world
        payload = payload if isinstance(payload, dict) else {}
        vm_id = request.path_params.get("vm_id") or (payload.get("vm_id") if status < 300 else None)
        vm = world.vms.get(vm_id) if vm_id else None
        try:
            body = json.loads(raw) if raw.strip() else {}
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        source = body.get("source_vm_id") or ""
        if route.name == "fork" and not source and body.get("source_vm_name"):
            name, org = str(body["source_vm_name"]), body.get("source_org_id")
            src = world.find_vm_by_name(name, org) or world.find_vm_by_name(name, ARKER_ORG_ID)
            source = src.vm_id if src else ""
        world.record_activity(
            ACTIVITY_ENDPOINT[route.name], status=status, method=request.method,
            path=request.url_path, vm=vm, run_id=payload.get("run_id"),
            command=body.get("command") if route.name == "run" else body.get("path"),
            exit_code=payload.get("exit_code"), source_vm_id=source,
            body_in=raw.decode("utf-8", "replace"), body_out=json.dumps(payload))

    # --- /_ routes --------------------------------------------------------------

    async def _presigned_get(self, request: Request) -> Response:
        data = self.world.presigned_bytes(request.path_params["token"])
        if data is None:
            return Response(b"NoSuchKey", 404, "text/plain")
        return Response(data, 200, "application/octet-stream")

    async def _presigned_put(self, request: Request) -> Response:
        ok = self.world.receive_upload(request.path_params["upload_id"], await request.body())
        return Response(b"" if ok else b"NoSuchUpload", 200 if ok else 404)

    async def _faults(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.faults.reset()
        elif request.method == "POST":
            try:
                values = json.loads(await request.body() or b"{}")
                if not isinstance(values, dict):
                    raise ValueError("body: expected a JSON object")
                self.faults.update(values)
            except ValueError as exc:
                return _error("bad_request", str(exc))
        return json_response(self.faults.to_dict())

    async def _advance(self, request: Request) -> Response:
        if not isinstance(self.clock, ManualClock):
            return _error("bad_request", "clock: only a ManualClock can be advanced")
        try:
            seconds = float(json.loads(await request.body() or b"{}").get("seconds", 0))
            self.clock.advance(seconds)
        except (ValueError, AttributeError, TypeError) as exc:
            return _error("bad_request", f"seconds: {exc}")
        return json_response({"now": self.clock.now()})

    async def _request_counts(self, request: Request) -> Response:
        return json_response(dict(self.counts))


def create_app(world: World | None = None, *, api_key: str | None = None,
               faults: Faults | None = None) -> Router:
    """The ASGI app alone; ``app.state.emulator`` is its ``Emulator``."""
    return Emulator(world, api_key=api_key, faults=faults).app


__all__ = ["BASE_URL", "DroppedConnection", "Emulator", "RequestRecord", "create_app"]
