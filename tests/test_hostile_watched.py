"""Hostile text in a watched run (its command, its VM's name): the end notice,
the Watched view and the desktop notification (OSC 9 / OSC 777) stay inert.
Nothing from the server can end an OSC sequence and start its own."""

from __future__ import annotations

import re

import pytest
from fault_support import SIZE, make_backend, screen_raw, wait_for

from arker_tui.config import WatchedRunsConfig
from arker_tui.emulator import ManualClock, build_demo_world
from arker_tui.emulator.shell import scripted
from arker_tui.repository.watched import WatchedRun
from arker_tui.ui.notify import desktop_protocol, desktop_sequence, ended_message, osc9, osc777
from arker_tui.ui.screens.watched import WatchedScreen
from arker_tui.ui.watched_runs import WatchedRunsKeeper
from tests.dashboard_support import main_screen
from tests.terminal_support import TellingApp, desktop_writes, recording_driver

# What a terminal would obey: ESC, BEL, NUL, other C0 and C1 controls, bidi overrides.
OBEYED = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HOSTILE = [
    "evil\x1b]0;pwned-title\x07\x1b[2J\x1b[H\x07\x1b]52;c;cm0gLXJmIH4=\x07",
    "c1\x9d9;pwned\x9c-and-st\x1b\\tail",  # 8-bit OSC and ST
    "semi;colons;777;notify;fake;title",
    "9;4;3;50",  # ConEmu / Windows Terminal progress, if it came first
    "[@click=app.quit]markup[/] [bold]x[/bold]",
    "rtl-\u202eevil\u202c-bidi",
    "x" * 10_000,
]
OSC9 = re.compile(r"\x1b\]9;arker-tui: [^\x00-\x1f\x7f-\x9f;]*\x07")
OSC777 = re.compile(r"\x1b\]777;notify;[^\x00-\x1f\x7f-\x9f;]*;[^\x00-\x1f\x7f-\x9f;]*\x07")


@pytest.mark.parametrize("text", HOSTILE)
def test_osc_payloads_from_hostile_text_are_one_whole_sequence(text):
    run = WatchedRun("vm_1", "run_1", vm_name=text, command=text, state="failed", exit_code=1,
                     started_at="2026-01-01T00:00:00Z", completed_at="2026-01-01T00:01:00Z")
    for sequence in (osc9(text), desktop_sequence("osc9", run)):
        assert OSC9.fullmatch(sequence), repr(sequence)
        assert len(sequence) < 300
    for sequence in (osc777(text, text), desktop_sequence("osc777", run)):
        assert OSC777.fullmatch(sequence), repr(sequence)
    message = ended_message(run, "^o", "^w")
    assert not OBEYED.search(message.replace("\n", " ")), repr(message)
    assert len(message) < 400


def test_desktop_protocol_is_only_sent_where_known_or_asked():
    assert desktop_protocol(False, {"TERM_PROGRAM": "iTerm.app"}) is None
    assert desktop_protocol(True, {"TERM_PROGRAM": "iTerm.app"}) == "osc9"
    assert desktop_protocol(True, {"TERM": "xterm-kitty"}) == "osc9"
    assert desktop_protocol(True, {"TERM": "foot"}) == "osc777"
    assert desktop_protocol(True, {"TERM": "xterm-256color", "VTE_VERSION": "7600"}) == "osc777"
    assert desktop_protocol(True, {"TERM": "xterm-256color"}) is None
    assert desktop_protocol(True, {"TERM_PROGRAM": "iTerm.app", "TMUX": "/tmp/tmux-0/default"}) is None
    assert desktop_protocol("osc9", {"TMUX": "/tmp/tmux-0/default"}) == "osc9"  # asked for: sent


async def test_a_hostile_watched_run_ending_shows_inert_text_everywhere():
    world = build_demo_world(ManualClock())
    vm = world.add_vm(HOSTILE[0] + "-vm", vcpu_count=1, memory_mib=1024)
    command = HOSTILE[4] + HOSTILE[0] + HOSTILE[1]
    run = world.add_run(vm, command, program=scripted("hostile", [(0.0, "out", "hi\n")], 2.0, exit_code=9))
    backend = make_backend(world)
    driver = recording_driver()
    app = TellingApp(backend.repository, settings=backend.settings, demo=True)
    app.watched_runs = WatchedRunsKeeper(app, WatchedRunsConfig(desktop="osc9"))
    app.driver_class = driver
    async with app.run_test(size=SIZE, headless=False) as pilot:
        screen = main_screen(app)
        await wait_for(pilot, lambda: screen.vm_tree.get_vm(vm.vm_id) is not None)
        await screen.open_run(vm.vm_id, run.run_id)
        await wait_for(pilot, lambda: screen.run_view.run is not None)
        await pilot.press("ctrl+w")
        await wait_for(pilot, lambda: isinstance(app.screen, WatchedScreen) and app.screen.list.total_count == 1)
        world.clock.advance(3)
        await wait_for(pilot, lambda: desktop_writes(driver), what="the desktop notification")
        (sequence,) = desktop_writes(driver)
        assert OSC9.fullmatch(sequence), repr(sequence)
        assert "pwned" not in sequence or "\x1b]0;pwned" not in sequence
        await wait_for(pilot, lambda: app.screen.list.items()[0].ended)
        await pilot.pause(0.1)
        raw = screen_raw(app)
        assert not OBEYED.search(raw), repr(OBEYED.search(raw))
        assert "[@click=app.quit]markup[/]" in raw  # shown as typed (in the row and the notice), not run
        (title, message, severity), = [t for t in app.told if t[0].startswith("Watched run")]
        assert severity == "error" and not OBEYED.search(message.replace("\n", " "))
        assert app.is_running
