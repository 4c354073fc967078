"""Secrets never leave the process, and a crash leaves a redacted report.

One session with a known fake API key (checked by the emulator) and a
tunnel's one-time token; every artifact it produces (screens, SVG
screenshots, the log file, exception messages, the crash report, any file the
app wrote) is grepped for both."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fault_support import SIZE, make_app, make_backend, notifications, screen_text, wait_for

from arker_tui import crash
from arker_tui.api import models as m
from arker_tui.api.errors import ArkerError
from arker_tui.emulator import ManualClock, build_demo_world
from tests.dashboard_support import main_screen

KEY = "sk-arker-TESTKEY-5f1c2e9a7b"


@pytest.fixture
def state_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv(crash.STATE_DIR_ENV, str(tmp_path / "state"))
    monkeypatch.setenv("ARKER_TUI_CONFIG", str(tmp_path / "config" / "config.toml"))
    return tmp_path


def test_redact_masks_the_key_and_anything_that_looks_like_a_credential():
    text = (f"key {KEY}; Authorization: Bearer abc.def-123; {{'auth_token': 'tok_9f8e7d'}}; "
            "ARKER_API_KEY=zzz999; url?token=qwerty12")
    out = crash.redact(text, [KEY])
    for secret in (KEY, "abc.def-123", "tok_9f8e7d", "zzz999", "qwerty12"):
        assert secret not in out
    assert out.count("***") >= 5


async def test_a_session_leaks_neither_the_key_nor_a_tunnel_token(state_dir, capsys):
    world = build_demo_world(ManualClock())
    vm_id, _ = world.demo["long_run"]
    b = make_backend(world, api_key=KEY, emulator_key=KEY)
    app = make_app(b)
    assert not app.demo
    log_file = state_dir / "arker.log"
    handler = crash.open_log_file(log_file, app.secrets())
    artifacts: dict[str, str] = {}
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = main_screen(app)
            await wait_for(pilot, lambda: screen.vm_tree.vm_count > 0)
            tunnel = await b.repository.create_tunnel(vm_id, m.TunnelRequest(ports=[7777], auth_mode="authenticated"))
            token = tunnel.auth_token
            assert token and len(token) >= 8
            screen.vm_tree.move_cursor_to_key(vm_id)
            await wait_for(pilot, lambda: screen.selected_vm_id == vm_id)
            for number in "23456":
                await pilot.press(number)
                await pilot.pause(0.1)
                artifacts[f"screen {number}"] = screen_text(app)
            artifacts["svg"] = app.export_screenshot()
            # An error answer and an exception message.
            b.emulator.faults.update({"error_rate": 1.0, "error_status": 401})
            await wait_for(pilot, lambda: any("unauthorized" in n for n in notifications(app)))
            artifacts["error screen"] = screen_text(app)
            artifacts["error svg"] = app.export_screenshot()
            artifacts["notifications"] = "\n".join(notifications(app))
            try:
                await b.client.get_vm("vm_nope")
            except ArkerError as error:
                artifacts["exception"] = f"{error} {error!r} {error.message}"
            artifacts["reprs"] = f"{b.settings!r} {b.client!r}"
            b.emulator.faults.reset()
            logging.getLogger("arker_tui.test").info("request with Authorization: Bearer %s token=%s", KEY, token)

            def boom() -> None:
                raise RuntimeError(f"kaboom with Bearer {KEY} and auth_token={token}")

            app.call_later(boom)
            await pilot.pause(0.2)
    except RuntimeError:
        pass  # run_test re-raises the app's crash
    finally:
        crash.close_log_file(handler)
    assert app.return_code == 1 and app.crash_report is not None
    report = Path(app.crash_report)
    assert report.parent == state_dir / "state"
    text = report.read_text()
    assert "RuntimeError" in text and "kaboom" in text and "Traceback" in text
    assert "kaboom" in "".join(str(r) for r in app._exit_renderables) or not app._exit_renderables
    crash.tell_where(app.crash_report)
    artifacts["stderr"] = capsys.readouterr().err
    assert str(report) in artifacts["stderr"]
    log_text = log_file.read_text()
    assert "GET /v1/vms" in log_text and "Authorization: ***" in log_text  # written, redacted
    for path in state_dir.rglob("*"):
        if path.is_file():
            artifacts[f"file {path.name}"] = path.read_text(errors="replace")
    assert {"file arker.log", f"file {report.name}"} <= artifacts.keys()
    for name, body in artifacts.items():
        assert KEY not in body, f"the API key leaked into {name}"
        assert token not in body, f"the tunnel token leaked into {name}"


async def test_crash_report_is_written_and_the_app_exits_cleanly(state_dir):
    b = make_backend()
    app = make_app(b)
    with pytest.raises(ZeroDivisionError):
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: main_screen(app).vm_tree.vm_count > 0)
            app.call_later(lambda: 1 / 0)
            await pilot.pause(0.2)
    assert app.return_code == 1
    reports = list((state_dir / "state").glob("crash-*.txt"))
    assert reports == [Path(app.crash_report)]
    assert "ZeroDivisionError" in reports[0].read_text()
    assert oct(reports[0].stat().st_mode & 0o777) == "0o600"
