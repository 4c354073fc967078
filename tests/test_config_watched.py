"""The config file's [watched_runs] table: defaults, values, bad values
warned about (and ignored), and the app reading it."""

from __future__ import annotations

from pathlib import Path

from arker_tui.config import WatchedRunsConfig, parse_config


def test_defaults_notification_and_bell_on_desktop_and_remember_off():
    config = parse_config("", Path("config.toml"))
    assert config.watched_runs == WatchedRunsConfig(notification=True, bell=True, desktop=False, remember=False)
    assert config.problems == []


def test_values_are_read():
    text = "[watched_runs]\nnotification = false\nbell = false\ndesktop = true\nremember = true\n"
    config = parse_config(text, Path("config.toml"))
    assert config.watched_runs == WatchedRunsConfig(notification=False, bell=False, desktop=True, remember=True)
    assert config.problems == []
    assert parse_config('[watched_runs]\ndesktop = "osc777"\n', Path("c.toml")).watched_runs.desktop == "osc777"


def test_bad_values_are_warned_about_with_the_line_and_ignored():
    text = '[watched_runs]\nbell = "loud"\ndesktop = "osc52"\nsound = true\n'
    config = parse_config(text, Path("config.toml"))
    assert config.watched_runs == WatchedRunsConfig()
    problems = "\n".join(config.problems)
    assert "line 2: watched_runs.bell: expected true or false, got 'loud' (ignored)" in problems
    assert 'watched_runs.desktop: expected true or false, "osc9" or "osc777", got \'osc52\'' in problems
    assert "watched_runs.sound: unknown setting; known: notification, bell, desktop, remember" in problems
    config = parse_config("watched_runs = 3\n", Path("config.toml"))
    assert config.watched_runs == WatchedRunsConfig() and "expected a table [watched_runs]" in config.problems[0]
