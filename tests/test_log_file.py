"""``--log FILE``: created with mode 0600, never written through a symbolic link."""

from __future__ import annotations

import logging
import os
import stat

import pytest

from arker_tui import cli, crash
from arker_tui.ui.app import ArkerApp


def _log_line(handler, text="hello from the test"):
    logging.getLogger("arker_tui.test").warning(text)
    handler.flush()


def test_the_log_file_is_created_with_mode_0600(tmp_path):
    old = os.umask(0o022)
    try:
        path = tmp_path / "debug.log"
        handler = crash.open_log_file(path, ["ak_secret_1234"])
        _log_line(handler, "key ak_secret_1234")
        crash.close_log_file(handler)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert "key ***" in text and "ak_secret_1234" not in text


def test_an_existing_log_is_appended_to_and_narrowed_to_0600(tmp_path):
    path = tmp_path / "debug.log"
    path.write_text("earlier\n")
    os.chmod(path, 0o644)
    handler = crash.open_log_file(path)
    _log_line(handler)
    crash.close_log_file(handler)
    assert path.read_text().startswith("earlier\n") and "hello from the test" in path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_symlinked_log_path_is_refused_and_its_target_untouched(tmp_path):
    target = tmp_path / "victim"
    target.write_text("precious\n")
    link = tmp_path / "debug.log"
    link.symlink_to(target)
    with pytest.raises(crash.LogFileRefused, match="symbolic link"):
        crash.open_log_file(link)
    assert target.read_text() == "precious\n"
    dangling = tmp_path / "dangling.log"
    dangling.symlink_to(tmp_path / "would-be-created")
    with pytest.raises(crash.LogFileRefused, match="symbolic link"):
        crash.open_log_file(dangling)
    assert not (tmp_path / "would-be-created").exists()


def test_a_log_path_that_is_not_a_file_is_refused(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(crash.LogFileRefused, match="not a regular file"):
        crash.open_log_file(fifo)


def test_the_cli_refuses_a_symlinked_log_with_a_message(tmp_path, capsys, monkeypatch):
    target = tmp_path / "victim"
    target.write_text("precious\n")
    link = tmp_path / "debug.log"
    link.symlink_to(target)
    monkeypatch.setenv("ARKER_TUI_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.delenv("ARKER_API_KEY", raising=False)
    ran = []
    monkeypatch.setattr(ArkerApp, "run", lambda app, *a, **k: ran.append(app))
    assert cli.main(["--demo", "--log", str(link)]) == 2
    assert not ran
    err = capsys.readouterr().err
    assert "arker-tui: --log: " in err and "is a symbolic link" in err
    assert target.read_text() == "precious\n"
