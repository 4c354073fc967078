"""The API key over plain http:// to another machine is warned about at start
(stderr and in the app) and by ``plain_http_warnings`` (for doctor), unless
allowed; the body-size caps are settable in a profile."""

from __future__ import annotations

import os

import pytest

from arker_tui import cli
from arker_tui.config import Overrides, Profiles, load_config
from arker_tui.settings import MIB, Settings, plain_http_warnings
from arker_tui.ui.app import ArkerApp

KEY = "ak_live_plain_http_test_key"


@pytest.mark.parametrize("url", ["http://arker.example/api", "http://10.1.2.3:8787", "HTTP://Arker.Example"])
def test_a_key_over_plain_http_to_another_host_is_warned_about(url):
    warnings = plain_http_warnings(Settings(api_key=KEY, control_url=url))
    assert len(warnings) == 1
    assert "sends the API key unencrypted" in warnings[0] and "allow_plain_http" in warnings[0]
    assert KEY not in warnings[0]


@pytest.mark.parametrize("url", ["https://arker.example/api", "http://localhost:8787", "http://127.0.0.1:1",
                                 "http://[::1]:8787", "http://api.localhost"])
def test_https_and_loopback_are_fine(url):
    assert plain_http_warnings(Settings(api_key=KEY, control_url=url)) == []


def test_no_key_or_an_explicit_allow_means_no_warning():
    assert plain_http_warnings(Settings(control_url="http://arker.example")) == []
    assert plain_http_warnings(Settings(api_key=KEY, control_url="http://arker.example", allow_plain_http=True)) == []


def test_the_compute_host_is_checked_too_and_credentials_are_not_shown():
    warnings = plain_http_warnings(Settings(api_key=KEY, control_url="https://arker.example",
                                            base_url="http://user:secret@compute.example"))
    assert len(warnings) == 1 and "base_url http://***@compute.example" in warnings[0]
    assert "secret" not in warnings[0]


def _profiles(tmp_path, text, env):
    path = tmp_path / "config.toml"
    path.write_text(text)
    os.chmod(path, 0o600)
    env = {"ARKER_TUI_CONFIG": str(path), **env}
    return Profiles(load_config(env=env), Overrides(), env=env)


def test_a_profile_can_allow_plain_http_and_set_the_caps(tmp_path):
    text = ('[profiles.default]\ncontrol_url = "http://arker.lan"\n'
            'max_page_mib = 8\nmax_run_output_mib = 16\n')
    resolved = _profiles(tmp_path, text, {"ARKER_API_KEY": KEY}).resolve()
    assert any("sends the API key unencrypted" in w for w in resolved.warnings)
    assert resolved.settings.max_body_bytes == 8 * MIB and resolved.settings.max_run_output_bytes == 16 * MIB
    resolved = _profiles(tmp_path, text + "allow_plain_http = true\n", {"ARKER_API_KEY": KEY}).resolve()
    assert not any("unencrypted" in w for w in resolved.warnings)
    resolved = _profiles(tmp_path, text, {"ARKER_API_KEY": KEY, "ARKER_ALLOW_PLAIN_HTTP": "1"}).resolve()
    assert not any("unencrypted" in w for w in resolved.warnings)


def test_a_bad_cap_is_a_config_warning(tmp_path):
    profiles = _profiles(tmp_path, '[profiles.default]\nmax_page_mib = "lots"\n', {})
    assert any("max_page_mib" in w and "whole number of MiB" in w for w in profiles.config.warnings)
    assert profiles.resolve().settings.max_body_bytes == 64 * MIB


def test_the_cli_prints_the_warning_on_stderr_at_start(tmp_path, capsys, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_text('[profiles.default]\ncontrol_url = "http://arker.example"\n')
    os.chmod(path, 0o600)
    monkeypatch.setenv("ARKER_TUI_CONFIG", str(path))
    monkeypatch.setenv("ARKER_API_KEY", KEY)
    monkeypatch.delenv("ARKER_PROFILE", raising=False)
    monkeypatch.delenv("ARKER_ALLOW_PLAIN_HTTP", raising=False)
    seen = []
    monkeypatch.setattr(ArkerApp, "run", lambda app, *a, **k: seen.append(capsys.readouterr().err))
    assert cli.main([]) == 0
    assert "arker-tui: config: control_url http://arker.example sends the API key unencrypted" in seen[0]
    assert KEY not in seen[0]
