"""The installed `arker-tui --demo` in a real terminal (tmux): it paints VM
names, quits on `q`, and exits with status 0."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

# ARKER_TUI_SCRIPT: another installed script, e.g. the wheel's in its own venv (.ci/run).
SCRIPT = Path(os.environ.get("ARKER_TUI_SCRIPT") or Path(sys.executable).with_name("arker-tui"))

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None or not SCRIPT.exists(),
                                reason="needs tmux and the installed console script")


def capture(session: str) -> str:
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True).stdout


def wait_until(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_demo_in_tmux_shows_vms_and_quits_cleanly(tmp_path):
    session = f"arker-smoke-{uuid.uuid4().hex[:8]}"
    status_file = tmp_path / "status"
    # COLUMNS / LINES from the caller would override the tmux window's size.
    command = f"env -u COLUMNS -u LINES {SCRIPT} --demo; echo $? > {status_file}"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40", "bash", "-c", command],
                   check=True)
    try:
        # A capture can catch a frame half written: wait for the whole of it.
        assert wait_until(lambda: all(w in capture(session) for w in ("ml-train", "api-dev", "DEMO")), 30), \
            capture(session)
        subprocess.run(["tmux", "send-keys", "-t", session, "q"], check=True)
        assert wait_until(status_file.exists, 15), capture(session)
        assert status_file.read_text().strip() == "0"
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_with_a_key_it_talks_http_to_the_api_and_never_shows_the_key(tmp_path):
    """The non-demo path: a real HTTP server (the emulator on a port, requiring
    a key) and `arker-tui` configured only through the environment."""
    import os

    key = "ak_smoke_" + uuid.uuid4().hex
    port = free_port()
    env = {**os.environ, "SMOKE_KEY": key}
    server = subprocess.Popen([str(SCRIPT), "emulator", "--port", str(port), "--api-key-env", "SMOKE_KEY"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    session = f"arker-smoke-{uuid.uuid4().hex[:8]}"
    status_file = tmp_path / "status"
    command = (f"env -u COLUMNS -u LINES ARKER_API_KEY={key} ARKER_CONTROL_URL=http://127.0.0.1:{port} "
               f"ARKER_TUI_CONFIG={tmp_path / 'config.toml'} {SCRIPT}; echo $? > {status_file}")
    try:
        import urllib.request

        def up() -> bool:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_emulator/requests", timeout=1)
                return True
            except OSError:
                return False

        assert wait_until(up, 20), "the emulator server did not start"
        subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40", "bash", "-c", command],
                       check=True)
        assert wait_until(lambda: "ml-train" in capture(session), 30), capture(session)
        screen = capture(session)
        assert "DEMO" not in screen and key not in screen
        subprocess.run(["tmux", "send-keys", "-t", session, "q"], check=True)
        assert wait_until(status_file.exists, 15), capture(session)
        assert status_file.read_text().strip() == "0"
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
        server.terminate()
        server.wait(timeout=10)
