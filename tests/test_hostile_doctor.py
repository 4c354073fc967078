"""Server text in doctor's report (names, values, field names, error
messages) arrives inert: no escape sequence or control character reaches
the terminal, in words or in JSON."""

from __future__ import annotations

import json

import pytest

from arker_tui.api import models as m
from arker_tui.cli import main
from arker_tui.doctor_schema import audit
from tests.doctor_support import KEY, start_emulator, stop_emulator

HOSTILE = "\x1b]8;;http://evil\x07click\x1b]8;;\x07\x1b[2J[bold red]x[/]\x07\r"


@pytest.fixture
def served(tmp_path, monkeypatch):
    emulator = start_emulator()
    monkeypatch.setenv("ARKER_TUI_CONFIG", str(emulator.profile(tmp_path / "config.toml")))
    monkeypatch.setenv("ARKER_TUI_KEYRING", "0")
    monkeypatch.setenv("ARKER_API_KEY", KEY)
    monkeypatch.delenv("ARKER_PROFILE", raising=False)
    yield emulator
    stop_emulator(emulator)


def _inert(text: str) -> bool:
    return not any(ord(ch) < 32 and ch != "\n" or 0x7f <= ord(ch) < 0xa0 for ch in text)


def test_hostile_names_and_error_messages_stay_inert(served, capsys):
    served.faults(text_suffix=HOSTILE, path_prefix="/v1/vms")
    main(["doctor", "--profile", "emulator"])
    words = capsys.readouterr().out
    assert "serves VM" in words and "click" in words  # the names are shown ...
    assert _inert(words)  # ... without their escapes
    served.reset_faults()
    served.faults(error_rate=1.0, error_status=500, error_message=HOSTILE, path_prefix="/v1/filesystems")
    main(["doctor", "--profile", "emulator"])
    words = capsys.readouterr().out
    assert "filesystems" in words and _inert(words)
    main(["doctor", "--profile", "emulator", "--json"])
    assert _inert(json.dumps(json.loads(capsys.readouterr().out), ensure_ascii=False))


def test_hostile_field_names_and_enum_values_stay_inert():
    _, findings = audit(m.Vm, {"vm_id": "v", "state": "run" + HOSTILE, "x" + HOSTILE: 1})
    assert findings.unknown_fields and findings.unknown_values
    assert all(_inert(s) for s in findings.sentences())
