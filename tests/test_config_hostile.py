"""Saving into the config survives any valid TOML and keeps a symlinked
config a link."""

from __future__ import annotations

import datetime as dt
import os
import stat
import tomllib

import pytest

from arker_tui.config import ConfigError, Profiles, set_config_value

TOML = """\
# arker-tui config
theme = "textual-dark"
released = 1979-05-27T07:32:00-08:00
local = 1979-05-27T07:32:00
day = 1979-05-27
at = 07:32:00
big = 1e400
special = [inf, -inf]

[profiles.default]
region = "us-west-2"
"""


def test_a_theme_save_survives_toml_datetimes_and_every_other_value(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(TOML)
    before = tomllib.loads(TOML)
    set_config_value(path, (), "theme", "nord")
    after = tomllib.loads(path.read_text())
    assert after.pop("theme") == "nord"
    before.pop("theme")
    assert after == before
    assert after["released"] == dt.datetime(1979, 5, 27, 7, 32, tzinfo=dt.timezone(dt.timedelta(hours=-8)))


def test_the_save_theme_path_does_not_crash_on_a_datetime(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(TOML)
    from arker_tui.config import load_config

    profiles = Profiles(load_config(path, env={}), env={})
    profiles.save_theme("gruvbox")
    assert tomllib.loads(path.read_text())["theme"] == "gruvbox"


def test_saving_through_a_symlinked_config_keeps_the_link(tmp_path):
    real = tmp_path / "dotfiles" / "arker.toml"
    real.parent.mkdir()
    real.write_text(TOML)
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    set_config_value(link, (), "theme", "nord")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert tomllib.loads(real.read_text())["theme"] == "nord"
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert [p.name for p in real.parent.iterdir()] == ["arker.toml"]  # no temporary file left


def test_a_dangling_config_link_is_refused_with_a_message(tmp_path):
    link = tmp_path / "config.toml"
    link.symlink_to(tmp_path / "gone.toml")
    with pytest.raises(ConfigError, match="symbolic link to .*gone.toml, which does not exist"):
        set_config_value(link, (), "theme", "nord")
    assert link.is_symlink() and not (tmp_path / "gone.toml").exists()
