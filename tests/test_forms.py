"""Pilot tests of the action forms against the emulator: each checks the
emulator's state afterwards (and that nothing was sent when it must not be)."""

from __future__ import annotations

import logging

from forms_support import running_app, screen_text, select_vm, settle

from arker_tui.api import models as m
from arker_tui.repository import Query
from arker_tui.ui.actions import ACTIONS
from arker_tui.ui.forms.filesystems import MountForm, NewFilesystemForm
from arker_tui.ui.forms.fork import ForkForm
from arker_tui.ui.forms.output_view import OutputView
from arker_tui.ui.forms.read_file import ReadFileForm
from arker_tui.ui.forms.release import ReleaseForm
from arker_tui.ui.forms.resize import ResizeForm
from arker_tui.ui.forms.run_command import RunCommandForm
from arker_tui.ui.forms.sessions import NewSessionForm, SignalForm
from arker_tui.ui.forms.tunnels import NewTunnelForm, TokenDialog
from arker_tui.ui.screens.confirm import ConfirmDialog
from arker_tui.ui.screens.main import MainScreen
from tests.dashboard_support import main_screen


def tunnel_on(vm, port: int):
    return next(t for t in vm.tunnels.values() if t.port == port)


async def open_form(pilot, app, key: str, cls):
    await pilot.press(key)
    await pilot.pause()
    assert isinstance(app.screen, cls), f"{key} opened {type(app.screen).__name__}"
    return app.screen


async def submit(pilot, app, until):
    await pilot.press("ctrl+s")
    await settle(pilot, app, until)


# --- fork ---------------------------------------------------------------------------


async def test_fork_selected_vm_with_resources_selects_the_new_vm():
    async with running_app() as (app, pilot, emulator, world):
        source = await select_vm(app, pilot, world, "api-dev")
        form = await open_form(pilot, app, "f", ForkForm)
        form.query_one("#fork-name").value = "api-dev-big"
        form.query_one("#fork-vcpu").value = "4"
        form.query_one("#fork-memory").value = "8192"
        form.query_one("#fork-disk-mib").value = "30720"
        form.query_one("#fork-durable").value = True
        form.query_one("#fork-network").value = "blocked"
        await submit(pilot, app, lambda: isinstance(app.screen, MainScreen))
        vm = world.find_vm_by_name("api-dev-big")
        assert vm is not None
        assert (vm.vcpu_count, vm.memory_mib, vm.disk_mib, vm.durable) == (4, 8192, 30720, True)
        assert vm.network == "blocked"
        assert vm.root_source_vm_id == (source.root_source_vm_id or source.vm_id)
        tree = main_screen(app).vm_tree
        assert tree.selected_vm is not None and tree.selected_vm.vm_id == vm.vm_id
        assert main_screen(app).selected_vm_id == vm.vm_id


async def test_fork_public_golden_with_allow_list():
    async with running_app() as (app, pilot, emulator, world):
        await select_vm(app, pilot, world, "worker-1")
        form = await open_form(pilot, app, "f", ForkForm)
        form.query_one("#fork-source").value = "golden:ubuntu-py-repl"
        form.query_one("#fork-name").value = "repl-1"
        form.query_one("#fork-network").value = "allow"
        await pilot.pause()
        assert form.query_one("#row-hosts").display
        assert form.field_error("hosts") == ""  # not called wrong before the user gets to it
        assert form.submit_button.disabled
        await pilot.press("ctrl+s")  # a submit shows every error and focuses the first
        await pilot.pause()
        assert "Allowed hosts" in form.field_error("hosts")
        assert form.focused is form.query_one("#fork-hosts")
        assert emulator.count("fork") == 0
        form.query_one("#fork-hosts").value = "github.com, pypi.org"
        await submit(pilot, app, lambda: isinstance(app.screen, MainScreen))
        vm = world.find_vm_by_name("repl-1")
        golden = world.find_vm_by_name("ubuntu-py-repl", m.ARKER_ORG_ID)
        assert vm.root_source_vm_id == golden.vm_id
        assert vm.network == {"type": "allow", "hosts": ["github.com", "pypi.org"]}


