"""One function per route of ``arker_tui.api.routes.ROUTES``: turn the HTTP
request (query params, parsed JSON body) into a World call, return the JSON.

Request bodies are validated with the API's own pydantic models; a bad shape
is a 400 ``bad_request`` whose message starts with the field's name.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, TypeVar

from pydantic import BaseModel, ValidationError

from arker_tui.api import models as m
from arker_tui.api.errors import STATUS_FOR_CODE, ArkerError

from .world import World
from .world_runs import ForegroundWait

M = TypeVar("M", bound=BaseModel)


class Call:
    """What a handler sees: the world, path params, query, body, headers."""

    def __init__(self, world: World, path: Mapping[str, str], query: Mapping[str, str],
                 body: dict[str, Any], headers: Mapping[str, str], base_url: str,
                 host: Any = None) -> None:
        self.world, self.path, self.query, self.body = world, path, query, body
        self.headers, self.base_url = headers, base_url
        self.host = host  # the EmulatorHost answering (None or control: every VM)

    def q(self, name: str) -> str | None:
        value = self.query.get(name)
        return value if value not in (None, "") else None


def model(cls: type[M], body: dict[str, Any]) -> M:
    try:
        return cls.model_validate(body)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err.get("loc", ())) or "body"
        raise ArkerError("bad_request", f"{loc}: {err.get('msg')}", STATUS_FOR_CODE["bad_request"]) from None


def list_vms(c: Call) -> Any:
    return c.world.list_vms(
        cursor=c.q("cursor"), limit=c.q("limit"), region=c.q("region"), provider=c.q("provider"),
        state=c.q("state"), source_org_id=c.q("source_org_id"), started_after=c.q("started_after"),
        started_before=c.q("started_before"), name_prefix=c.q("name_prefix"))


def fork(c: Call) -> Any:
    host = c.host if c.host is not None and not c.host.control else None
    place = (host.provider, host.region) if host is not None else None
    vm, tunnels = c.world.fork(model(m.ForkRequest, c.body), place=place)
    data = vm.render(c.world.now())
    if tunnels:  # the create response is the only place tokens appear
        data["tunnels"] = tunnels
    return data


def get_vm(c: Call) -> Any:
    return c.world.get_vm(c.path["vm_id"]).render(c.world.now())


def delete_vm(c: Call) -> Any:
    return c.world.delete_vm(c.path["vm_id"])


def resize(c: Call) -> Any:
    return c.world.resize(c.path["vm_id"], model(m.ResizeRequest, c.body))


def run(c: Call) -> Any:
    body = dict(c.body)
    if "command" not in body and (body.get("release") or body.get("signal")):
        body["command"] = ""
    req = model(m.RunRequest, body)
    answer = c.world.run(c.path["vm_id"], req, c.headers.get("idempotency-key"))
    # A foreground command that takes time: the HTTP layer awaits its end.
    return answer.answer() if isinstance(answer, ForegroundWait) else answer


def list_runs(c: Call) -> Any:
    return c.world.list_runs(
        c.path["vm_id"], state=c.q("state"), started_after=c.q("started_after"),
        started_before=c.q("started_before"), completed_after=c.q("completed_after"),
        cursor=c.q("cursor"), limit=c.q("limit"))


def get_run(c: Call) -> Any:
    return c.world.get_run(c.path["vm_id"], c.path["run_id"])


def cancel_run(c: Call) -> Any:
    return c.world.cancel_run(c.path["vm_id"], c.path["run_id"])


def list_sessions(c: Call) -> Any:
    return c.world.list_sessions(c.path["vm_id"], state=c.q("state"), cursor=c.q("cursor"),
                                 limit=c.q("limit"))


def create_session(c: Call) -> Any:
    req = model(m.CreateSessionRequest, c.body)
    return c.world.create_session(c.path["vm_id"], env=req.env, cwd=req.cwd)


def get_session(c: Call) -> Any:
    vm, s = c.world.get_session(c.path["vm_id"], c.path["session_id"])
    return vm.render_session(s, c.world.now())


def delete_session(c: Call) -> Any:
    return c.world.delete_session(c.path["vm_id"], c.path["session_id"])


def list_tunnels(c: Call) -> Any:
    return c.world.list_tunnels(c.path["vm_id"], state=c.q("state"), cursor=c.q("cursor"),
                                limit=c.q("limit"))


def create_tunnel(c: Call) -> Any:
    req = model(m.TunnelRequest, c.body)
    made = c.world.create_tunnels(c.path["vm_id"], req.ports, req.auth_mode)
    first = dict(made[0])
    if len(made) > 1:
        first["tunnels"] = made
    return first


def get_tunnel(c: Call) -> Any:
    return c.world.get_tunnel(c.path["vm_id"], c.path["tunnel_key"])


def delete_tunnel(c: Call) -> Any:
    return c.world.delete_tunnel(c.path["vm_id"], c.path["tunnel_key"])


def list_syncs(c: Call) -> Any:
    return c.world.list_syncs(c.path["vm_id"], filesystem_id=c.q("filesystem_id"),
                              cursor=c.q("cursor"), limit=c.q("limit"))


def create_sync(c: Call) -> Any:
    req = model(m.SyncCreateRequest, c.body)
    return c.world.create_sync(c.path["vm_id"], req.filesystem_id, req.path).render()


def delete_sync(c: Call) -> Any:
    return c.world.delete_sync(c.path["vm_id"], c.path["sync_id"])


def sync_file(c: Call) -> Any:
    return c.world.sync_file(c.path["vm_id"], c.body, c.base_url)


def list_filesystems(c: Call) -> Any:
    return c.world.list_filesystems(name_prefix=c.q("name_prefix"), cursor=c.q("cursor"),
                                    limit=c.q("limit"))


def create_filesystem(c: Call) -> Any:
    req = model(m.FilesystemCreateRequest, c.body)
    extra = req.extra_fields
    return c.world.create_filesystem(req.name, region=extra.get("region"),
                                     provider=extra.get("provider")).render()


def get_filesystem(c: Call) -> Any:
    return c.world.get_filesystem(c.path["filesystem_id"]).render()


def delete_filesystem(c: Call) -> Any:
    return c.world.delete_filesystem(c.path["filesystem_id"])


def list_org_runs(c: Call) -> Any:
    return c.world.list_org_runs(c.query)


HANDLERS: dict[str, Callable[[Call], Any]] = {
    name: fn for name, fn in globals().items()
    if callable(fn) and not name.startswith("_") and name not in {"model", "Call", "World"}
    and getattr(fn, "__module__", None) == __name__ and not isinstance(fn, type)
}

# Optional features: a route of a disabled feature answers 501 unsupported_operation.
FEATURE_OF_ROUTE = {
    "list_sessions": "sessions", "create_session": "sessions", "get_session": "sessions",
    "delete_session": "sessions", "list_tunnels": "tunnels", "create_tunnel": "tunnels",
    "get_tunnel": "tunnels", "delete_tunnel": "tunnels", "list_syncs": "syncs",
    "create_sync": "syncs", "delete_sync": "syncs", "sync_file": "files",
    "list_filesystems": "filesystems", "create_filesystem": "filesystems",
    "get_filesystem": "filesystems", "delete_filesystem": "filesystems",
    "list_org_runs": "org_runs",
}

# Routes that append an org activity row, and their endpoint value.
ACTIVITY_ENDPOINT = {"run": "run", "fork": "fork", "sync_file": "sync"}
