"""The emulator's ASGI plumbing: a router over ``{param}`` path templates,
the request fields handlers read, and byte/JSON responses.

Plain ASGI, so that building the demo world imports neither Starlette nor
anyio (10-15 ms of cold start). Behaves as the Starlette app did where the
client can tell: JSON encoding, headers, ``base_url``, lifespan, and an
exception raised by a handler reaching ``httpx.ASGITransport`` as it is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, MutableMapping
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl

from arker_tui.api.errors import code_for_status

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class ClientDisconnect(Exception):
    """The client went away before its request body was complete."""


class Headers(Mapping[str, str]):
    """Request headers, looked up case-insensitively; a repeated name keeps its first value."""

    __slots__ = ("_items",)

    def __init__(self, raw: Iterable[tuple[bytes, bytes]]) -> None:
        items: dict[str, str] = {}
        for key, value in raw:
            items.setdefault(key.decode("latin-1").lower(), value.decode("latin-1"))
        self._items = items

    def __getitem__(self, key: str) -> str:
        return self._items[key.lower()]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Headers({self._items!r})"


# A Host header Starlette would trust for the base URL (else it used scope["server"]).
_HOST_RE = re.compile(r"(?:\[[0-9a-f:.]+\]|[a-z0-9._~%!$&'()*+,;=-]+)(?::(?P<port>[0-9]+))?", re.I)
_DEFAULT_PORT = {"http": 80, "https": 443, "ws": 80, "wss": 443}


class Request:
    """What an endpoint reads: method, paths, params, headers, body, base URL."""

    __slots__ = ("scope", "_receive", "method", "path", "path_params", "query_params",
                 "headers", "_body")

    def __init__(self, scope: Scope, receive: Receive, path_params: dict[str, str]) -> None:
        self.scope, self._receive = scope, receive
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        self.path_params = path_params
        # dict(): a repeated key keeps its last value, as dict(request.query_params) did.
        query = scope.get("query_string", b"").decode("latin-1")
        self.query_params: dict[str, str] = dict(parse_qsl(query, keep_blank_values=True))
        self.headers = Headers(scope.get("headers", ()))
        self._body: bytes | None = None

    @property
    def url_path(self) -> str:
        """The path as Starlette's ``request.url.path`` showed it."""
        return self.path.replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")

    @property
    def base_url(self) -> str:
        """``scheme://host[:port]/`` plus the root path, from Host or the server address."""
        scope = self.scope
        scheme = scope.get("scheme", "http")
        root = scope.get("app_root_path", scope.get("root_path", "")) or ""
        root = root if root.endswith("/") else root + "/"
        host = self.headers.get("host")
        valid = _HOST_RE.fullmatch(host) if host is not None else None
        if valid and int(valid["port"] or 0) <= 65535:
            return f"{scheme}://{host}{root}"
        server = scope.get("server")
        if server is None:
            return root
        name, port = server
        if ":" in name and not name.startswith("["):
            name = f"[{name}]"
        if port is None or port == _DEFAULT_PORT.get(scheme):
            return f"{scheme}://{name}{root}"
        return f"{scheme}://{name}:{port}{root}"

    async def body(self) -> bytes:
        if self._body is None:
            chunks = []
            while True:
                message = await self._receive()
                if message["type"] == "http.disconnect":
                    raise ClientDisconnect()
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    break
            self._body = b"".join(chunks)
        return self._body


class Response:
    """A whole body sent at once, with content-length and (given a media type) content-type."""

    def __init__(self, body: bytes = b"", status_code: int = 200, media_type: str | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        self.body = body
        self.status_code = status_code
        self.media_type = media_type
        self.headers = dict(headers or {})

    def raw_headers(self) -> list[tuple[bytes, bytes]]:
        raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in self.headers.items()]
        if not (self.status_code < 200 or self.status_code in (204, 304)):
            raw.append((b"content-length", str(len(self.body)).encode("latin-1")))
        if self.media_type is not None:
            media = self.media_type
            if media.startswith("text/") and "charset=" not in media.lower():
                media += "; charset=utf-8"
            raw.append((b"content-type", media.encode("latin-1")))
        return raw

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code,
                    "headers": self.raw_headers()})
        body = b"" if scope.get("method") == "HEAD" else self.body
        await send({"type": "http.response.body", "body": body})


def json_response(content: Any, status_code: int = 200,
                  headers: Mapping[str, str] | None = None) -> Response:
    """JSON encoded exactly as Starlette's ``JSONResponse`` did."""
    body = json.dumps(content, ensure_ascii=False, allow_nan=False, indent=None,
                      separators=(",", ":")).encode("utf-8")
    return Response(body, status_code, "application/json", headers)


def error_response(code: str, message: str, status_code: int,
                   headers: Mapping[str, str] | None = None) -> Response:
    return json_response({"code": code, "message": message}, status_code, headers)


Endpoint = Callable[[Request], Awaitable[Response]]


class _Route:
    __slots__ = ("regex", "methods", "endpoint")

    def __init__(self, template: str, methods: Iterable[str], endpoint: Endpoint) -> None:
        # "{name}" matches one non-empty path segment, like Starlette's default convertor.
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        self.regex = re.compile(pattern)
        self.methods = frozenset(m.upper() for m in methods)
        if "GET" in self.methods:
            self.methods |= {"HEAD"}
        self.endpoint = endpoint


class Router:
    """An ASGI app: the first route matching path and method answers.

    A path no route matches is a JSON 404, a known path with another method a
    JSON 405 (with ``Allow``). ``state`` is free for the owner's use.
    """

    def __init__(self) -> None:
        self.routes: list[_Route] = []
        self.state = SimpleNamespace()

    def add(self, template: str, methods: Iterable[str], endpoint: Endpoint) -> None:
        self.routes.append(_Route(template, methods, endpoint))

    def match(self, method: str, path: str) -> tuple[Endpoint | None, dict[str, str], set[str]]:
        """(endpoint, path params, allowed methods); no endpoint when none fits."""
        allowed: set[str] = set()
        for route in self.routes:
            m = route.regex.fullmatch(path)
            if m is None:
                continue
            if method in route.methods:
                return route.endpoint, m.groupdict(), allowed
            allowed |= route.methods
        return None, {}, allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            await _lifespan(receive, send)
            return
        if kind != "http":  # websockets: refused, as Starlette's router closed them
            await send({"type": "websocket.close", "code": 1000})
            return
        method, path = scope["method"], scope["path"]
        endpoint, params, allowed = self.match(method, path)
        if endpoint is None:
            if allowed:  # 405 has no code in api.errors; bad_request is what the client maps it to
                allow = ", ".join(sorted(allowed))
                response = error_response(code_for_status(405),
                                          f"method not allowed: {method} {path} (allowed: {allow})",
                                          405, {"Allow": allow})
            else:
                response = error_response(code_for_status(404), f"no route: {method} {path}", 404)
            await response(scope, receive, send)
            return
        started = False

        async def tracking_send(message: MutableMapping[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            response = await endpoint(Request(scope, receive, params))
            await response(scope, receive, tracking_send)
        except ClientDisconnect:
            return  # nobody left to answer
        except Exception:
            # As Starlette's error middleware: answer 500 if nothing was sent,
            # then re-raise (httpx.ASGITransport hands it to the caller).
            if not started:
                await error_response("internal", "Internal Server Error", 500)(
                    scope, receive, send)
            raise


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