async def test_fork_by_typed_name_and_api_error_keeps_the_form():
    async with running_app() as (app, pilot, emulator, world):
        await select_vm(app, pilot, world, "worker-1")
        form = await open_form(pilot, app, "f", ForkForm)
        form.query_one("#fork-source").value = "typed"
        await pilot.pause()
        assert form.field_error("source_ref") == ""
        form.query_one("#fork-source-ref").focus()
        await pilot.press("tab")  # left empty: now it is said
        await pilot.pause()
        assert "Source name / id: required" == form.field_error("source_ref")
        form.query_one("#fork-source-ref").value = "scratch"
        form.query_one("#fork-name").value = "worker-2"  # taken: the API says conflict
        await submit(pilot, app, lambda: bool(form.api_error))
        assert app.screen is form
        assert form.api_error.startswith("conflict:")
        assert form.query_one("#fork-source-ref").value == "scratch"  # nothing lost
        form.query_one("#fork-name").value = "scratch-3"
        await submit(pilot, app, lambda: isinstance(app.screen, MainScreen))
        assert world.find_vm_by_name("scratch-3").root_source_vm_name == "arkuntu"


async def test_fork_with_authenticated_tunnel_shows_token_once():
    async with running_app() as (app, pilot, emulator, world):
        await select_vm(app, pilot, world, "api-dev")
        form = await open_form(pilot, app, "f", ForkForm)
        form.query_one("#fork-name").value = "tunnelled"
        form.query_one("#fork-ports").value = "8080"
        await pilot.pause()
        form.query_one("#fork-auth").value = "authenticated"
        await submit(pilot, app, lambda: isinstance(app.screen, TokenDialog))
        vm = world.find_vm_by_name("tunnelled")
        token = tunnel_on(vm, 8080).auth_token
        assert token and token in screen_text(app)
        await pilot.press("escape")  # not copied: one esc only asks
        await pilot.pause()
        assert isinstance(app.screen, TokenDialog)
        assert "Copied it? It will not be shown again." in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert token not in screen_text(app)
        cached = app.repository.peek(Query.vms()).value
        assert all(t.auth_token is None for v in cached for t in v.tunnels)


# --- run a command ------------------------------------------------------------------


async def test_foreground_run_shows_output_and_exit_code():
    async with running_app() as (app, pilot, emulator, world):
        vm = await select_vm(app, pilot, world, "api-dev")
        before = world.runs_created
        await open_form(pilot, app, "x", RunCommandForm)
        await pilot.press(*"echo hello-forms")
        await pilot.press("enter")
        await settle(pilot, app, lambda: isinstance(app.screen, OutputView))
        assert world.runs_created == before + 1
        view = app.screen
        assert view.log_view.plain_lines() == ["hello-forms"]
        assert "exit 0" in screen_text(app)
        assert any(r.command == "echo hello-forms" for r in vm.runs.values())


async def test_background_run_opens_in_the_run_log():
    async with running_app() as (app, pilot, emulator, world):
        vm = await select_vm(app, pilot, world, "worker-1")
        form = await open_form(pilot, app, "x", RunCommandForm)
        form.query_one("#run-command").value = "sleep 300"
        form.query_one("#run-background").value = True
        await submit(pilot, app, lambda: isinstance(app.screen, MainScreen))
        run = next(r for r in vm.runs.values() if r.command == "sleep 300")
        main = main_screen(app)
        await settle(pilot, app, lambda: main.run_view_open)
        assert main.run_view.run_id == run.run_id


async def test_retried_run_submission_reuses_its_idempotency_key():
    async with running_app() as (app, pilot, emulator, world):
        vm = await select_vm(app, pilot, world, "worker-1")
        before = world.runs_created
        form = await open_form(pilot, app, "x", RunCommandForm)
        form.query_one("#run-command").value = "sleep 300"
        form.query_one("#run-background").value = True
        # The server starts the run but its answer is lost (truncated body).
        emulator.faults.update({"malformed_rate": 1.0, "path_prefix": f"/v1/vms/{vm.vm_id}/run"})
        await submit(pilot, app, lambda: bool(form.api_error))
        assert world.runs_created == before + 1
        emulator.faults.reset()
        await submit(pilot, app, lambda: isinstance(app.screen, MainScreen))
        assert world.runs_created == before + 1  # the retry returned the same run
        assert len(form.keys_used) == 2 and form.keys_used[0] == form.keys_used[1]
        assert sum(1 for r in vm.runs.values() if r.command == "sleep 300") == 1


