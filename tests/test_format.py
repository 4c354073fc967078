"""Unit tests of the shared formatting helpers (arker_tui.ui.format)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from rich.text import Text

from arker_tui.api.models import Vm
from arker_tui.ui import format as fmt

NOW = datetime(2026, 11, 29, 16, 50, 13, tzinfo=timezone.utc)


def styles(text: Text) -> str:
    return str(text.style)


# --- times ---------------------------------------------------------------------


def test_parse_time_variants():
    assert fmt.parse_time("2026-11-29T16:50:13Z") == NOW
    assert fmt.parse_time("2026-11-29T16:50:13+00:00") == NOW
    assert fmt.parse_time("2026-11-29T16:50:13") == NOW  # naive means UTC
    assert fmt.parse_time("2026-11-29T17:50:13+01:00") == NOW
    assert fmt.parse_time(NOW.timestamp()) == NOW
    assert fmt.parse_time(NOW.timestamp() * 1000) == NOW
    for bad in (None, "", "  ", "yesterday", "2026-13-45T99:00:00Z", [], {}, True, 1e30):
        assert fmt.parse_time(bad) is None


def test_ago():
    assert fmt.ago("2026-11-29T16:47:13Z", now=NOW) == "3 minutes ago"
    assert fmt.ago("2026-11-29T15:50:13Z", now=NOW) == "an hour ago"
    assert fmt.ago("2026-11-29T16:50:13Z", now=NOW) == "now"
    assert "from now" in fmt.ago("2026-11-29T16:55:13Z", now=NOW)
    assert fmt.ago(None, now=NOW) == "-"
    assert fmt.ago("not a time", now=NOW) == "-"
    assert fmt.ago("0001-01-01T00:00:00Z", now=NOW) != ""  # very old: no crash
    # Without `now`, the real clock is used.
    assert fmt.ago(datetime.now(timezone.utc).isoformat()) == "now"


def test_exact_time_is_local_and_labelled(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    import time

    time.tzset()
    try:
        assert fmt.exact_time("2026-11-29T16:50:13Z") == "2026-11-29 16:50:13 UTC"
        assert fmt.exact_time("2026-11-29T17:50:13+01:00") == "2026-11-29 16:50:13 UTC"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert fmt.exact_time(None) == "-"
    assert fmt.exact_time("garbage") == "-"


@pytest.mark.parametrize(
    "start,end,expected",
    [
        ("2026-11-29T16:00:00Z", "2026-11-29T16:00:14Z", "14s"),
        ("2026-11-29T16:00:00Z", "2026-11-29T16:04:12Z", "4m 12s"),
        ("2026-11-29T16:00:00Z", "2026-11-29T17:02:00Z", "1h 02m"),
        ("2026-11-26T12:00:00Z", "2026-11-29T16:00:00Z", "3d 4h"),
        ("2026-11-29T16:00:10Z", "2026-11-29T16:00:00Z", "0s"),  # clock skew: no negatives
        (None, "2026-11-29T16:00:00Z", "-"),
        ("2026-11-29T16:00:00Z", "bad", "-"),
        ("bad", None, "-"),
    ],
)
def test_duration(start, end, expected):
    assert fmt.duration(start, end, now=NOW) == expected


def test_duration_ticks_when_running():
    assert fmt.duration("2026-11-29T16:46:01Z", None, now=NOW) == "4m 12s"
    later = datetime(2026, 11, 29, 16, 50, 23, tzinfo=timezone.utc)
    assert fmt.duration("2026-11-29T16:46:01Z", None, now=later) == "4m 22s"


# --- sizes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "value,expected",
    [(512, "512 MiB"), (4096, "4 GiB"), (1536, "1.5 GiB"), (1024 * 1024 * 2, "2 TiB"), (0, "0 MiB"),
     (None, "-"), ("lots", "-"), (float("nan"), "-"), (True, "-")],
)
def test_mib(value, expected):
    assert fmt.mib(value) == expected


def test_size_bytes():
    assert fmt.size_bytes(1536) == "1.5 KiB"
    assert fmt.size_bytes(3 * 1024**3) == "3.0 GiB"
    assert fmt.size_bytes(0) == "0 Bytes"
    assert fmt.size_bytes(None) == "-"
    assert fmt.size_bytes("x") == "-"


def test_cpu_mem():
    assert fmt.cpu_mem(Vm(vm_id="a", vcpu_count=2, memory_mib=4096)) == "2c 4G"
    assert fmt.cpu_mem(Vm(vm_id="a", vcpu_count=1, memory_mib=512)) == "1c 512M"
    assert fmt.cpu_mem(Vm(vm_id="a", vcpu_count=4, memory_mib=1536)) == "4c 1.5G"
    assert fmt.cpu_mem(Vm(vm_id="a", vcpu_count=2)) == "2c"
    assert fmt.cpu_mem(Vm(vm_id="a")) == "-"
    assert fmt.cpu_mem(object()) == "-"


# --- states ---------------------------------------------------------------------


def test_vm_and_session_states():
    idle = fmt.vm_state("idle")
    assert idle.plain == "○ idle" and "dim" in styles(idle)
    running = fmt.vm_state("running")
    assert running.plain == "● running" and "green" in styles(running)
    pending = fmt.vm_state("running", pending="deleting")
    assert pending.plain == "⌛ deleting" and "yellow" in styles(pending)
    assert fmt.vm_state("running", label=False).plain == "●"
    assert fmt.session_state("idle").plain == "○ idle"


def test_run_states():
    assert fmt.run_state("running").plain == "● running"
    assert "cyan" in styles(fmt.run_state("running"))
    ok = fmt.run_state("completed", 0)
    assert ok.plain == "✔ completed" and "green" in styles(ok)
    nonzero = fmt.run_state("completed", 2)
    assert nonzero.plain == "✔ completed" and "green" not in styles(nonzero) and "yellow" in styles(nonzero)
    failed = fmt.run_state("failed")
    assert failed.plain == "✖ failed" and "red" in styles(failed)
    cancelled = fmt.run_state("cancelled")
    assert cancelled.plain == "⊘ cancelled" and "yellow" in styles(cancelled)
    assert fmt.run_state("completed", "weird").plain == "✔ completed"


def test_tunnel_states():
    assert fmt.tunnel_state("starting").plain == "◌ starting"
    assert "yellow" in styles(fmt.tunnel_state("starting"))
    assert fmt.tunnel_state("open").plain == "● open"
    assert "green" in styles(fmt.tunnel_state("open"))
    assert fmt.tunnel_state("closed").plain == "○ closed"


@pytest.mark.parametrize("helper", [fmt.vm_state, fmt.run_state, fmt.tunnel_state, fmt.session_state])
def test_unknown_states_are_shown_with_a_neutral_glyph(helper):
    assert helper("hibernating").plain == "? hibernating"
    assert helper(None).plain == "? -"
    assert helper(42).plain == "? 42"
    hostile = helper("\x1b[31mevil\x07" + "x" * 500).plain
    assert "\x1b" not in hostile and "\x07" not in hostile and len(hostile) <= 26


def test_exit_code():
    assert fmt.exit_code(None).plain == "-"
    assert fmt.exit_code(0).plain == "0" and "green" in styles(fmt.exit_code(0))
    assert fmt.exit_code(137).plain == "137" and "yellow" in styles(fmt.exit_code(137))
    assert fmt.exit_code("sig").plain == "sig"


# --- text ------------------------------------------------------------------------


def test_clean_strips_controls_and_bidi_overrides():
    assert fmt.clean("a\x1b[2Jb\x07c\x9bd\x7f") == "a[2Jbcd"
    assert fmt.clean("line1\nline2\tx") == "line1 line2 x"
    assert fmt.clean("\u202eevil\u202c") == "evil"
    assert fmt.clean("שלום 🎉 👩‍💻") == "שלום 🎉 👩‍💻"  # RTL text, emoji and ZWJ stay
    assert fmt.clean(None) == ""
    assert fmt.clean(12) == "12"


def test_trim():
    assert fmt.trim("python   train.py\n--epochs 3", 100) == "python train.py --epochs 3"
    assert fmt.trim("abcdef", 4) == "abc…"
    assert fmt.trim("abcd", 4) == "abcd"
    assert fmt.trim("x" * 10_000_000, 10) == "x" * 9 + "…"
    assert fmt.trim(None, 5) == ""
    assert fmt.trim("abc", 0) == ""
    assert "\x1b" not in fmt.trim("\x1b]52;c;ZXZpbA==\x07cmd", 50)
