"""Jump: the command palette also finds things and goes to them.

``JumpProvider`` (a Textual command ``Provider`` of the main screen) offers
the org's VMs by name or id, the selected VM's runs by id or command, its
sessions and tunnels, and the org's filesystems, each labelled with its
kind. Choosing one goes there: a VM is selected in the tree, a run's log is
opened, any other row is selected in its pane with the focus on it.

It reads what the repository already holds (the VM tree's model and the
cached lists); lists of the selected VM not fetched yet are fetched once when
the palette opens. Names come from the server: they are shown as plain
``Content`` (never markup) after the one sanitizer.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from ..api.errors import ArkerError
from ..repository import Query
from .server_text import plain

LABEL_CELLS = 90  # a result's line is cut here: the palette is no wider
FETCH_TIMEOUT = 2.0  # seconds the palette waits for a list it has not got yet
MANY = 1000  # above this many candidates, a candidate must contain the query


@dataclass(frozen=True)
class Target:
    """One thing the palette can go to."""

    kind: str  # vm, run, session, tunnel, filesystem
    key: str  # its id in its list
    vm_id: str | None  # the VM it belongs to (None: org-wide)
    text: str  # what is matched and shown: "VM api-dev vm_3f9a…"
    help: str


def _line(*parts: Any) -> str:
    return plain("  ".join(str(p) for p in parts if p), LABEL_CELLS).plain


def vm_targets(vms: Iterable[Any]) -> list[Target]:
    return [Target("vm", vm.vm_id, vm.vm_id, _line("VM", vm.name or "", vm.vm_id), "select it in the VM tree")
            for vm in vms]


def run_targets(vm_id: str, runs: Iterable[Any]) -> list[Target]:
    return [Target("run", r.run_id, vm_id, _line("Run", r.run_id, r.command or "", r.state),
                   "open its log") for r in runs]


def session_targets(vm_id: str, sessions: Iterable[Any]) -> list[Target]:
    return [Target("session", s.session_id, vm_id, _line("Session", s.session_id, s.cwd or ""),
                   "select it in Sessions") for s in sessions]


def tunnel_targets(vm_id: str, tunnels: Iterable[Any]) -> list[Target]:
    return [Target("tunnel", t.key, vm_id, _line("Tunnel", t.key, t.url or ""), "select it in Tunnels")
            for t in tunnels]


def filesystem_targets(filesystems: Iterable[Any]) -> list[Target]:
    return [Target("filesystem", f.filesystem_id, None, _line("Filesystem", f.name or "", f.filesystem_id),
                   "select it in Filesystems") for f in filesystems]


class JumpProvider(Provider):
    """VMs, runs, sessions, tunnels and filesystems, by name or id."""

    async def startup(self) -> None:
        self.targets: list[Target] = []
        workspace = getattr(self.screen, "workspace", None)
        if workspace is None:
            return
        repo = self.app.repository  # type: ignore[attr-defined]
        vm_id = workspace.selected_vm_id
        queries: list[tuple[Query, Callable[[list[Any]], list[Target]]]] = []
        if vm_id is not None:
            queries += [(Query.runs(vm_id), lambda v: run_targets(vm_id, v)),
                        (Query.sessions(vm_id), lambda v: session_targets(vm_id, v)),
                        (Query.tunnels(vm_id), lambda v: tunnel_targets(vm_id, v))]
        queries.append((Query.filesystems(), filesystem_targets))
        values = await asyncio.gather(*(self._value(repo, query) for query, _ in queries))
        targets = vm_targets(workspace.vm_tree.vms())
        for (_, make), value in zip(queries, values, strict=True):
            targets += make(value or [])
        self.targets = targets

    @staticmethod
    async def _value(repo: Any, query: Query) -> list[Any] | None:
        """What the cache holds, else one fetch (bounded; a failure is no result)."""
        entry = repo.peek(query)
        if entry is not None and entry.value is not None:
            return entry.value
        try:
            return await asyncio.wait_for(repo.get(query), FETCH_TIMEOUT)
        except (TimeoutError, ArkerError):
            return None

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        needle = query.strip().lower()
        must_contain = len(self.targets) > MANY
        for target in self.targets:
            if must_contain and needle not in target.text.lower():
                continue
            score = matcher.match(target.text)
            if score > 0:
                yield Hit(score, self._display(matcher, target.text), self._go(target), text=target.text,
                          help=target.help)

    async def discover(self) -> Hits:
        # With nothing typed: the selected VM's own things first, not 10,000 VMs.
        shown = [t for t in self.targets if t.kind != "vm"][:20]
        for target in shown:
            yield DiscoveryHit(Content(target.text), self._go(target), text=target.text, help=target.help)

    def _display(self, matcher: Any, text: str) -> Content:
        """The line with the matched letters styled: plain Content, never markup."""
        content = Content(text)
        score, offsets = matcher.fuzzy_search.match(matcher.query, text)
        if score and matcher.match_style is not None:
            for offset in offsets:
                content = content.stylize(matcher.match_style, offset, offset + 1)
        return content

    def _go(self, target: Target) -> Callable[[], Any]:
        screen = self.screen
        return lambda: screen.run_worker(jump_to(screen, target), group="jump", exit_on_error=False)


PANE_KINDS = ("session", "tunnel", "filesystem")
TAB_NUMBERS = {"session": "3", "tunnel": "4", "filesystem": "5"}


async def jump_to(screen: Any, target: Target) -> None:
    """Go to ``target`` on the main screen: select the VM, open the run's
    log, or show the row's pane with the row selected and focused."""
    workspace = screen.workspace
    tree = workspace.vm_tree
    if target.vm_id is not None and tree.get_vm(target.vm_id) is None:
        screen.notify("That VM is no longer in the org.", severity="warning")
        return
    if target.vm_id is not None:
        if tree.filter and tree.depth_of(target.vm_id) is None:
            workspace.vm_pane.close_filter(clear=True)  # the filter hides it (and its fork tree)
        tree.reveal(target.vm_id)
        workspace.select_vm(target.vm_id)
    if target.kind == "vm":
        return
    if target.kind == "run":
        await workspace.open_run(target.vm_id, target.key)
        return
    pane = workspace.pane_of(target.kind)
    await workspace.show_pane(pane)
    await select_row(pane, target.key)


async def select_row(pane: Any, key: str, tries: int = 20) -> None:
    """Put the pane's cursor on ``key`` once its rows have arrived (they are
    delivered right after the pane is bound, or when a fetch ends)."""
    data_list = pane.data_list
    for _ in range(tries):
        if data_list.move_cursor_to_key(key):
            data_list.focus()
            return
        if pane.bound and data_list.total_count and data_list.get(key) is not None and data_list.filter:
            pane.close_filter(clear=True)  # the filter hid it
            continue
        await asyncio.sleep(0.05)
    pane.notify(f"{pane.noun.capitalize()} {key[:60]} is not in the list any more.", severity="warning")
