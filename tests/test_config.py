"""Config file and profiles: loading, precedence, api_key_env, errors,
permission warning, theme persistence, keymap, switching profile in the app."""

from __future__ import annotations

import os
import stat
import tomllib

import pytest

from arker_tui import cli
from arker_tui.backend import open_demo
from arker_tui.config import ConfigError, Overrides, Profiles, config_path, load_config
from arker_tui.emulator import build_demo_world
from arker_tui.emulator.clock import ManualClock
from arker_tui.repository import Query
from arker_tui.settings import Settings
from arker_tui.ui.app import ArkerApp
from arker_tui.ui.keymap import check_keymap
from arker_tui.ui.screens.activity import ActivityScreen
from arker_tui.ui.screens.main import MainScreen
from tests.dashboard_support import main_screen

SAMPLE = """\
# arker-tui config: hand-written, with comments
default_profile = "work"  # the usual one

[profiles.work]
api_key_env = "WORK_ARKER_KEY"   # the key stays in the environment
region = "eu-west-1"
provider = "aws-burst"
base_url = "https://compute.example.test"
refresh = 5
[profiles.work.intervals]
org_runs = 30
[profiles.work.keymap]
"app.activity" = "b"

[profiles.play]
region = "us-east-1"
theme = "dracula"
"""


def write(tmp_path, text: str, mode: int = 0o600):
    path = tmp_path / "config.toml"
    path.write_text(text)
    os.chmod(path, mode)
    return path


def profiles_for(path, env=None, **overrides) -> Profiles:
    env = {"ARKER_TUI_CONFIG": str(path), **(env or {})}
    return Profiles(load_config(env=env), Overrides(**overrides), env=env)


def test_config_path_env_override_and_cli_prints_it(tmp_path, capsys, monkeypatch):
    assert config_path({"ARKER_TUI_CONFIG": str(tmp_path / "x.toml")}) == tmp_path / "x.toml"
    default = config_path({})
    assert default.name == "config.toml" and "arker-tui" in str(default)
    monkeypatch.setenv("ARKER_TUI_CONFIG", str(tmp_path / "elsewhere.toml"))
    assert cli.main(["--print-config-path"]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "elsewhere.toml")


def test_profile_loading(tmp_path):
    profiles = profiles_for(write(tmp_path, SAMPLE), env={"WORK_ARKER_KEY": "ak_work_secret"})
    assert profiles.config.problems == []
    assert profiles.names == ["play", "work"]
    resolved = profiles.resolve()  # default_profile
    s = resolved.settings
    assert resolved.profile == s.profile == "work"
    assert s.api_key == "ak_work_secret"
    assert (s.region, s.provider, s.base_url) == ("eu-west-1", "aws-burst", "https://compute.example.test")
    assert resolved.intervals.lists == 5 and resolved.intervals.org_runs == 30
    assert resolved.intervals.filesystems == 10  # untouched default
    assert resolved.keymap == {"app.activity": "b"}
    play = profiles.resolve("play")
    assert play.settings.region == "us-east-1" and play.settings.api_key is None and play.settings.demo
    assert play.theme == "dracula" and play.keymap == {}


def test_precedence_cli_over_env_over_profile_over_defaults(tmp_path):
    path = write(tmp_path, SAMPLE)
    base = {"WORK_ARKER_KEY": "k"}
    # profile over defaults
    assert profiles_for(path, base).resolve().settings.region == "eu-west-1"
    # environment over profile
    env = {**base, "ARKER_REGION": "ap-south-1", "ARKER_BASE_URL": "https://env.example.test",
           "ARKER_API_KEY": "ak_env"}
    resolved = profiles_for(path, env).resolve()
    assert resolved.settings.region == "ap-south-1"
    assert resolved.settings.base_url == "https://env.example.test"
    assert resolved.settings.api_key == "ak_env"
    assert any("ARKER_API_KEY from the environment" in w for w in resolved.warnings)
    # CLI over environment
    resolved = profiles_for(path, env, region="sa-east-1", provider="aws", refresh=1.5).resolve()
    assert (resolved.settings.region, resolved.settings.provider) == ("sa-east-1", "aws")
    assert resolved.intervals.lists == 1.5
    # --profile over ARKER_PROFILE over default_profile
    assert profiles_for(path, {"ARKER_PROFILE": "play"}).resolve().profile == "play"
    assert profiles_for(path, {"ARKER_PROFILE": "play"}, profile="work").resolve().profile == "work"
    # no file at all: plain defaults
    defaults = profiles_for(tmp_path / "missing.toml").resolve()
    assert defaults.profile == "default" and defaults.settings.region == "us-west-2"
    assert defaults.settings.provider == "aws" and defaults.keymap == {} and defaults.theme is None


