"""The VM's Sessions, Tunnels and Syncs panes, and the org's Filesystems."""

from __future__ import annotations

import webbrowser

from rich.text import Text

from ...api import models as m
from ...repository import Query
from .. import format as fmt
from .. import sort_keys as by
from ..actions import bindings
from ..intents import OpenConsole
from ..terminal_text import safe_label
from .data_list import Column, DataList
from .list_pane import ListPane

PENDING = Text("⌛ deleting", style="bold yellow")


class SessionsPane(ListPane):
    kind = "session"
    noun = "session"
    empty_text = "No sessions on this VM. Runs use the default session; press x to run a command."

    BINDINGS = bindings("sessions")

    def make_list(self) -> DataList:
        return DataList(
            [Column("SESSION", 0, 12, sort=lambda s: s.session_id),
             Column("IDX", 4, justify="right", hide_below=60, sort=lambda s: by.number(s.session_idx)),
             Column("STATE", 11, sort=lambda s: by.text(s.state)),
             Column("CWD", 0, 8, ratio=2, sort=lambda s: by.text(s.cwd)),
             Column("ENV", 4, justify="right", sort=lambda s: len(s.env or {})),
             Column("STARTED", 15, hide_below=70, sort=lambda s: by.time(s.started_at))],
            key_of=lambda s: s.session_id,
            render_row=self.render_session,
            sort_key=lambda s: (s.session_idx, s.session_id),
            sort_by="IDX",
            empty_text=self.empty_text,
        )

    def make_query(self, vm_id: str | None) -> Query | None:
        return Query.sessions(vm_id) if vm_id else None

    def render_session(self, s: m.Session) -> list:
        state = PENDING if self.pending_of(s.session_id) else fmt.session_state(s.state)
        return [safe_label(s.session_id), str(s.session_idx), state, safe_label(s.cwd or "-"),
                str(len(s.env or {})), fmt.ago(s.started_at)]

    def action_open(self) -> None:
        """enter: the session's console (its env is in the console's header, and behind i)."""
        session = self.cursor_item
        if session is None or self.vm_id is None:
            return
        self.post_message(OpenConsole(self.vm_id, session.session_id))


class TunnelsPane(ListPane):
    kind = "tunnel"
    noun = "tunnel"
    empty_text = "No tunnels on this VM. Press n to open one."
    has_times = False

    BINDINGS = bindings("tunnels")

    def make_list(self) -> DataList:
        return DataList(
            [Column("PORT", 6, justify="right", sort=lambda t: by.number(t.port)),
             Column("STATE", 11, sort=lambda t: by.text(t.state)),
             Column("VISIBILITY", 10, hide_below=90, sort=lambda t: by.text(t.visibility)),
             Column("PROTO", 6, hide_below=100, sort=lambda t: by.text(t.protocol)),
             Column("AUTH", 13, hide_below=70, sort=lambda t: by.text(t.auth_mode or "open")),
             Column("URL", 0, 10, ratio=3, sort=lambda t: by.text(t.url)),
             Column("MESSAGE", 0, 8, hide_below=110, sort=lambda t: by.text(t.message))],
            key_of=lambda t: t.key,
            render_row=self.render_tunnel,
            sort_key=lambda t: t.port,
            sort_by="PORT",
            empty_text=self.empty_text,
        )

    def make_query(self, vm_id: str | None) -> Query | None:
        return Query.tunnels(vm_id) if vm_id else None

    def render_tunnel(self, t: m.Tunnel) -> list:
        state = PENDING if self.pending_of(t.key) else fmt.tunnel_state(t.state)
        return [str(t.port), state, safe_label(t.visibility), safe_label(t.protocol),
                safe_label(t.auth_mode or "open"), safe_label(t.url or "-"), safe_label(t.message or "")]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_url" and self.filter_input is not None and self.filter_input.has_focus:
            return False  # o is a letter of the filter there
        return super().check_action(action, parameters)

    def _selected_url(self) -> str | None:
        tunnel = self.cursor_item
        if tunnel is None:
            self.notify("No tunnel selected.", severity="warning")
            return None
        if not tunnel.url:
            self.notify(f"Tunnel on port {tunnel.port} has no URL yet ({tunnel.state}).", severity="warning")
            return None
        return safe_label(tunnel.url)

    def action_copy_url(self) -> None:
        url = self._selected_url()
        if url:
            self.app.copy_to_clipboard(url)
            self.notify(f"Copied {url}")

    def action_open_url(self) -> None:
        url = self._selected_url()
        if url:
            opened = webbrowser.open(url) if url.startswith(("http://", "https://")) else False
            self.notify(f"Opened {url}" if opened else f"No browser here; the URL is {url}")


class SyncsPane(ListPane):
    kind = "sync"
    noun = "sync"
    empty_text = "No filesystems mounted in this VM."
    has_times = False

    BINDINGS = bindings("syncs")

    def make_list(self) -> DataList:
        return DataList(
            [Column("SYNC", 0, 10, sort=lambda s: s.sync_id),
             Column("FILESYSTEM", 0, 10, sort=lambda s: by.text(self.filesystem_name(s.filesystem_id)),
                    sort_cached=False),  # the name comes from the filesystems list
             Column("MOUNT PATH", 0, 10, sort=lambda s: by.text(s.path))],
            key_of=lambda s: s.sync_id,
            render_row=self.render_sync,
            sort_key=lambda s: s.path,
            sort_by="MOUNT PATH",
            empty_text=self.empty_text,
        )

    def make_query(self, vm_id: str | None) -> Query | None:
        return Query.syncs(vm_id) if vm_id else None

    def filesystem_name(self, filesystem_id: str) -> str:
        entry = self.repo.peek(Query.filesystems())
        for fs in (entry.value if entry and entry.value else []):
            if fs.filesystem_id == filesystem_id:
                return fs.name or filesystem_id
        return filesystem_id

    def render_sync(self, s: m.Sync) -> list:
        name = self.filesystem_name(s.filesystem_id)
        label = Text(safe_label(s.sync_id)) if not self.pending_of(s.sync_id) else PENDING
        return [label, safe_label(name), safe_label(s.path)]


class FilesystemsPane(ListPane):
    kind = "filesystem"
    noun = "filesystem"
    empty_text = "No filesystems in this org. Press n to create one."
    vm_scoped = False

    BINDINGS = bindings("filesystems")

    def make_list(self) -> DataList:
        return DataList(
            [Column("NAME", 0, 10, sort=lambda f: by.text(f.name)), Column("ID", 0, 10, hide_below=70,
                                                                           sort=lambda f: f.filesystem_id),
             Column("SIZE", 10, justify="right", sort=lambda f: by.number(f.size_bytes)),
             Column("REGION", 0, 8, hide_below=90, sort=lambda f: by.text(f"{f.region or '-'} / {f.provider or '-'}")),
             Column("CREATED", 15, hide_below=60, sort=lambda f: by.time(f.created_at))],
            key_of=lambda f: f.filesystem_id,
            render_row=self.render_filesystem,
            sort_key=lambda f: (f.name or "", f.filesystem_id),
            sort_by="NAME",
            empty_text=self.empty_text,
        )

    def make_query(self, vm_id: str | None) -> Query | None:
        return Query.filesystems()

    def render_filesystem(self, f: m.Filesystem) -> list:
        name = PENDING if self.pending_of(f.filesystem_id) else safe_label(f.name or "-")
        where = f"{f.region or '-'} / {f.provider or '-'}"
        return [name, safe_label(f.filesystem_id), fmt.size_bytes(f.size_bytes), safe_label(where),
                fmt.ago(f.created_at)]
