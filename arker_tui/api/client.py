"""``ArkerClient``: one async client for every operation of the Arker SDK.

One ``httpx.AsyncClient`` underneath; each call picks its host from the route
table (control plane or compute) and, for a compute call, from the VM's own
provider and region (``hosts.HostResolver``), retries what is safe to retry, and turns
every failure into an ``ArkerError``. The API key lives only in the auth
header and is scrubbed from every message this module produces.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any, AsyncIterator, Awaitable, Callable, Mapping, TypeVar, cast
from urllib.parse import urlencode

import httpx
from pydantic import BaseModel, ValidationError

from ..crash import redact_url_credentials
from ..settings import Settings
from . import metering
from . import models as m
from .errors import ArkerError, code_for_status
from .hosts import HostChoice, HostResolver
from .output import decode_bytes
from .retry import RETRY_STATUSES, RetryPolicy, parse_retry_after
from .routes import MAX_EMPTY_PAGES, MAX_PAGES, ROUTES, Route

log = logging.getLogger("arker_tui.api")

# What an error code from the server may look like (``not_found``); longer
# messages than MAX_MESSAGE_CHARS are cut (a 10 MB message is no message).
PLAIN_CODE = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,63}")
MAX_MESSAGE_CHARS = 2000
# Answers that carry a run's output are bounded by the run output budget.
RUN_OUTPUT_ROUTES = frozenset({"get_run", "run"})
# The gateway ends a foreground run without a timeout of its own after an hour.
FOREGROUND_RUN_MAX_SECONDS = 3600.0
TOO_LARGE_RETRY_AFTER = 60.0  # seconds before a list whose answer was too large is fetched again
# A key that JSON carries verbatim can be masked in a body's bytes.
_JSON_SAFE_KEY = re.compile(r"[A-Za-z0-9._~+/=:-]{8,}")


def _size(count: int) -> str:
    """Bytes in words: 64 MiB, 512 KiB, 100 bytes."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= size:
            value = count / size
            return f"{value:g} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{count} bytes"

T = TypeVar("T", bound=BaseModel | m.CompactModel)
Page = TypeVar("Page", bound=BaseModel)


@dataclass
class ClientStats:
    """Counters of what the client sent and how it went."""

    requests: int = 0  # HTTP requests sent, retries included
    bytes_received: int = 0  # response body bytes read, all requests
    retries: int = 0
    errors: int = 0  # calls that ended in an ArkerError
    last_latency: float | None = None


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _query(values: dict[str, Any]) -> dict[str, Any]:
    """Query parameters: None dropped, lists joined, booleans lower-case."""
    out: dict[str, Any] = {}
    for key, value in _drop_none(values).items():
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (list, tuple)):
            value = ",".join(map(str, value))
        out[key] = value
    return out


