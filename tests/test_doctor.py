"""`arker-tui doctor` against a served multi-host emulator: a good setup, a
wrong key, a host that is down, a route missing, a misrouted map; exit
codes, words, --json, and that it only reads."""

from __future__ import annotations

import json

import pytest

from arker_tui.cli import main
from tests.doctor_support import DEMO_COMPUTE, KEY, start_emulator, stop_emulator

MUTATING = ("fork", "delete_vm", "resize", "run", "cancel_run", "create_session", "delete_session",
            "create_tunnel", "delete_tunnel", "create_sync", "delete_sync", "sync_file",
            "create_filesystem", "delete_filesystem")


@pytest.fixture(scope="module")
def served():
    emulator = start_emulator()
    yield emulator
    stop_emulator(emulator)


@pytest.fixture
def setup(served, tmp_path, monkeypatch):
    """The environment of a user whose profile points at the served emulator."""
    served.reset_faults()
    config = served.profile(tmp_path / "config.toml")
    monkeypatch.setenv("ARKER_TUI_CONFIG", str(config))
    monkeypatch.setenv("ARKER_TUI_KEYRING", "0")
    monkeypatch.setenv("ARKER_API_KEY", KEY)
    for name in ("ARKER_PROFILE", "ARKER_BASE_URL", "ARKER_BURST_BASE_URL", "ARKER_CONTROL_URL",
                 "ARKER_REGION", "ARKER_PROVIDER"):
        monkeypatch.delenv(name, raising=False)
    yield served
    served.reset_faults()


def doctor(capsys, *extra: str) -> tuple[int, dict, str]:
    """Run doctor twice (JSON and words): (exit status, the JSON report, the words)."""
    code = main(["doctor", "--profile", "emulator", "--json", *extra])
    report = json.loads(capsys.readouterr().out)
    words_code = main(["doctor", "--profile", "emulator", *extra])
    words = capsys.readouterr().out
    assert words_code == code
    return code, report, words


def check(report: dict, name: str) -> dict:
    found = [c for c in report["checks"] if c["name"] == name]
    assert found, f"no check {name!r} in {[c['name'] for c in report['checks']]}"
    return found[0]


def test_a_good_setup_passes_with_every_host_reached_and_every_route_read(setup, capsys):
    code, report, words = doctor(capsys)
    assert code == 0 and report["ok"] and report["problems"] == 0
    assert check(report, "API key")["status"] == "ok" and "env ARKER_API_KEY" in check(report, "API key")["detail"]
    assert check(report, "control plane")["status"] == "ok"
    assert check(report, "control plane")["url"] == setup.url("control")
    for host in DEMO_COMPUTE:
        reach = check(report, host)
        assert reach["status"] == "ok" and reach["url"] == setup.url(host)
        assert reach["latency_ms"] >= 0 and reach["clock_skew_s"] is not None
        assert reach["routes"] is True and "; serves VM" in reach["detail"]
    assert check(report, "key")["status"] == "ok"
    for label in ("list VMs", "one VM", "its runs", "its sessions", "its tunnels", "its syncs",
                  "filesystems", "org runs"):
        assert check(report, label)["status"] in ("ok", "warn"), check(report, label)
    settings = report["settings"]
    assert settings["profile"] == {"value": "emulator", "source": "flag --profile"}
    assert settings["control_url"]["source"] == "file [profiles.emulator]"
    assert settings["api_key"]["value"] == "set (never shown)"
    assert "this setup works" in words and "FAIL" not in words
    assert KEY not in words and KEY not in json.dumps(report)


def test_the_emulators_extra_activity_fields_show_as_unknown_fields(setup, capsys):
    """The emulator adds `total` and a row `provider` the models do not have:
    doctor names them, as it would a real server's."""
    _, report, _ = doctor(capsys)
    org_runs = check(report, "org runs")
    assert org_runs["status"] == "warn"
    assert "total" in org_runs["schema"]["unknown_fields"]
    assert "rows[].provider" in org_runs["schema"]["unknown_fields"]


def test_doctor_only_reads(setup, capsys):
    before = setup.request_counts()
    doctor(capsys)
    after = setup.request_counts()
    assert after.get("list_vms", 0) > before.get("list_vms", 0)
    assert all(after.get(route, 0) == before.get(route, 0) for route in MUTATING), after


def test_a_wrong_key_is_a_401_explained_in_words(setup, capsys, monkeypatch):
    monkeypatch.setenv("ARKER_API_KEY", "ak_wrong_key_987654321")
    code, report, words = doctor(capsys)
    assert code == 1 and not report["ok"]
    auth = check(report, "key")
    assert auth["status"] == "fail" and auth["http_status"] == 401
    assert "refused the key" in auth["detail"] and "wrong, expired or revoked" in auth["detail"]
    assert check(report, "read-only routes")["status"] == "skip"
    assert "ak_wrong_key_987654321" not in words and "ak_wrong_key_987654321" not in json.dumps(report)
    assert "does not work" in words


