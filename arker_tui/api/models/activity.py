"""The org activity log: one row per run, fork or sync call."""


from .base import ApiModel

__all__ = ["OrgRunListRow", "ListOrgRunsResponse"]


class OrgRunListRow(ApiModel):
    source: str = ""
    t_ms: int = 0
    request_id: str
    run_id: str | None = ""
    vm_id: str | None = ""
    session_id: str | None = ""
    region: str | None = ""
    status: int = 0
    total_ms: float = 0
    queue_ms: float = 0
    lambda_call_ms: float = 0
    lambda_duration_ms: float = 0
    executor_duration_ms: float = 0
    executor_kind: str | None = ""
    executor_cpu_ms: float = 0
    executor_mem_mb: float = 0
    lambda_cpu_ms: float = 0
    lambda_mem_mb: float = 0
    vm_vcpus: float = 0
    vm_memory_mib: float = 0
    path: str | None = ""
    method: str | None = ""
    command: str | None = ""
    source_vm_id: str | None = ""
    exit_code: int | None = None
    endpoint: str | None = ""
    api_key_prefix: str | None = ""
    body_bytes_in: int = 0
    body_bytes_out: int = 0
    body_in: str | None = ""
    body_out: str | None = ""


class ListOrgRunsResponse(ApiModel):
    since: int = 0
    until: int = 0
    limit: int = 0
    offset: int = 0
    lite: bool = False
    rows: list[OrgRunListRow] = []