def test_api_key_env_unset_is_a_warning_and_a_key_in_the_file_is_discouraged(tmp_path):
    resolved = profiles_for(write(tmp_path, SAMPLE)).resolve()
    assert resolved.settings.api_key is None
    assert any("WORK_ARKER_KEY" in w and "not set" in w for w in resolved.warnings)
    inline = write(tmp_path, '[profiles.x]\napi_key = "ak_inline"\n')
    profiles = profiles_for(inline)
    assert profiles.resolve("x").settings.api_key == "ak_inline"
    assert any("api_key_env" in p for p in profiles.config.problems)
    assert "ak_inline" not in repr(profiles.resolve("x"))


def test_unknown_profile_is_a_clear_error_listing_known_ones(tmp_path, capsys, monkeypatch):
    path = write(tmp_path, SAMPLE)
    with pytest.raises(ConfigError, match=r"unknown profile 'nope'.*: play, work"):
        profiles_for(path, profile="nope").resolve()
    with pytest.raises(ConfigError, match="unknown profile 'env-one'"):
        profiles_for(path, {"ARKER_PROFILE": "env-one"}).resolve()
    monkeypatch.setenv("ARKER_TUI_CONFIG", str(path))
    monkeypatch.setattr(ArkerApp, "run", lambda self, *a, **k: pytest.fail("the app must not start"))
    assert cli.main(["--profile", "nope"]) == 2
    err = capsys.readouterr().err
    assert "unknown profile 'nope'" in err and "play, work" in err and str(path) in err


def test_parse_error_names_file_and_line_and_falls_back_to_defaults(tmp_path):
    path = write(tmp_path, 'theme = "nord"\n[profiles.work]\nregion = eu-west-1\n')
    profiles = profiles_for(path, profile="work")
    assert profiles.config.error.startswith(f"{path}, line 3")
    assert "using the defaults" in profiles.config.error
    resolved = profiles.resolve()  # no exception: the app still starts
    assert resolved.settings.region == "us-west-2" and resolved.theme is None
    bad_value = write(tmp_path, '[profiles.work]\nregion = "x"\nrefresh = "fast"\n')
    problems = profiles_for(bad_value).config.problems
    assert any(f"{bad_value}, line 3: profiles.work.refresh" in p and "'fast'" in p for p in problems)


def test_world_readable_config_gets_a_warning(tmp_path):
    path = write(tmp_path, SAMPLE, mode=0o644)
    problems = load_config(path).problems
    assert any("accessible by other users" in p and "0644" in p and "chmod 600" in p for p in problems)
    os.chmod(path, 0o600)
    assert load_config(path).problems == []


def test_cli_prints_config_warnings_on_stderr_before_the_app_starts(tmp_path, capsys, monkeypatch):
    path = write(tmp_path, '[profiles.default]\nregion = "eu-west-1"\n', mode=0o644)
    monkeypatch.setenv("ARKER_TUI_CONFIG", str(path))
    monkeypatch.delenv("ARKER_API_KEY", raising=False)
    monkeypatch.delenv("ARKER_PROFILE", raising=False)
    started = []

    def fake_run(app, *args, **kwargs):
        started.append(app)
        assert "accessible by other users" in capsys.readouterr().err  # printed first

    monkeypatch.setattr(ArkerApp, "run", fake_run)
    assert cli.main(["--demo"]) == 0
    app = started[0]
    assert app.settings.region == "eu-west-1"
    assert app.profiles.resolved.profile == "default" and app.profiles.profiles.config.path == path


def make_app(profiles: Profiles | None, name: str | None = None, **settings_kw) -> ArkerApp:
    resolved = profiles.resolve(name) if profiles else None
    settings = resolved.settings if resolved else Settings(**settings_kw)
    backend = open_demo(settings, world=build_demo_world(ManualClock()))
    return ArkerApp(backend.repository, settings=backend.settings, demo=True,
                    keymap=resolved.keymap if resolved else None, profiles=profiles, resolved=resolved)


async def test_warnings_are_notifications_in_the_app(tmp_path):
    unknown = write(tmp_path, 'theme = "no-such-theme"\n')
    app = make_app(profiles_for(unknown))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert any("no-such-theme" in n.message and "unknown" in n.message for n in app._notifications)
        assert app.theme != "no-such-theme"
    path = write(tmp_path, 'theme = "nord"\n[profiles.work\n', mode=0o644)
    app = make_app(profiles_for(path))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("accessible by other users" in m for m in messages)
        assert any(f"{path}, line 2" in m for m in messages)
        assert app.theme != "nord"  # the broken file was not used


async def test_theme_persists_and_keeps_the_rest_of_the_file(tmp_path):
    path = write(tmp_path, SAMPLE)
    before = tomllib.loads(SAMPLE)
    env = {"WORK_ARKER_KEY": "ak_must_never_be_written"}
    app = make_app(profiles_for(path, env))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.theme = "nord"
        await pilot.pause()
        await pilot.pause()
    text = path.read_text()
    after = tomllib.loads(text)
    assert after.pop("theme") == "nord"
    assert after == before  # nothing else changed
    assert "# the key stays in the environment" in text and "# arker-tui config" in text
    assert "ak_must_never_be_written" not in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # The next start applies it.
    app = make_app(profiles_for(path, env))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "nord"
    # A profile with its own theme gets it saved there.
    app = make_app(profiles_for(path, env), "play")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "dracula"
        app.theme = "gruvbox"
        await pilot.pause()
        await pilot.pause()
    after = tomllib.loads(path.read_text())
    assert after["profiles"]["play"]["theme"] == "gruvbox" and after["theme"] == "nord"


