"""Every HTTP path and host assumption of the client, in one table.

The SDK's declarations do not publish paths; these are the assumptions of
arker-api.md. When the real server disagrees, this file is the one to edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Host = Literal["control", "compute"]

API_PREFIX = "/v1"
# A server that never stops paging (a new cursor on every page) is stopped
# after MAX_PAGES pages of one list, or MAX_EMPTY_PAGES empty pages in a row.
# An org of 100,000 VMs is 2,000 pages at a server's 50 per page.
MAX_PAGES = 2_500
MAX_EMPTY_PAGES = 5
DEFAULT_CONTROL_URL = "https://arker.ai/api"


@dataclass(frozen=True)
class Route:
    """One operation of the API: its method, path template and host."""

    name: str
    method: str
    path: str  # template with {vm_id}, {run_id}, ... placeholders
    host: Host
    # A POST/DELETE is retried only when safe: here, when it carries an
    # Idempotency-Key (runs) or is naturally idempotent.
    idempotent: bool = False

    def url_path(self, **params: str) -> str:
        from urllib.parse import quote

        quoted = {k: quote(str(v), safe="") for k, v in params.items()}
        return API_PREFIX + self.path.format(**quoted)


_ROUTES = [
    Route("list_vms", "GET", "/vms", "control", True),
    Route("fork", "POST", "/fork", "compute"),
    Route("get_vm", "GET", "/vms/{vm_id}", "compute", True),
    Route("delete_vm", "DELETE", "/vms/{vm_id}", "compute"),
    Route("resize", "POST", "/vms/{vm_id}/resize", "compute"),
    Route("run", "POST", "/vms/{vm_id}/run", "compute"),
    Route("list_runs", "GET", "/vms/{vm_id}/runs", "compute", True),
    Route("get_run", "GET", "/vms/{vm_id}/runs/{run_id}", "compute", True),
    Route("cancel_run", "POST", "/vms/{vm_id}/runs/{run_id}/cancel", "compute"),
    Route("list_sessions", "GET", "/vms/{vm_id}/sessions", "compute", True),
    Route("create_session", "POST", "/vms/{vm_id}/sessions", "compute"),
    Route("get_session", "GET", "/vms/{vm_id}/sessions/{session_id}", "compute", True),
    Route("delete_session", "DELETE", "/vms/{vm_id}/sessions/{session_id}", "compute"),
    Route("list_tunnels", "GET", "/vms/{vm_id}/tunnels", "compute", True),
    Route("create_tunnel", "POST", "/vms/{vm_id}/tunnels", "compute"),
    Route("get_tunnel", "GET", "/vms/{vm_id}/tunnels/{tunnel_key}", "compute", True),
    Route("delete_tunnel", "DELETE", "/vms/{vm_id}/tunnels/{tunnel_key}", "compute"),
    Route("list_syncs", "GET", "/vms/{vm_id}/syncs", "compute", True),
    Route("create_sync", "POST", "/vms/{vm_id}/syncs", "compute"),
    Route("delete_sync", "DELETE", "/vms/{vm_id}/syncs/{sync_id}", "compute"),
    Route("sync_file", "POST", "/vms/{vm_id}/sync", "compute"),
    Route("list_filesystems", "GET", "/filesystems", "control", True),
    Route("create_filesystem", "POST", "/filesystems", "control"),
    Route("get_filesystem", "GET", "/filesystems/{filesystem_id}", "control", True),
    Route("delete_filesystem", "DELETE", "/filesystems/{filesystem_id}", "control"),
    Route("list_org_runs", "GET", "/runs", "control", True),
]

ROUTES: dict[str, Route] = {route.name: route for route in _ROUTES}
