"""The console's logic without a screen: history (per VM, capped, on disk
only when turned on, mode 0600), the history cursor and ctrl+r search, the
prompt and built-ins, the words for endings and failures, the config switch,
and the repository's run without an immediate refresh."""

from __future__ import annotations

import json
import stat

from arker_tui.api import models as m
from arker_tui.api.errors import ArkerError
from arker_tui.config import load_config
from arker_tui.repository import Query
from arker_tui.ui.console import words
from arker_tui.ui.console.history import ConsoleHistory, HistoryCursor, HistorySearch, history_path
from arker_tui.ui.console.prompt import builtin, prompt_text, running_badge, short_cwd
from tests.test_repository_mutations import env  # noqa: F401  (the fixture)
from tests.test_repository_support import Recorder


def test_history_is_per_vm_capped_and_skips_repeats_and_blanks():
    history = ConsoleHistory(cap=3)
    for command in ("ls", "ls", "  ", "pwd", "cd /tmp", "make"):
        history.add("vm_a", command)
    history.add("vm_b", "top")
    assert history.commands("vm_a") == ["pwd", "cd /tmp", "make"]
    assert history.commands("vm_b") == ["top"]
    assert history.commands("vm_c") == []


def test_history_stays_in_memory_unless_turned_on(tmp_path):
    assert history_path(False, tmp_path) is None
    history = ConsoleHistory(history_path(False, tmp_path))
    history.add("vm_a", "export TOKEN=secret")
    assert list(tmp_path.iterdir()) == []


def test_history_on_disk_is_private_and_read_back(tmp_path):
    path = history_path(True, tmp_path)
    history = ConsoleHistory(path)
    history.add("vm_a", "echo one")
    history.add("vm_a", "echo two")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text()) == {"vm_a": ["echo one", "echo two"]}
    assert ConsoleHistory(path).commands("vm_a") == ["echo one", "echo two"]


def test_a_broken_history_file_starts_empty(tmp_path):
    path = tmp_path / "console-history.json"
    path.write_text("{not json")
    assert ConsoleHistory(path).commands("vm_a") == []
    path.write_text(json.dumps({"vm_a": ["ok", 3, None, ""], "vm_b": "nope"}))
    history = ConsoleHistory(path)
    assert history.commands("vm_a") == ["ok"] and history.commands("vm_b") == []


def test_the_cursor_walks_back_and_forth_and_keeps_the_draft():
    cursor = HistoryCursor(["a", "b", "c"])
    assert cursor.step("dra", +1) is None
    assert [cursor.step("dra", -1) for _ in range(4)] == ["c", "b", "a", None]
    assert [cursor.step("", +1) for _ in range(4)] == ["b", "c", "dra", None]
    assert HistoryCursor([]).step("x", -1) is None


def test_search_is_newest_first_any_case_each_once():
    history = ConsoleHistory()
    for command in ("make test", "ls", "MAKE build", "make test"):
        history.add("vm_a", command)
    search = HistorySearch(history, "vm_a", "make")
    assert [search.next(), search.next(), search.next()] == ["make test", "MAKE build", None]
    assert "2 of 2" in search.words()
    assert "no match" in HistorySearch(history, "vm_a", "zzz").words()


def test_prompt_builtins_and_the_running_badge():
    assert prompt_text("api-dev", "/tmp") == "api-dev:/tmp$"
    assert prompt_text("api-dev", "") == "api-dev:/$"
    assert short_cwd("/" + "d/" * 40, 12).startswith("…") and len(short_cwd("/" + "d/" * 40, 12)) == 12
    assert [builtin(x) for x in ("clear", " exit ", "exit 1", "clear; ls", "ls")] == \
        ["clear", "exit", None, None, None]
    assert running_badge(75, 14).plain == "● 1m 15s      "  # the long words do not fit 14 cells
    assert running_badge(3, 20).plain.rstrip() == "● running 3s" and running_badge(3, 20).cell_len == 20
    assert running_badge(3, 6).plain == "● 3s  "


def test_endings_in_words():
    def done(**fields):
        return words.ending(m.CompletedRunResponse(**fields))

    assert done(exit_code=0) is None
    assert done(exit_code=2) == "✖ exit 2"
    assert done(exit_code=130) == "^C interrupted (SIGINT, exit 130)"
    assert done(exit_code=137) == "✖ ended by SIGKILL (exit 137)"
    assert done(state="failed", fail_reason="host lost") == "✖ the platform failed the run: host lost"


def test_failures_in_words():
    assert "busy" in words.failure(ArkerError("conflict", "session busy"))
    assert "gone" in words.failure(ArkerError("not_found", "vm x not found"))
    assert "at most once" in words.failure(ArkerError("network_error", "timed out"))
    assert "does not support signals" in words.signal_failure(ArkerError("unsupported_operation", "no"), "SIGINT")


def test_the_config_file_turns_history_on_disk_on(tmp_path):
    path = tmp_path / "config.toml"
    assert load_config(path).console_history is False
    path.write_text("console_history = true\n")
    assert load_config(path).console_history is True
    path.write_text('console_history = "yes"\n')
    config = load_config(path)
    assert config.console_history is False and any("console_history" in p for p in config.problems)


async def test_a_run_without_refresh_fetches_nothing_until_told(env):  # noqa: F811
    q = Query.sessions("vm_beta")
    env.repo.subscribe(q, Recorder())
    await env.tick(0)
    before = env.count("list_sessions")
    await env.repo.run("vm_beta", m.RunRequest(command="echo hi"), refresh=False)
    await env.tick(0)
    assert env.count("list_sessions") == before
    env.repo.refresh_after_run("vm_beta")
    await env.tick(0)
    assert env.count("list_sessions") == before + 1


def test_a_background_run_from_the_console_goes_to_the_watched_runs_registry():
    from arker_tui.ui.screens.console_signals import watch_background_run

    class Registry:
        def __init__(self) -> None:
            self.calls: list[tuple] = []

        def watch(self, vm_id, run_id, **names):
            self.calls.append((vm_id, run_id, names))

    class Repo:
        watched = Registry()

    vm = m.Vm(vm_id="vm_1", name="api-dev")
    assert watch_background_run(Repo(), vm, "run_9", "make test") is True
    assert Repo.watched.calls == [("vm_1", "run_9", {"vm_name": "api-dev", "command": "make test",
                                                     "origin": "started"})]
    assert watch_background_run(object(), vm, "run_9", "make test") is False  # no registry here