async def test_theme_saved_into_a_new_file_with_mode_0600(tmp_path):
    path = tmp_path / "sub" / "config.toml"
    app = make_app(profiles_for(path))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.theme = "monokai"
        await pilot.pause()
        await pilot.pause()
    assert tomllib.loads(path.read_text()) == {"theme": "monokai"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_keymap_from_the_profile_remaps_a_binding(tmp_path):
    profiles = profiles_for(write(tmp_path, SAMPLE), {"WORK_ARKER_KEY": "k"})
    app = make_app(profiles)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("a")  # no longer the activity key
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, ActivityScreen)


async def test_switching_profile_swaps_the_whole_repository(tmp_path):
    profiles = profiles_for(write(tmp_path, SAMPLE))
    app = make_app(profiles, "work")
    async with app.run_test(size=(120, 40)) as pilot:
        old_repo = app.repository
        old_main = main_screen(app)
        old_workspace = old_main.workspace
        for _ in range(100):
            await pilot.pause(0.02)
            if old_main.vm_tree.vm_count:
                break
        assert old_repo.peek(Query.vms()).subscribed
        await pilot.press("b")  # the activity view on top: it must go too
        await pilot.pause()
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert "Switch profile: play" in commands and "Switch profile: work" not in commands

        commands["Switch profile: play"].callback()  # what the palette runs
        for _ in range(200):
            await pilot.pause(0.02)
            if (app.repository is not old_repo and isinstance(app.screen, MainScreen)
                    and app.screen.workspace is not old_workspace
                    and old_repo.client._http.is_closed):  # the old client closes last
                break
        new_repo = app.repository
        assert new_repo is not old_repo
        assert old_repo._closed and old_repo.client._http.is_closed
        assert not any(e._timer or e._task for e in old_repo._entries.values())
        assert len(app.screen_stack) == 1
        main = app.screen
        assert isinstance(main, MainScreen)
        assert main.workspace is not old_workspace and not old_workspace.is_attached  # built again: old panes gone
        assert app.settings.profile == "play" and app.settings.region == "us-east-1"
        assert main.status.profile == "play" and main.status.region_name == "us-east-1"
        for _ in range(100):
            await pilot.pause(0.02)
            if main.vm_tree.vm_count:
                break
        assert main.vm_tree.vm_count > 0  # the new repository serves the screen
        assert new_repo.peek(Query.vms()).subscribed
        assert app.theme == "dracula"  # the profile's theme
        await pilot.press("b")  # play has no keymap: back to the default keys
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)

        assert not await app.profiles.switch("nope")
        assert app.repository is new_repo
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("unknown profile 'nope'" in message for message in messages), messages


# --- keymap problems -------------------------------------------------------------------


def test_an_unknown_binding_id_is_named_and_left_out():
    good, problems = check_keymap({"vms.explode": "e", "app.activity": "b"})
    assert good == {"app.activity": "b"}
    assert len(problems) == 1 and "'vms.explode' is not a binding id" in problems[0]


def test_keys_that_do_not_parse_keep_the_default_binding():
    good, problems = check_keymap({"list.down": "j,ctrl+@@,,"})
    assert good == {}
    assert "list.down" in problems[0] and "does not parse" in problems[0] and "'down,j'" in problems[0]


def test_quit_is_never_lost_without_a_word():
    good, problems = check_keymap({"list.down": "q"})
    assert good == {"list.down": "q"}
    assert any("hides Quit" in p and "list.down" in p and "ctrl+q still quits" in p for p in problems)
    _, moved = check_keymap({"app.quit": "x"})  # quit moved onto a key panes also bind
    assert any("'x' of vms.run_command hides Quit" in p for p in moved)
    assert check_keymap({"app.quit": "ctrl+q,F"})[1] == []  # a free key: nothing to say


async def test_keymap_problems_are_notifications_and_the_defaults_still_work(tmp_path):
    text = SAMPLE.replace('"app.activity" = "b"', '"app.activity" = "b"\n"no.such" = "x"\n"app.help" = "ctrl+@@"')
    profiles = profiles_for(write(tmp_path, text), {"WORK_ARKER_KEY": "k"})
    app = make_app(profiles)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        told = [n.message for n in app._notifications]
        assert any("'no.such' is not a binding id" in m for m in told)
        assert any("app.help" in m and "does not parse" in m for m in told)
        await pilot.press("question_mark")  # app.help kept its default key
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