class ArkerClient:
    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.settings = settings
        self.retry = retry or RetryPolicy(max_retries=settings.max_retries)
        self.stats = ClientStats()
        self.hosts = HostResolver(settings)
        self._sleep = sleep
        headers = {"User-Agent": "arker-tui", "Accept": "application/json"}
        if settings.api_key:
            headers["Authorization"] = f"Bearer {settings.api_key}"
        self._http = httpx.AsyncClient(
            transport=transport,
            headers=headers,
            timeout=httpx.Timeout(settings.timeout, connect=min(5.0, settings.timeout)),
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"ArkerClient({self.settings!r})"

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> "ArkerClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # --- transport ----------------------------------------------------------

    def _scrub(self, text: str) -> str:
        """Server (or transport) text without the API key or URL credentials."""
        key = self.settings.api_key
        if key:
            text = text.replace(key, "***")
        return redact_url_credentials(text)

    def host_for(self, route: Route, params: dict[str, str]) -> HostChoice | None:
        """The compute host of a call (None: the control plane, by the route table)."""
        if route.host == "control":
            return None
        vm_id = params.get("vm_id")
        return self.hosts.for_vm_id(vm_id) if vm_id else self.hosts.for_placement(*self.hosts.default)

    @staticmethod
    def _with_host(error: ArkerError, host: HostChoice | None) -> ArkerError:
        """A per-VM call that found nothing, or no server, on a host chosen by
        the profile says which host and which setting chose it: that is what
        a wrong compute_hosts / base_url entry looks like."""
        if host is None or host.via_control or error.code not in ("not_found", "network_error"):
            return error
        error.message = f"{error.message} (asked {host.url}, chosen by {host.rule} for {host.placement})"
        error.args = (error.message,)
        return error

    async def _send(self, request: httpx.Request, limit: int | None = None,
                    timeout: float | None = None) -> httpx.Response:
        """One HTTP exchange (see ``_exchange``) as a plain response holding its body."""
        streamed, body = await self._exchange(request, limit, timeout)
        return self._answered(streamed, body)

    async def _exchange(self, request: httpx.Request, limit: int | None = None,
                        timeout: float | None = None) -> tuple[httpx.Response, bytes]:
        """One HTTP exchange: (the response, read and closed; its body, the
        key in it masked). Any failure without an answer is network_error.
        The body is read as it streams and never past ``limit`` bytes
        (default ``settings.max_body_bytes``): past it, the exchange is cut
        and fails with ``payload_too_large``."""
        self.stats.requests += 1
        started = time.perf_counter()
        limit = self.settings.max_body_bytes if limit is None else limit
        timeout = self.settings.timeout if timeout is None else timeout
        try:
            # httpx's timeouts are per operation (a server dripping bytes, or a
            # transport that ignores them, never trips them): also bound the
            # whole exchange, body included.
            async with asyncio.timeout(timeout):  # no extra task per request, as wait_for makes
                streamed = await self._http.send(request, stream=True)
                try:
                    body = await self._read_bounded(streamed, limit)
                finally:
                    await streamed.aclose()
                body = self._masked(body)
            self.stats.bytes_received += len(body)
            metering.count(len(body))
        except ArkerError:
            raise
        except (httpx.TimeoutException, TimeoutError):
            raise ArkerError("network_error", f"the request timed out after {timeout:g} s") from None
        except (httpx.HTTPError, OSError) as exc:
            raise ArkerError("network_error", self._scrub(f"no answer: {type(exc).__name__}: {exc}")) from None
        except Exception as exc:  # a transport that breaks in its own way
            raise ArkerError("network_error", self._scrub(f"no answer: {type(exc).__name__}: {exc}")) from None
        finally:
            self.stats.last_latency = time.perf_counter() - started
        log.debug("%s %s -> %s in %.0f ms", request.method, request.url.path, streamed.status_code,
                  self.stats.last_latency * 1000)
        return streamed, body

    async def _read_bounded(self, response: httpx.Response, limit: int) -> bytes:
        """The (decoded) body, read chunk by chunk; stops at ``limit`` bytes."""
        declared = response.headers.get("Content-Length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > limit:
            raise self._too_large(response.request, limit, response.status_code)
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:  # decoded bytes: a compressed bomb stops here too
                raise self._too_large(response.request, limit, response.status_code)
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self, request: httpx.Request, limit: int, status: int) -> ArkerError:
        path = self._scrub(request.url.path)
        # Fetching it again soon would only fail again: a long Retry-After
        # makes the repository back off at once.
        return ArkerError("payload_too_large", f"the server sent more than {_size(limit)} for {path}",
                          status, retry_after=TOO_LARGE_RETRY_AFTER)

    def _masked(self, body: bytes) -> bytes:
        """``body`` with the key in it masked: a server echoing the key never
        gets it onto the screen."""
        key = self.settings.api_key
        if key and _JSON_SAFE_KEY.fullmatch(key):
            raw_key = key.encode()
            if raw_key in body:
                body = body.replace(raw_key, b"***")
        return body

    def _answered(self, streamed: httpx.Response, body: bytes) -> httpx.Response:
        """A plain response holding ``body`` (already decoded and masked)."""
        headers = [(k, v) for k, v in streamed.headers.multi_items()
                   if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")]
        return httpx.Response(streamed.status_code, headers=headers, content=body, request=streamed.request)

    def _error_from(self, response: httpx.Response) -> ArkerError:
        status = response.status_code
        code, message = code_for_status(status), ""
        try:
            body = response.json()
            if isinstance(body, dict):
                # A code is a plain name; anything else (escapes, the key
                # echoed back, prose) is not shown: the status says enough.
                sent = self._scrub(str(body.get("code") or ""))
                code = sent if PLAIN_CODE.fullmatch(sent) else code
                message = str(body.get("message") or "")
        except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
            snippet = response.text[:200].strip()
            message = f"HTTP {status}" + (f": {snippet}" if snippet else "")
        message = self._scrub(message)[:MAX_MESSAGE_CHARS] or f"HTTP {status}"
        return ArkerError(
            code,
            message,
            status,
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
        )

    async def request(
        self,
        route_name: str,
        *,
        path: dict[str, str] | None = None,
        query: dict[str, Any] | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
        raw: bool = False,
        host: HostChoice | None = None,
        timeout: float | None = None,
    ) -> Any:
        """Send one API call with retries; returns the decoded JSON body (with
        ``raw``: the body's bytes, undecoded, for callers that skip decoding
        what they have seen before). ``host``: the compute host, when the
        caller chose it (a fork); else it is resolved from the path's VM.
        ``timeout``: seconds for this exchange instead of the settings' (a
        foreground run answers when its command ends)."""
        route = ROUTES[route_name]
        limit = self.settings.max_run_output_bytes if route_name in RUN_OUTPUT_ROUTES else None
        if host is None:
            host = self.host_for(route, path or {})
        base = self.settings.control_url if host is None else host.url
        url = base.rstrip("/") + route.url_path(**(path or {}))
        params = _query(query or {})
        if params:  # encoded as httpx encodes params=, so httpx parses the URL once instead of twice
            url = f"{url}?{urlencode(params)}"
        safe = route.idempotent or bool(headers and "Idempotency-Key" in headers)
        attempt = 0
        try:
            while True:
                extra: dict[str, Any] = {} if timeout is None else {"timeout": httpx.Timeout(
                    timeout, connect=min(5.0, self.settings.timeout))}
                request = self._http.build_request(
                    route.method,
                    url,
                    json=body,
                    headers=headers,
                    **extra,
                )
                try:
                    streamed, content = await self._exchange(request, limit, timeout)
                except ArkerError as network_error:
                    if network_error.code == "payload_too_large" or not safe or attempt >= self.retry.max_retries:
                        raise
                    error, retry_after = network_error, None
                else:
                    if streamed.is_success:  # the body as it came: no second response to hold it
                        return content if raw else self._decode(content, streamed.status_code)
                    response = self._answered(streamed, content)
                    error = self._error_from(response)
                    retryable = response.status_code in RETRY_STATUSES and safe
                    too_long = (error.retry_after or 0) > self.retry.max_retry_after
                    if not retryable or too_long or attempt >= self.retry.max_retries:
                        raise error
                    retry_after = error.retry_after
                delay = self.retry.delay(attempt, retry_after)
                attempt += 1
                self.stats.retries += 1
                log.debug("retrying %s %s in %.2f s (%s)", route.method, route.path, delay, error.code)
                await self._sleep(delay)
        except ArkerError as error:
            self.stats.errors += 1
            raise self._with_host(error, host) from None

    @staticmethod
    def _decode(content: bytes, status: int) -> Any:
        if not content:
            return {}
        try:
            return json.loads(content)
        except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
            raise ArkerError("internal", f"the server sent a malformed response (HTTP {status})", status) from None

    @staticmethod
    def _parse(model: type[T], data: Any) -> T:
        try:
            return cast(T, model.model_validate(data))
        except ValidationError as exc:
            first: Mapping[str, Any] = exc.errors()[0] if exc.errors() else {}
            where = ".".join(map(str, first.get("loc", ()))) or model.__name__
            raise ArkerError(
                "internal", f"unexpected response shape for {model.__name__}: {where}: {first.get('msg', exc)}", 200
            ) from None

    async def _call(self, model: type[T], route_name: str, **kwargs: Any) -> T:
        return self._parse(model, await self.request(route_name, **kwargs))

    # --- VMs ----------------------------------------------------------------

    async def list_vms(
        self,
        *,
        cursor: str | None = None,
        limit: int | None = None,
        region: str | None = None,
        provider: str | None = None,
        state: str | None = None,
        source_org_id: str | None = None,
        started_after: str | None = None,
        started_before: str | None = None,
    ) -> m.ListVmsResponse:
        query = dict(cursor=cursor, limit=limit, region=region, provider=provider, state=state,
                     source_org_id=source_org_id, started_after=started_after, started_before=started_before)
        page = await self._call(m.ListVmsResponse, "list_vms", query=query)
        self.hosts.learn_all(page.vms)
        return page

    async def get_vm(self, vm_id: str) -> m.Vm:
        vm = await self._call(m.Vm, "get_vm", path={"vm_id": vm_id})
        self.hosts.learn(vm)
        return vm

    async def delete_vm(self, vm_id: str) -> m.DeleteVmResponse:
        return await self._call(m.DeleteVmResponse, "delete_vm", path={"vm_id": vm_id})

    async def fork(self, request: m.ForkRequest) -> m.Vm:
        """Fork a VM. A public golden named without an org is looked up in
        the Arker org, as the SDK does."""
        if request.source_vm_name in m.PUBLIC_GOLDENS and not request.source_org_id and not request.source_vm_id:
            request = request.model_copy(update={"source_org_id": m.ARKER_ORG_ID})
        if not (request.source_vm_id or request.source_vm_name):
            raise ArkerError("bad_request", "fork needs a source VM id or name", 0)
        host = self.hosts.for_fork(request.source_vm_id, request.source_vm_name, request.source_org_id)
        vm = await self._call(m.Vm, "fork", body=request.model_dump(exclude_none=True), host=host)
        self.hosts.learn(vm)
        return vm

    async def resize(self, vm_id: str, request: m.ResizeRequest) -> m.ResizeResponse:
        return await self._call(m.ResizeResponse, "resize", path={"vm_id": vm_id},
                                body=request.model_dump(exclude_none=True))

    # --- runs ---------------------------------------------------------------

    async def run(
        self, vm_id: str, request: m.RunRequest, *, idempotency_key: str | None = None
    ) -> m.CompletedRunResponse | m.BackgroundRunResponse:
        """Start a command. Every run carries an Idempotency-Key (one is made
        when not given), which is what makes retrying it safe."""
        key = idempotency_key or uuid.uuid4().hex
        data = await self.request(
            "run", path={"vm_id": vm_id}, body=request.model_dump(exclude_none=True),
            headers={"Idempotency-Key": key}, timeout=self.run_timeout(request),
        )
        is_background = isinstance(data, dict) and "stdout" not in data and data.get("run_id")
        if is_background:
            return self._parse(m.BackgroundRunResponse, data)
        return self._parse(m.CompletedRunResponse, data)

    def run_timeout(self, request: m.RunRequest) -> float | None:
        """A foreground command answers when it ends: wait for its own
        timeout (or the platform's one-hour cap) plus the usual margin."""
        if request.background or request.signal or not request.command.strip():
            return None
        return self.settings.timeout + (request.timeout or FOREGROUND_RUN_MAX_SECONDS)

    async def list_runs(
        self,
        vm_id: str,
        *,
        cursor: str | None = None,
        limit: int | None = None,
        state: str | None = None,
        started_after: str | None = None,
        started_before: str | None = None,
        completed_after: str | None = None,
    ) -> m.ListRunsResponse:
        query = dict(cursor=cursor, limit=limit, state=state, started_after=started_after,
                     started_before=started_before, completed_after=completed_after)
        return await self._call(m.ListRunsResponse, "list_runs", path={"vm_id": vm_id}, query=query)

    async def get_run(self, vm_id: str, run_id: str) -> m.Run:
        return await self._call(m.Run, "get_run", path={"vm_id": vm_id, "run_id": run_id})

    async def cancel_run(self, vm_id: str, run_id: str) -> m.CancelRunResponse:
        return await self._call(m.CancelRunResponse, "cancel_run", path={"vm_id": vm_id, "run_id": run_id})

    async def list_org_runs(
        self,
        *,
        since: int | None = None,
        until: int | None = None,
        vm: str | None = None,
        vm_ids: list[str] | None = None,
        region: str | None = None,
        provider: str | None = None,
        source: str | None = None,
        search: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        lite: bool | None = None,
        runtime: str | None = None,
        endpoint: str | None = None,
        actions: list[str] | None = None,
        status: list[str] | None = None,
        status_min: int | None = None,
        status_max: int | None = None,
        sort: str | None = None,
        dir: str | None = None,
    ) -> m.ListOrgRunsResponse:
        query = dict(since=since, until=until, vm=vm, vm_ids=vm_ids, region=region, provider=provider,
                     source=source, search=search, limit=limit, offset=offset, lite=lite, runtime=runtime,
                     endpoint=endpoint, actions=actions, status=status, status_min=status_min,
                     status_max=status_max, sort=sort, dir=dir)
        return await self._call(m.ListOrgRunsResponse, "list_org_runs", query=query)

    # --- sessions -----------------------------------------------------------

    async def list_sessions(
        self, vm_id: str, *, cursor: str | None = None, limit: int | None = None, state: str | None = None
    ) -> m.ListSessionsResponse:
        return await self._call(m.ListSessionsResponse, "list_sessions", path={"vm_id": vm_id},
                                query=dict(cursor=cursor, limit=limit, state=state))

    async def create_session(self, vm_id: str, request: m.CreateSessionRequest | None = None) -> m.Session:
        body = (request or m.CreateSessionRequest()).model_dump(exclude_none=True)
        return await self._call(m.Session, "create_session", path={"vm_id": vm_id}, body=body)

    async def get_session(self, vm_id: str, session_id: str) -> m.Session:
        return await self._call(m.Session, "get_session", path={"vm_id": vm_id, "session_id": session_id})

    async def delete_session(self, vm_id: str, session_id: str) -> m.DeleteSessionResponse:
        return await self._call(m.DeleteSessionResponse, "delete_session",
                                path={"vm_id": vm_id, "session_id": session_id})

    # --- tunnels ------------------------------------------------------------

    async def list_tunnels(
        self, vm_id: str, *, cursor: str | None = None, limit: int | None = None, state: str | None = None
    ) -> m.ListTunnelsResponse:
        return await self._call(m.ListTunnelsResponse, "list_tunnels", path={"vm_id": vm_id},
                                query=dict(cursor=cursor, limit=limit, state=state))

    async def create_tunnel(self, vm_id: str, request: m.TunnelRequest | None = None) -> m.Tunnel:
        body = (request or m.TunnelRequest()).model_dump(exclude_none=True)
        return await self._call(m.Tunnel, "create_tunnel", path={"vm_id": vm_id}, body=body)

    async def get_tunnel(self, vm_id: str, tunnel_key: str) -> m.Tunnel:
        return await self._call(m.Tunnel, "get_tunnel", path={"vm_id": vm_id, "tunnel_key": tunnel_key})

    async def delete_tunnel(self, vm_id: str, tunnel_key: str) -> m.DeleteTunnelResponse:
        return await self._call(m.DeleteTunnelResponse, "delete_tunnel",
                                path={"vm_id": vm_id, "tunnel_key": tunnel_key})

    # --- syncs and files ----------------------------------------------------

    async def list_syncs(
        self, vm_id: str, *, cursor: str | None = None, limit: int | None = None, filesystem_id: str | None = None
    ) -> m.ListSyncsResponse:
        return await self._call(m.ListSyncsResponse, "list_syncs", path={"vm_id": vm_id},
                                query=dict(cursor=cursor, limit=limit, filesystem_id=filesystem_id))

    async def create_sync(self, vm_id: str, request: m.SyncCreateRequest) -> m.Sync:
        return await self._call(m.Sync, "create_sync", path={"vm_id": vm_id},
                                body=request.model_dump(exclude_none=True))

    async def delete_sync(self, vm_id: str, sync_id: str) -> m.DeleteSyncResponse:
        return await self._call(m.DeleteSyncResponse, "delete_sync", path={"vm_id": vm_id, "sync_id": sync_id})

    async def read_file_info(self, vm_id: str, path: str) -> m.SyncReadInlineResponse | m.SyncReadPresignedResponse:
        data = await self.request("sync_file", path={"vm_id": vm_id}, body={"path": path})
        if isinstance(data, dict) and "presigned_url" in data:
            return self._parse(m.SyncReadPresignedResponse, data)
        return self._parse(m.SyncReadInlineResponse, data)

    async def read_file(self, vm_id: str, path: str) -> bytes:
        """A file's bytes, inline or through the presigned URL for large files."""
        info = await self.read_file_info(vm_id, path)
        if isinstance(info, m.SyncReadInlineResponse):
            try:
                return decode_bytes(info.content, info.encoding)
            except ValueError as exc:
                raise ArkerError("internal", str(exc), 200) from None
        # The presigned URL carries its own authorisation: send no API key.
        request = self._http.build_request("GET", info.presigned_url)
        request.headers.pop("Authorization", None)
        response = await self._send(request)
        if not response.is_success:
            raise self._error_from(response)
        return response.content

    async def write_file(self, vm_id: str, path: str, data: bytes | str) -> m.SyncWriteResponse:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        entry = m.SyncChunkWrite(path=path, content=base64.b64encode(raw).decode("ascii"), encoding="base64")
        return await self._call(m.SyncWriteResponse, "sync_file", path={"vm_id": vm_id},
                                body={"writes": [entry.model_dump(exclude_none=True)]})

    # --- filesystems ----------------------------------------------------------

    async def list_filesystems(
        self, *, cursor: str | None = None, limit: int | None = None, name_prefix: str | None = None
    ) -> m.ListFilesystemsResponse:
        return await self._call(m.ListFilesystemsResponse, "list_filesystems",
                                query=dict(cursor=cursor, limit=limit, name_prefix=name_prefix))

    async def create_filesystem(self, name: str) -> m.Filesystem:
        return await self._call(m.Filesystem, "create_filesystem", body={"name": name})

    async def get_filesystem(self, filesystem_id: str) -> m.Filesystem:
        return await self._call(m.Filesystem, "get_filesystem", path={"filesystem_id": filesystem_id})

    async def delete_filesystem(self, filesystem_id: str) -> m.DeleteFilesystemResponse:
        return await self._call(m.DeleteFilesystemResponse, "delete_filesystem",
                                path={"filesystem_id": filesystem_id})


# --- pagination ---------------------------------------------------------------


async def iterate_pages(
    fetch: Callable[..., Awaitable[Page]], /, *, limit: int | None = None, **filters: Any
) -> AsyncIterator[Page]:
    """Every page of a cursor-paged list, first page first. A server that
    pages forever is stopped after ``MAX_PAGES`` pages or ``MAX_EMPTY_PAGES``
    empty pages in a row (logged)."""
    cursor: str | None = None
    seen: set[str] = set()
    empty_in_a_row = 0
    while True:
        page = await fetch(cursor=cursor, limit=limit, **filters)
        yield page
        cursor = getattr(page, "next_cursor", None)
        if not cursor or cursor in seen:  # a repeating cursor would loop forever
            return
        seen.add(cursor)
        fields = [v for v in vars(page).values() if isinstance(v, list)]
        empty_in_a_row = empty_in_a_row + 1 if fields and not any(fields) else 0
        if empty_in_a_row >= MAX_EMPTY_PAGES or len(seen) >= MAX_PAGES:
            log.warning("stopped paging after %d pages (%d empty in a row): the server kept sending cursors",
                        len(seen), empty_in_a_row)
            return


async def collect_all(fetch: Callable[..., Awaitable[Page]], items: str, /, **filters: Any) -> list[Any]:
    """All items of a cursor-paged list (``items`` names the list field)."""
    out: list[Any] = []
    async for page in iterate_pages(fetch, **filters):
        out.extend(getattr(page, items))
    return out


async def iterate_org_runs(
    client: ArkerClient, *, page_size: int = 200, max_rows: int | None = None, **filters: Any
) -> AsyncIterator[m.ListOrgRunsResponse]:
    """Offset paging of the org activity log."""
    offset, total = 0, 0
    while True:
        page = await client.list_org_runs(offset=offset, limit=page_size, **filters)
        yield page
        got = len(page.rows)
        total += got
        offset += got
        if got < page_size or (max_rows is not None and total >= max_rows):
            return
