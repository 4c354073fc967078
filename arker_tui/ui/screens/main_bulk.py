"""The main screen's bulk actions: ``d`` (and ``c`` in Runs) on every marked
row of a list, after one confirmation.

``BulkActions`` is part of ``MainScreen`` (its controller). With marks in the
list the key came from, the action works on the marks instead of the row
under the cursor: one dialog names the targets (and, for VMs, what goes with
them); once confirmed, every target shows pending at once, at most four
requests are in flight, each row shows its own result, and a summary names
every failure. Failed rows keep their marks; nothing is retried.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from ...api.errors import ArkerError
from ...repository import Query
from ...repository.bulk import Outcome, run_bounded
from .. import format as fmt
from ..actions import Action
from ..server_text import error_text
from ..targets import Target, current_item, gone_reason, item_target, short_id, vm_target
from ..widgets.data_list import DataList
from .confirm import BulkConfirmDialog, BulkConfirmRequest

BULK_KINDS = ("vm", "run", "session", "tunnel", "sync", "filesystem")
# What goes with the items of each kind (VMs say it with counts: vm_consequences).
GOES_WITH = {"session": "their shells end", "tunnel": "their URLs stop answering",
             "sync": "each filesystem is unmounted from its path; its data stays",
             "filesystem": "VMs that mount them lose the mount"}
NAMED_FAILURES = 5  # the summary names this many failures, then counts the rest


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def delete_call(repo: Any, target: Target) -> Awaitable[object]:
    """The repository call that deletes (or unmounts) one target."""
    kind = target.kind
    if kind == "vm":
        return repo.delete_vm(target.key)
    if kind == "filesystem":
        return repo.delete_filesystem(target.key)
    method = {"session": repo.delete_session, "tunnel": repo.delete_tunnel, "sync": repo.delete_sync}[kind]
    return method(target.vm_id, target.key)


def vm_consequences(repo: Any, targets: list[Target]) -> list[str]:
    """How many sessions, running runs and tunnels go with these VMs."""
    vms = [t.item for t in targets]
    sessions = sum(len(vm.sessions) for vm in vms)
    tunnels = sum(len(vm.tunnels) for vm in vms)
    running, unknown = 0, 0
    for vm in vms:
        entry = repo.peek(Query.runs(vm.vm_id))
        if entry is not None and entry.value is not None:
            running += sum(r.state == "running" for r in entry.value)
        elif vm.state == "running":
            unknown += 1
    lines = []  # what goes with them, only what there is (as the one-VM dialog says it)
    if sessions:
        lines.append(plural(sessions, "session") + (" end" if sessions != 1 else " ends"))
    runs = plural(running, "running run") + (" stop" if running != 1 else " stops")
    if unknown:  # runs not fetched yet: say so rather than guess a number
        on = f"{plural(unknown, 'running VM')} (not listed yet)"
        runs = f"every run of {on} stops" if not running else f"{runs}, and every run of {on}"
    if running or unknown:
        lines.append(runs)
    if tunnels:
        lines.append(plural(tunnels, "tunnel") + (" close" if tunnels != 1 else " closes"))
    return lines + ["their syncs are unmounted; the filesystems' data stays"]


class BulkActions:
    """What ``MainScreen`` needs: ``app``, ``workspace``, ``notify``, ``run_worker``."""

    def marked_list(self: Any, kind: str) -> tuple[DataList, Any] | None:
        """The list (and its pane) the action's key belongs to, when it has marks."""
        workspace = self.workspace
        if kind == "vm":
            tree = workspace.vm_tree
            return (tree, workspace.vm_pane) if tree.mark_count else None
        if kind not in BULK_KINDS:
            return None
        pane = workspace.pane_of(kind)
        if not pane.data_list.mark_count or not workspace.is_shown(pane):
            return None
        return pane.data_list, pane

    async def bulk_if_marked(self: Any, act: Action) -> bool:
        """Run ``act`` on the marks of its list, if it has any (True: handled)."""
        found = self.marked_list(act.target)
        if found is None or act.handler not in ("delete", "cancel_run"):
            return False
        data_list, pane = found
        if act.target == "vm":
            targets = [vm_target(vm) for vm in data_list.marked_items()]
        else:
            vm = self.workspace.shown_vm if pane.vm_scoped else None
            targets = [item_target(act.target, pane.query_key, item, vm) for item in data_list.marked_items()]
        repo = self.app.repository
        if act.handler == "cancel_run":
            running = [t for t in targets if t.item.state == "running"]
            ended = len(targets) - len(running)
            if not running:
                self.notify(f"None of the {plural(len(targets), 'marked run')} is running: nothing to cancel.",
                            severity="warning")
                return True
            lines = [f"{plural(ended, 'marked run')} already ended and {'is' if ended == 1 else 'are'} left alone"
                     ] if ended else []
            request = BulkConfirmRequest("Cancel", tuple(running), tuple(lines))
            self.confirm_bulk(request, data_list, lambda t: repo.cancel_run(t.vm_id, t.key), "cancelled",
                              still_running=True)
            return True
        if act.target == "vm":
            lines = vm_consequences(repo, targets)
        elif act.target == "filesystem":
            size = sum(t.item.size_bytes or 0 for t in targets)
            lines = [f"{fmt.size_bytes(size)} of data is deleted", GOES_WITH["filesystem"]]
        else:
            lines = [GOES_WITH[act.target]]
        verb = "Unmount" if act.target == "sync" else "Delete"
        self.confirm_bulk(BulkConfirmRequest(verb, tuple(targets), tuple(lines)), data_list,
                          lambda t: delete_call(repo, t), "unmounted" if verb == "Unmount" else "deleted")
        return True

    def confirm_bulk(self: Any, request: BulkConfirmRequest, data_list: DataList,
                     send: Callable[[Target], Awaitable[object]], done: str, *, still_running: bool = False) -> None:
        """Ask once; only a confirmed dialog sends, each target re-checked just before its request."""
        repo = self.app.repository

        def check(target: Target) -> str | None:
            reason = gone_reason(repo, target)
            if reason is None and still_running:
                current = current_item(repo, target)
                if current is not None and current.state != "running":
                    reason = f"the run already ended ({fmt.trim(current.state, 24)})"
            return reason

        def show(outcome: Outcome[Target]) -> None:
            key = outcome.target.key
            if outcome.ok:
                data_list.set_marked([key], False)  # done: a row still listed (a cancelled run) is unmarked
            else:
                data_list.set_row_state(key, "failed")  # the mark stays, for a retry

        async def run_it(confirmed: bool | None) -> None:
            if not confirmed:
                return
            targets = list(request.targets)
            for target in targets:
                data_list.set_row_state(target.key, "pending")
            outcomes = await run_bounded(targets, send, check=check, on_outcome=show)
            self.notify_bulk(request, done, outcomes)

        def on_dismiss(confirmed: bool | None) -> None:
            self.run_worker(run_it(confirmed), group="mutations", exit_on_error=False)

        self.app.push_screen(BulkConfirmDialog(request), on_dismiss)

    def notify_bulk(self: Any, request: BulkConfirmRequest, done: str, outcomes: list[Outcome[Target]]) -> None:
        """ "deleted 11 of 12 VMs", then each failure with the API's error in words."""
        ok = sum(o.ok for o in outcomes)
        failed = [o for o in outcomes if not o.ok]
        lines = [f"{done} {ok} of {len(outcomes)} {request.kind}"]
        for outcome in failed[:NAMED_FAILURES]:
            target = outcome.target
            why = error_text(outcome.error) if isinstance(outcome.error, ArkerError) else \
                f"nothing sent: {outcome.skipped}"
            lines.append(f"✖ {fmt.trim(target.name, 40)} ({short_id(target.key, 24)}): {why}")
        if len(failed) > NAMED_FAILURES:
            lines.append(f"and {len(failed) - NAMED_FAILURES} more failed (still marked)")
        elif failed:
            lines.append("Failed rows keep their marks: press the key again to retry them.")
        self.notify("\n".join(lines), title=f"{request.verb} {request.kind}",
                    severity="error" if failed else "information", timeout=12 if failed else 5)