async def test_changed_request_gets_a_new_key_and_history_walks_back():
    async with running_app() as (app, pilot, emulator, world):
        await select_vm(app, pilot, world, "worker-1")
        form = await open_form(pilot, app, "x", RunCommandForm)
        form.query_one("#run-command").value = "echo one"
        await submit(pilot, app, lambda: isinstance(app.screen, OutputView))
        await pilot.press("escape")
        form2 = await open_form(pilot, app, "x", RunCommandForm)
        form2.query_one("#run-command").value = "echo two"
        await submit(pilot, app, lambda: isinstance(app.screen, OutputView))
        await pilot.press("escape")
        assert form.keys_used != form2.keys_used
        form3 = await open_form(pilot, app, "x", RunCommandForm)
        command = form3.query_one("#run-command")
        await pilot.press("up")
        assert command.value == "echo two"
        await pilot.press("up")
        assert command.value == "echo one"
        await pilot.press("down", "down")
        assert command.value == ""
        # History is per VM.
        await pilot.press("escape")
        await select_vm(app, pilot, world, "worker-2")
        form4 = await open_form(pilot, app, "x", RunCommandForm)
        await pilot.press("up")
        assert form4.query_one("#run-command").value == ""


async def test_run_with_session_and_release_after():
    async with running_app() as (app, pilot, emulator, world):
        vm = await select_vm(app, pilot, world, "api-dev")
        session = next(s for s in vm.sessions.values() if s.session_idx == 1)  # cwd /workspace
        before = world.runs_created
        form = await open_form(pilot, app, "x", RunCommandForm)
        choices = [value for _, value in form.query_one("#run-session")._options]
        assert session.session_id in choices
        form.query_one("#run-command").value = "echo $APP_ENV"
        form.query_one("#run-session").value = session.session_id
        form.query_one("#run-release-cpu").value = True
        form.query_one("#run-release-memory").value = True
        await pilot.pause()
        request = form.build()
        assert (request.release, request.session_id) == ("cpu,memory", session.session_id)
        await submit(pilot, app, lambda: isinstance(app.screen, OutputView))
        assert world.runs_created == before + 1
        run = next(r for r in vm.runs.values() if r.command == "echo $APP_ENV")
        assert run.session_id == session.session_id
        assert app.screen.log_view.plain_lines() == ["dev"]


async def test_k_in_the_sessions_filter_is_a_letter():
    async with running_app() as (app, pilot, emulator, world):
        await select_vm(app, pilot, world, "api-dev")
        await pilot.press("3", "slash", "k")
        await pilot.pause()
        pane = main_screen(app).query_one("#sessions-pane")
        assert isinstance(app.screen, MainScreen)
        assert pane.filter_input.value == "k"


async def test_run_validation_sends_nothing():
    async with running_app() as (app, pilot, emulator, world):
        await select_vm(app, pilot, world, "api-dev")  # max_vcpus 8, memory 512..16384
        form = await open_form(pilot, app, "x", RunCommandForm)
        assert form.field_error("command") == ""  # untouched
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert form.field_error("command") == "Command: required"
        assert emulator.count("run") == 0
        form.query_one("#run-command").value = "echo hi"
        for field, widget, bad, label in (
            ("timeout", "#run-timeout", "-3", "Timeout s"),
            ("vcpu", "#run-vcpu", "9", "vCPU"),
            ("memory", "#run-memory", "256", "Memory MiB"),
            ("disk", "#run-disk", "lots", "Disk MiB"),
        ):
            form.query_one(widget).value = bad
            await pilot.pause()
            assert form.field_error(field).startswith(label + ":"), form.field_error(field)
            assert form.submit_button.disabled
            await pilot.press("ctrl+s")
            await pilot.pause()
            form.query_one(widget).value = ""
        assert emulator.count("run") == 0
        assert app.screen is form


# --- sessions -----------------------------------------------------------------------


async def test_new_session_env_validation_then_create():
    async with running_app() as (app, pilot, emulator, world):
        vm = await select_vm(app, pilot, world, "worker-1")
        await pilot.press("3")
        form = await open_form(pilot, app, "n", NewSessionForm)
        env = form.query_one("#session-env")
        for text, expected in (
            ("A=1\nnot a pair", "Env: line 2 has no '='"),
            ("1BAD=x", "Env: line 1: '1BAD' is not a valid name"),
            ("=x", "Env: line 1 has no key before '='"),
            ("A=1\nA=2", "Env: line 2: A is set twice"),
        ):
            env.text = text
            await pilot.pause()
            assert form.field_error("env").startswith(expected), form.field_error("env")
            assert form.submit_button.disabled
            await pilot.press("ctrl+s")
        form.query_one("#session-cwd").value = "relative/dir"
        await pilot.pause()
        assert form.field_error("cwd").startswith("Working dir: must be an absolute path")
        assert emulator.count("create_session") == 0
        form.query_one("#session-cwd").value = "/srv/app"
        env.text = "APP_ENV=test\n# a comment\nGREETING=hello world"
        await submit(pilot, app, lambda: isinstance(app.screen, MainScreen))
        made = [s for s in vm.sessions.values() if s.cwd == "/srv/app"]
        assert len(made) == 1 and made[0].env == {"APP_ENV": "test", "GREETING": "hello world"}


