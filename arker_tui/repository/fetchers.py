"""How each query kind is fetched with the typed client (all pages)."""

from __future__ import annotations

from typing import Any, Callable

from ..api.client import collect_all, iterate_org_runs
from .pages import PAGED, PageCache, fetch_pages
from .query import Query

ORG_RUNS_CAP = 1000  # rows of org activity kept; the log is unbounded
ORG_RUNS_PAGE = 200


def _newest_first(runs: list[Any]) -> list[Any]:
    # ISO timestamps of one server sort as strings; sorted() is stable.
    return sorted(runs, key=lambda r: r.started_at or "", reverse=True)


async def fetch(client: Any, query: Query, *, page_size: int | None = None,
                pages: PageCache | None = None, first_page: Callable[[Any], None] | None = None) -> Any:
    """``pages``: the query's page cache; given (and the client can send raw
    requests), a paged list decodes only the items that changed.
    ``first_page``: called with the first page's value when more pages follow
    (paged lists only), so it can be shown before the rest arrive."""
    kind, vm_id, filters = query.kind, query.vm_id, query.filter_dict
    if pages is not None and kind in PAGED and hasattr(client, "request"):
        path = {"vm_id": vm_id} if vm_id is not None else None
        on_first = first_page
        if first_page is not None and kind == "runs":
            on_first = lambda items: first_page(_newest_first(items))  # noqa: E731
        items = await fetch_pages(client, kind, pages, path=path, limit=page_size, filters=filters,
                                  key=query.key_of, first_page=on_first)
        if kind == "vms" and hasattr(client, "hosts"):
            client.hosts.learn_all(pages.fresh)  # each VM's later calls go to its own host
        return pages.derive(items, _newest_first) if kind == "runs" else items
    if kind == "vms":
        return await collect_all(client.list_vms, "vms", limit=page_size, **filters)
    if kind == "vm":
        return await client.get_vm(vm_id)
    if kind == "sessions":
        return await collect_all(_bound(client.list_sessions, vm_id), "sessions", limit=page_size, **filters)
    if kind == "runs":
        runs = await collect_all(_bound(client.list_runs, vm_id), "runs", limit=page_size, **filters)
        return _newest_first(runs)
    if kind == "run":
        return await client.get_run(vm_id, query.item_id)
    if kind == "tunnels":
        return await collect_all(_bound(client.list_tunnels, vm_id), "tunnels", limit=page_size, **filters)
    if kind == "syncs":
        return await collect_all(_bound(client.list_syncs, vm_id), "syncs", limit=page_size, **filters)
    if kind == "filesystems":
        return await collect_all(client.list_filesystems, "filesystems", limit=page_size, **filters)
    if kind == "org_runs":
        cap = int(filters.pop("max_rows", ORG_RUNS_CAP))
        rows: list[Any] = []
        async for page in iterate_org_runs(client, page_size=min(ORG_RUNS_PAGE, cap), max_rows=cap, **filters):
            rows.extend(page.rows)
        return rows[:cap]
    raise ValueError(f"no fetcher for {kind!r}")


def _bound(method: Any, vm_id: str | None):
    """A per-VM list method with its VM filled in, in the shape collect_all wants."""
    async def call(**kwargs: Any) -> Any:
        return await method(vm_id, **kwargs)
    return call
