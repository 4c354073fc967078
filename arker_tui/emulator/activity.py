"""The org activity log (``GET /v1/runs``): one ``OrgRunListRow`` per
run/fork/sync call, filtered, sorted and paged by offset/limit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from arker_tui.api.errors import STATUS_FOR_CODE, ArkerError
from arker_tui.api.models import ORG_RUN_SORT_KEYS

if TYPE_CHECKING:  # pragma: no cover
    from .records import VmRec
    from .world import World

DEFAULT_WINDOW_MS = 24 * 3600 * 1000
DEFAULT_ORG_LIMIT = 100
MAX_ORG_LIMIT = 1000
MAX_ORG_ROWS = 20_000  # rows kept, the oldest dropped first (a long soak must not grow without end)
SORT_FIELDS = {
    "when": "t_ms", "status": "status", "path": "path", "total": "total_ms",
    "queue": "queue_ms", "your_code": "executor_duration_ms", "runtime": "lambda_duration_ms",
}
assert set(SORT_FIELDS) == set(ORG_RUN_SORT_KEYS)


def _fail(message: str) -> ArkerError:
    return ArkerError("bad_request", message, STATUS_FOR_CODE["bad_request"])


def _int(params: Mapping[str, str], name: str, default: int | None = None) -> int | None:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(float(raw))
    except ValueError:
        raise _fail(f"{name}: not a number: {raw!r}") from None


def _status_matches(spec: str, status: int) -> bool:
    """``status`` filter: comma list of codes, classes (``4xx``) or ``error`` / ``ok``."""
    for part in (p.strip().lower() for p in spec.split(",") if p.strip()):
        if part == "error" and status >= 400 or part == "ok" and status < 400:
            return True
        if part.endswith("xx") and part[:1].isdigit() and status // 100 == int(part[0]):
            return True
        if part.isdigit() and int(part) == status:
            return True
    return False


class ActivityMixin:
    def __init__(self) -> None:
        self.org_rows: list[dict[str, Any]] = []
        self.api_key_prefix = "ak_live_7f3c"

    def record_activity(self: "World", endpoint: str, *, status: int, method: str = "POST",
                        path: str = "", vm: "VmRec | None" = None, run_id: str | None = None,
                        session_id: str | None = None, command: str | None = None,
                        exit_code: int | None = None, source_vm_id: str | None = None,
                        body_in: str = "", body_out: str = "", t_ms: int | None = None,
                        total_ms: float | None = None) -> dict[str, Any]:
        rng = self.rng
        queue = round(rng.uniform(0.5, 25.0), 1)
        code_ms = round(rng.uniform(3, 900), 1) if endpoint == "run" and status < 400 else 0.0
        lambda_ms = round(code_ms + rng.uniform(5, 60), 1)
        total = total_ms if total_ms is not None else round(queue + lambda_ms + rng.uniform(2, 40), 1)
        row = {
            "source": "api", "t_ms": self.clock.now_ms() if t_ms is None else t_ms,
            "request_id": self.new_id("req", 8), "run_id": run_id or "",
            "vm_id": vm.vm_id if vm else "", "session_id": session_id or "",
            "region": vm.region if vm else self.default_region, "status": status,
            "total_ms": total, "queue_ms": queue, "lambda_call_ms": round(lambda_ms + 1.5, 1),
            "lambda_duration_ms": lambda_ms, "executor_duration_ms": code_ms,
            "executor_kind": "firecracker" if endpoint == "run" else "control",
            "executor_cpu_ms": round(code_ms * rng.uniform(0.2, 0.95), 1),
            "executor_mem_mb": round(rng.uniform(30, 900), 1),
            "lambda_cpu_ms": round(lambda_ms * 0.3, 1), "lambda_mem_mb": 256.0,
            "vm_vcpus": float(vm.vcpu_count) if vm else 0.0,
            "vm_memory_mib": float(vm.memory_mib) if vm else 0.0,
            "path": path, "method": method, "command": command or "",
            "source_vm_id": source_vm_id or "", "exit_code": exit_code, "endpoint": endpoint,
            "api_key_prefix": self.api_key_prefix,
            "body_bytes_in": len(body_in.encode()), "body_bytes_out": len(body_out.encode()),
            "body_in": body_in[:2048], "body_out": body_out[:2048],
            # not in OrgRunListRow but handy for filtering by provider
            "provider": vm.provider if vm else self.default_provider,
        }
        self.org_rows.append(row)
        if len(self.org_rows) > MAX_ORG_ROWS + MAX_ORG_ROWS // 10:  # trimmed in batches
            del self.org_rows[:len(self.org_rows) - MAX_ORG_ROWS]
        return row

    def list_org_runs(self: "World", params: Mapping[str, str]) -> dict[str, Any]:
        self.require_feature("org_runs")
        now_ms = self.clock.now_ms()
        until = _int(params, "until", now_ms)
        since = _int(params, "since", (until or now_ms) - DEFAULT_WINDOW_MS)
        limit = _int(params, "limit", DEFAULT_ORG_LIMIT) or DEFAULT_ORG_LIMIT
        offset = _int(params, "offset", 0) or 0
        if limit < 1 or offset < 0:
            raise _fail("limit: must be at least 1" if limit < 1 else "offset: must not be negative")
        limit = min(limit, MAX_ORG_LIMIT)
        sort = params.get("sort") or "when"
        if sort not in SORT_FIELDS:
            raise _fail(f"sort: expected one of {', '.join(SORT_FIELDS)}, got {sort!r}")
        direction = (params.get("dir") or "desc").lower()
        if direction not in ("asc", "desc"):
            raise _fail(f"dir: expected asc or desc, got {direction!r}")
        lite = (params.get("lite") or "").lower() in ("1", "true", "yes")

        vm_ids: set[str] = set()
        if params.get("vm"):
            vm = params["vm"]
            named = self.find_vm_by_name(vm)
            vm_ids.add(named.vm_id if named else vm)
        if params.get("vm_ids"):
            vm_ids.update(v.strip() for v in params["vm_ids"].split(",") if v.strip())
        endpoints = {e.strip() for e in (params.get("endpoint") or "").split(",") if e.strip()}
        region, provider = params.get("region"), params.get("provider")
        source, search = params.get("source"), (params.get("search") or "").lower()
        status_spec = params.get("status") or ""
        smin, smax = _int(params, "status_min"), _int(params, "status_max")

        def keep(row: dict[str, Any]) -> bool:
            if not since <= row["t_ms"] <= (until if until is not None else now_ms):
                return False
            if vm_ids and row["vm_id"] not in vm_ids or endpoints and row["endpoint"] not in endpoints:
                return False
            if region and row["region"] != region or provider and row.get("provider") != provider:
                return False
            if source and row["source"] != source:
                return False
            if smin is not None and row["status"] < smin or smax is not None and row["status"] > smax:
                return False
            if status_spec and not _status_matches(status_spec, row["status"]):
                return False
            if search and search not in f"{row['command']}\n{row['path']}\n{row['request_id']}".lower():
                return False
            return True

        rows = [r for r in self.org_rows if keep(r)]
        key = SORT_FIELDS[sort]
        rows.sort(key=lambda r: (r[key] if r[key] is not None else "", r["t_ms"]),
                  reverse=direction == "desc")
        page = rows[offset:offset + limit]
        if lite:
            page = [{**r, "body_in": "", "body_out": ""} for r in page]
        return {"since": since, "until": until, "limit": limit, "offset": offset, "lite": lite,
                "rows": [dict(r) for r in page], "total": len(rows)}