async def test_signal_a_session_after_confirming():
    async with running_app() as (app, pilot, emulator, world):
        vm = await select_vm(app, pilot, world, "worker-1")
        session = next(iter(vm.sessions.values()))
        run = world.add_run(vm, "sleep 1000", session=session)
        main = main_screen(app)
        await pilot.press("3")
        pane = main.query_one("#sessions-pane")
        await settle(pilot, app, lambda: pane.data_list.cursor_item is not None)
        form = await open_form(pilot, app, "k", SignalForm)
        form.query_one("#signal-choice").value = "SIGTERM"
        await pilot.press("ctrl+s")
        await settle(pilot, app, lambda: isinstance(app.screen, ConfirmDialog))
        assert session.session_id in screen_text(app)
        await pilot.press("y")
        await settle(pilot, app, lambda: isinstance(app.screen, MainScreen))
        state, _, exit_code, _ = run.status(world.now())
        assert (state, exit_code) == ("completed", 128 + 15)


async def test_signal_backed_out_sends_nothing():
    async with running_app() as (app, pilot, emulator, world):
        await select_vm(app, pilot, world, "worker-1")
        await pilot.press("3")
        pane = main_screen(app).query_one("#sessions-pane")
        await settle(pilot, app, lambda: pane.data_list.cursor_item is not None)
        await open_form(pilot, app, "k", SignalForm)
        await pilot.press("ctrl+s")
        await settle(pilot, app, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("n")
        await settle(pilot, app, lambda: isinstance(app.screen, MainScreen))
        assert emulator.count("run") == 0


# --- tunnels ------------------------------------------------------------------------


async def test_authenticated_tunnel_token_shown_once_never_kept(caplog):
    caplog.set_level(logging.DEBUG)
    async with running_app() as (app, pilot, emulator, world):
        vm = await select_vm(app, pilot, world, "worker-1")
        await pilot.press("4")
        form = await open_form(pilot, app, "n", NewTunnelForm)
        for bad, expected in (("0", "Ports: 0 is outside 1..65535"), ("80,80", "Ports: 80 is listed twice"),
                              ("http", "Ports: 'http' is not a port number")):
            form.query_one("#tunnel-ports").value = bad
            await pilot.pause()
            assert form.field_error("ports").startswith(expected)
            assert form.submit_button.disabled
        form.query_one("#tunnel-ports").value = ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert form.field_error("ports").startswith("Ports: at least one port")
        assert emulator.count("create_tunnel") == 0
        form.query_one("#tunnel-ports").value = "9000"
        form.query_one("#tunnel-auth").value = "authenticated"
        await submit(pilot, app, lambda: isinstance(app.screen, TokenDialog))
        token = tunnel_on(vm, 9000).auth_token
        assert token and token in screen_text(app)
        assert "will not be shown again" in screen_text(app)
        await pilot.press("c")
        assert app.clipboard == token
        await pilot.press("escape")  # copied: one esc closes
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert token not in screen_text(app)
        assert app.clipboard != token  # the app's own copy is dropped
        assert all(token not in str(n.message) and token not in str(n.title) for n in app._notifications)
        assert token not in caplog.text
        cached = app.repository.peek(Query.tunnels(vm.vm_id))
        assert cached is not None and any(t.port == 9000 for t in cached.value)
        assert all(t.auth_token is None for t in cached.value)
        assert token not in repr(app.repository._entries)


# --- filesystems ----------------------------------------------------------------------


async def test_create_filesystem_and_mount_it():
    async with running_app() as (app, pilot, emulator, world):
        vm = await select_vm(app, pilot, world, "worker-1")
        await pilot.press("5")
        form = await open_form(pilot, app, "n", NewFilesystemForm)
        assert form.field_error("name") == ""  # untouched
        form.query_one("#fs-name").value = "bad name"
        await pilot.pause()
        assert form.field_error("name") == "Name: ' ' is not allowed (letters, digits, '.', '_', '-')"
        await pilot.press("ctrl+s")
        assert emulator.count("create_filesystem") == 0
        form.query_one("#fs-name").value = "datasets-x"
        await submit(pilot, app, lambda: isinstance(app.screen, MainScreen))
        fs = next(f for f in world.filesystems.values() if f.name == "datasets-x")
        pane = main_screen(app).query_one("#filesystems-pane")
        await settle(pilot, app, lambda: pane.data_list.get(fs.filesystem_id) is not None)
        pane.data_list.move_cursor_to_key(fs.filesystem_id)
        pane.data_list.focus()
        form = await open_form(pilot, app, "m", MountForm)
        assert form.query_one("#mount-path").value == "/mnt/datasets-x"
        form.query_one("#mount-path").value = "mnt/x"
        await pilot.pause()
        assert form.field_error("path") == "Mount path: must be an absolute path (start with '/')"
        await pilot.press("ctrl+s")
        assert emulator.count("create_sync") == 0
        form.query_one("#mount-path").value = "/data/x"
        await submit(pilot, app, lambda: isinstance(app.screen, MainScreen))
        assert [(s.filesystem_id, s.path) for s in vm.syncs.values()] == [(fs.filesystem_id, "/data/x")]


# --- resize -----------------------------------------------------------------------------


async def test_resize_refused_above_ceiling_then_applied():
    async with running_app() as (app, pilot, emulator, world):
        vm = await select_vm(app, pilot, world, "worker-1")  # 4 vCPU, max 8; memory 512..16384
        form = await open_form(pilot, app, "R", ResizeForm)
        for widget, field, bad, expected in (
            ("#resize-vcpu", "vcpu", "99", "vCPU: 99 is above the ceiling 8 (max_vcpus)"),
            ("#resize-memory", "memory", "32768", "Memory MiB: 32768 MiB is above the ceiling 16384 (max_memory_mib)"),
            ("#resize-memory", "memory", "256", "Memory MiB: 256 MiB is below the floor 512 (min_memory_mib)"),
            ("#resize-disk", "disk", "0", "Disk MiB: 0 is below the minimum 1"),
            ("#resize-disk", "disk", "999999999", "Disk MiB: 999999999 is above the ceiling 67108864 (64 TiB)"),
        ):
            old = form.query_one(widget).value
            form.query_one(widget).value = bad
            await pilot.pause()
            assert form.field_error(field) == expected
            assert form.submit_button.disabled
            await pilot.press("ctrl+s")
            await pilot.pause()
            form.query_one(widget).value = old
        await pilot.pause()
        assert form.field_error("vcpu").startswith("vCPU: nothing to change")
        assert emulator.count("resize") == 0
        form.query_one("#resize-vcpu").value = "8"
        await submit(pilot, app, lambda: isinstance(app.screen, MainScreen))
        assert emulator.count("resize") == 1
        assert vm.vcpu_count == 8


# --- read a file ----------------------------------------------------------------------------


async def test_read_text_binary_and_large_files():
    async with running_app() as (app, pilot, emulator, world):
        vm = await select_vm(app, pilot, world, "worker-1")
        form = await open_form(pilot, app, "v", ReadFileForm)
        form.query_one("#read-path").value = "etc/hostname"
        await pilot.pause()
        assert form.field_error("path").startswith("Path: must be an absolute path")
        form.query_one("#read-path").value = "/etc/hostname"
        await submit(pilot, app, lambda: isinstance(app.screen, OutputView))
        assert app.screen.log_view.plain_lines() == ["worker-1"]
        await pilot.press("escape")

        await open_form(pilot, app, "v", ReadFileForm)
        app.screen.query_one("#read-path").value = "/home/user/data.bin"
        await submit(pilot, app, lambda: isinstance(app.screen, OutputView))
        data = vm.files["/home/user/data.bin"]
        lines = app.screen.log_view.plain_lines()
        assert "binary" in screen_text(app) and "4,096 bytes" in screen_text(app)
        assert lines[0].startswith("00000000  " + " ".join(f"{b:02x}" for b in data[:16]))
        assert len(lines) == 4096 // 16
        await pilot.press("escape")

        big = vm.files["/var/log/app.log"]
        assert len(big) > 256 * 1024  # above the inline limit: the presigned path
        await open_form(pilot, app, "v", ReadFileForm)
        app.screen.query_one("#read-path").value = "/var/log/app.log"
        await submit(pilot, app, lambda: isinstance(app.screen, OutputView))
        assert app.screen.log_view.plain_lines() == big.decode().splitlines()
        await pilot.press("escape")

        await open_form(pilot, app, "v", ReadFileForm)
        app.screen.query_one("#read-path").value = "/no/such/file"
        await submit(pilot, app, lambda: bool(app.screen.api_error))
        assert app.screen.api_error.startswith("not_found:")


# --- release ----------------------------------------------------------------------------------


async def test_release_idle_vm_and_refuse_running_one():
    async with running_app() as (app, pilot, emulator, world):
        await select_vm(app, pilot, world, "api-dev")  # running
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert any("is running" in str(n.message) for n in app._notifications)
        vm = await select_vm(app, pilot, world, "worker-1")
        assert vm.state(world.now()) == "idle"
        before = world.runs_created
        form = await open_form(pilot, app, "L", ReleaseForm)
        for kind in ("cpu", "memory", "disk"):
            form.query_one(f"#release-{kind}").value = False
        await pilot.pause()
        assert form.field_error("kinds").startswith("Resources: tick at least one")
        await pilot.press("ctrl+s")
        assert emulator.count("run") == 0
        form.query_one("#release-memory").value = True
        form.query_one("#release-disk").value = True
        await submit(pilot, app, lambda: isinstance(app.screen, MainScreen))
        assert emulator.count("run") == 1
        assert world.runs_created == before  # an ack, not a run
        assert any("Released memory,disk" in str(n.message) for n in app._notifications)


# --- read-only ----------------------------------------------------------------------------------


async def test_readonly_hides_every_mutating_action():
    async with running_app(readonly=True) as (app, pilot, emulator, world):
        await select_vm(app, pilot, world, "worker-1")
        for key in ("f", "x", "R", "L"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, MainScreen), key
        for pane, keys in (("3", ("n", "k")), ("4", ("n",)), ("5", ("n", "m"))):
            await pilot.press(pane)
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
                assert isinstance(app.screen, MainScreen), (pane, key)
        footer_keys = {b.action for _, b, enabled, _ in app.screen.active_bindings.values() if enabled}
        assert not footer_keys & {"fork", "run_command", "resize", "release", "new", "signal", "mount"}
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert "Read a file from the selected VM…" in titles
        mutating = {a.command for a in ACTIONS if a.mutating and a.command}
        assert mutating and not titles & mutating
        await pilot.press("1", "v")  # reading is not a change
        await pilot.pause()
        assert isinstance(app.screen, ReadFileForm)
        assert emulator.count("fork") == emulator.count("run") == emulator.count("resize") == 0


async def test_palette_has_every_action_when_writable():
    async with running_app() as (app, pilot, emulator, world):
        titles = {c.title for c in app.get_system_commands(app.screen)}
        for title in ("Fork a VM…", "Run a command in the selected VM…", "Resize the selected VM…",
                      "Release the selected VM's resources…", "New session…", "Signal the selected session…",
                      "New tunnel…", "New filesystem…", "Mount the selected filesystem into the selected VM…",
                      "Read a file from the selected VM…"):
            assert title in titles


async def test_write_a_file_then_read_it_back():
    from arker_tui.ui.forms.write_file import WriteFileForm

    async with running_app() as (app, pilot, emulator, world):
        vm = await select_vm(app, pilot, world, "worker-1")
        form = await open_form(pilot, app, "W", WriteFileForm)
        form.query_one("#write-path").value = "notes.txt"
        form.query_one("#write-content").text = "hello from arker-tui\n"
        await pilot.pause()
        assert form.field_error("path").startswith("Path: must be an absolute path")
        assert form.submit_button.disabled and emulator.count("sync_file") == 0
        form.query_one("#write-path").value = "/home/user/notes.txt"
        await submit(pilot, app, lambda: not isinstance(app.screen, WriteFileForm))
        assert vm.files["/home/user/notes.txt"] == b"hello from arker-tui\n"
        assert emulator.count("sync_file") == 1
        assert any("Wrote 21 bytes" in n.message for n in app._notifications)


async def test_write_is_refused_read_only():
    async with running_app(readonly=True) as (app, pilot, emulator, world):
        await select_vm(app, pilot, world, "worker-1")
        await pilot.press("W")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and emulator.count("sync_file") == 0