def test_a_forbidden_key_is_a_403_explained_in_words(setup, capsys):
    setup.faults(error_rate=1.0, error_status=403, error_code="forbidden", path_prefix="/v1/vms")
    code, report, _ = doctor(capsys)
    assert code == 1
    auth = check(report, "key")
    assert auth["status"] == "fail" and "not allowed" in auth["detail"] and "403" in auth["detail"]


def test_no_key_at_all_fails_and_says_how_to_set_one(setup, capsys, monkeypatch):
    monkeypatch.delenv("ARKER_API_KEY")
    code, report, _ = doctor(capsys)
    assert code == 1
    key = check(report, "API key")
    assert key["status"] == "fail" and "ARKER_API_KEY" in key["detail"] and "auth login" in key["detail"]


def test_a_compute_host_that_is_down_is_named_with_the_setting_that_chose_it(setup, capsys, tmp_path, monkeypatch):
    hosts = {h: setup.url(h) for h in DEMO_COMPUTE}
    hosts["aws/eu-central-1"] = "http://127.0.0.1:9"  # discard port: nothing listens
    monkeypatch.setenv("ARKER_TUI_CONFIG", str(setup.profile(tmp_path / "down.toml", hosts)))
    code, report, words = doctor(capsys)
    assert code == 1
    down = check(report, "aws/eu-central-1")
    assert down["status"] == "fail" and down["reachable"] is False
    assert "cannot be reached" in down["detail"] and 'compute_hosts "aws/eu-central-1"' in down["detail"]
    assert check(report, "aws/us-west-2")["status"] == "ok"
    # The per-VM routes are tried on a VM whose host works.
    assert check(report, "its runs")["status"] == "ok"
    assert "1 problem" in words


def test_a_misrouted_map_says_which_entry_points_at_the_wrong_host(setup, capsys, tmp_path, monkeypatch):
    hosts = {h: setup.url(h) for h in DEMO_COMPUTE}
    hosts["aws/us-west-2"], hosts["aws/eu-central-1"] = hosts["aws/eu-central-1"], hosts["aws/us-west-2"]
    monkeypatch.setenv("ARKER_TUI_CONFIG", str(setup.profile(tmp_path / "swapped.toml", hosts)))
    code, report, _ = doctor(capsys)
    assert code == 1
    for host in ("aws/us-west-2", "aws/eu-central-1"):
        routes = check(report, host)
        assert routes["status"] == "fail" and routes["http_status"] == 404 and routes["routes"] is False
        assert routes["reachable"] is True
        assert f'compute_hosts "{host}"' in routes["detail"] and "wrong host" in routes["detail"]
    assert check(report, "aws-burst/us-west-2")["status"] == "ok"


def test_a_route_the_server_lacks_is_named_as_a_route_table_assumption(setup, capsys):
    vm_id = setup.first_vm_id()
    setup.faults(error_rate=1.0, error_status=404, error_code="not_found", error_message="no such route",
                 path_prefix=f"/v1/vms/{vm_id}/syncs")
    code, report, words = doctor(capsys)
    assert code == 1
    syncs = check(report, "its syncs")
    assert syncs["status"] == "fail" and syncs["http_status"] == 404
    assert syncs["request"] == "GET /v1/vms/{vm_id}/syncs"
    assert "route table" in syncs["detail"]
    assert check(report, "its tunnels")["status"] == "ok"
    assert "GET /v1/vms/{vm_id}/syncs" in words and "1 problem" in words


def test_an_unsupported_optional_feature_is_a_warning_not_a_failure(setup, capsys):
    setup.faults(error_rate=1.0, error_status=501, error_code="unsupported_operation",
                 error_message="filesystems are not offered here", path_prefix="/v1/filesystems")
    code, report, _ = doctor(capsys)
    filesystems = check(report, "filesystems")
    assert filesystems["status"] == "warn" and "unsupported_operation" in filesystems["detail"]
    assert "unavailable" in filesystems["detail"]
    assert code == 0


def test_an_unknown_profile_exits_2(setup, capsys):
    assert main(["doctor", "--profile", "nosuch"]) == 2
    assert "unknown profile 'nosuch'" in capsys.readouterr().err


def test_the_control_plane_down_fails_and_skips_the_rest(setup, capsys, monkeypatch, tmp_path):
    config = tmp_path / "dead.toml"
    config.write_text('[profiles.emulator]\ncontrol_url = "http://127.0.0.1:9"\n')
    config.chmod(0o600)
    monkeypatch.setenv("ARKER_TUI_CONFIG", str(config))
    code, report, _ = doctor(capsys)
    assert code == 1
    assert check(report, "control plane")["status"] == "fail"
    assert check(report, "key")["status"] == "skip"
    assert check(report, "read-only routes")["status"] == "skip"
