"""`arker-tui auth login | status | logout`: the key goes into the keyring
with hidden input, never onto the screen or into a file; status names where
each profile's key comes from; without a keyring, login says how to use the
environment instead."""

from __future__ import annotations

import pytest

from arker_tui import auth
from arker_tui.config import Profiles, load_config
from arker_tui.keys import KeyringUnavailable, KeyStore

SECRET = "ak_live_auth_test_5f3e2d1c"


class MemoryStore:
    """A KeyStore of our own kind (get / set / delete / where) in memory."""

    def __init__(self, refuse: bool = False) -> None:
        self.keys: dict[str, str] = {}
        self.refuse = refuse

    def where(self) -> str:
        return "test keyring"

    def get(self, profile):
        return self.keys.get(profile)

    def set(self, profile, key):
        if self.refuse:
            raise KeyringUnavailable("the keyring refused the key: Locked")
        self.keys[profile] = key

    def delete(self, profile):
        return self.keys.pop(profile, None) is not None


@pytest.fixture
def config_file(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[profiles.work]\nregion = "eu-central-1"\n[profiles.ci]\napi_key_env = "CI_KEY"\n')
    path.chmod(0o600)
    return path


def profiles(path, env=None, store="memory", profile=None):
    from arker_tui.config import Overrides

    store = MemoryStore() if store == "memory" else store
    return Profiles(load_config(path), Overrides(profile=profile), env=env or {}, keys=store)


class Out:
    def __init__(self):
        self.lines: list[str] = []

    def __call__(self, text):
        self.lines.append(text)

    @property
    def text(self):
        return "\n".join(self.lines)


def test_login_stores_the_key_read_hidden_and_never_shows_it(config_file):
    p = profiles(config_file, profile="work")
    prompts, out, err = [], Out(), Out()

    def read_hidden(prompt):
        prompts.append(prompt)
        return SECRET + "\n"

    assert auth.login(p, read_hidden, out, err) == 0
    assert p.keys.keys == {"work": SECRET}
    assert prompts == ["API key for profile work (input hidden): "]
    assert "Stored the key of profile 'work' in the test keyring" in out.text
    assert SECRET not in out.text + err.text + config_file.read_text()
    # The app now finds it, from the keyring.
    resolved = p.resolve("work")
    assert resolved.settings.api_key == SECRET and resolved.sources["api_key"] == "keyring (test keyring)"


def test_login_says_when_the_environment_still_comes_first(config_file):
    p = profiles(config_file, env={"ARKER_API_KEY": "ak_env_key_000"}, profile="work")
    out = Out()
    assert auth.login(p, lambda _: SECRET, out, Out()) == 0
    assert "comes from env ARKER_API_KEY first" in out.text


@pytest.mark.parametrize("typed", ["", "   ", "two words"])
def test_login_with_no_key_or_a_mangled_one_stores_nothing(config_file, typed):
    p = profiles(config_file)
    err = Out()
    assert auth.login(p, lambda _: typed, Out(), err) == 1
    assert p.keys.keys == {} and "nothing stored" in err.text


def test_login_interrupted_stores_nothing(config_file):
    p = profiles(config_file)

    def interrupted(_):
        raise KeyboardInterrupt

    assert auth.login(p, interrupted, Out(), Out()) == 1 and p.keys.keys == {}


def test_login_without_a_keyring_explains_the_environment_and_writes_no_file(config_file):
    before = config_file.read_text()
    p = profiles(config_file, store=None, profile="work")
    err = Out()

    def never(_):
        raise AssertionError("the key must not even be asked for")

    assert auth.login(p, never, Out(), err) == 1
    assert "export ARKER_API_KEY" in err.text and "api_key_env" in err.text
    assert "[profiles.work]" in err.text and "never writes the key into a plain file" in err.text
    assert config_file.read_text() == before
    assert sorted(x.name for x in config_file.parent.iterdir()) == ["config.toml"]


def test_login_when_the_keyring_refuses_says_so(config_file):
    p = profiles(config_file, store=MemoryStore(refuse=True))
    err = Out()
    assert auth.login(p, lambda _: SECRET, Out(), err) == 1
    assert "Not stored: the keyring refused the key: Locked" in err.text and SECRET not in err.text


def test_login_for_a_profile_the_file_lacks_exits_2(config_file):
    err = Out()
    assert auth.login(profiles(config_file, profile="nosuch"), lambda _: SECRET, Out(), err) == 2
    assert "unknown profile 'nosuch'" in err.text


def test_status_names_where_each_profiles_key_comes_from_without_the_key(config_file):
    store = MemoryStore()
    store.keys = {"work": SECRET, "ci": "ak_ci_stored_key"}
    p = profiles(config_file, env={"CI_KEY": "ak_ci_from_env"}, store=store, profile="work")
    out = Out()
    assert auth.status(p, out, Out()) == 0
    text = out.text
    assert "Keyring: test keyring" in text
    assert "* work  " in text and "key: keyring (test keyring)" in text
    # ci: the keyring comes before the profile's api_key_env.
    assert "  ci    key: keyring (test keyring)" in text
    assert "default" not in text  # only the file's profiles, and the one in use
    for secret in (SECRET, "ak_ci_stored_key", "ak_ci_from_env"):
        assert secret not in text


def test_status_says_a_stored_key_is_shadowed_by_the_environment(config_file):
    store = MemoryStore()
    store.keys = {"work": SECRET}
    p = profiles(config_file, env={"ARKER_API_KEY": "ak_env_key_000"}, store=store, profile="work")
    out = Out()
    auth.status(p, out, Out())
    line = next(line for line in out.lines if " work " in line)
    assert "key: env ARKER_API_KEY" in line and "also in the keyring" in line


def test_status_without_a_keyring_says_why(config_file):
    out = Out()
    assert auth.status(profiles(config_file, store=None), out, Out()) == 0
    assert out.lines[0].startswith("No system keyring:")
    assert "* default  key: not set" in out.text  # the implicit profile in use is listed too


def test_logout_removes_the_key_and_says_what_still_gives_one(config_file):
    store = MemoryStore()
    store.keys = {"ci": SECRET}
    p = profiles(config_file, env={"CI_KEY": "ak_ci_from_env"}, store=store, profile="ci")
    out = Out()
    assert auth.logout(p, out, Out()) == 0
    assert store.keys == {}
    assert "Removed the key of profile 'ci'" in out.text
    assert "still has a key: from env CI_KEY" in out.text
    out = Out()
    assert auth.logout(p, out, Out()) == 0 and "nothing removed" in out.text


def test_the_real_keyring_package_through_its_public_backend_api(config_file):
    """KeyStore over `keyring` itself, with an in-memory backend set through
    keyring.set_keyring (its public API)."""
    keyring = pytest.importorskip("keyring")
    from keyring.backend import KeyringBackend
    from keyring.errors import PasswordDeleteError

    class InMemory(KeyringBackend):
        priority = 1
        name = "in-memory test keyring"

        def __init__(self):
            super().__init__()
            self.values = {}

        def get_password(self, service, username):
            return self.values.get((service, username))

        def set_password(self, service, username, password):
            self.values[(service, username)] = password

        def delete_password(self, service, username):
            if self.values.pop((service, username), None) is None:
                raise PasswordDeleteError("none")

    previous = keyring.get_keyring()
    backend = InMemory()
    keyring.set_keyring(backend)
    try:
        p = profiles(config_file, store=KeyStore(), profile="work")
        out = Out()
        assert auth.login(p, lambda _: SECRET, out, Out()) == 0
        assert backend.values == {("arker-tui", "work"): SECRET}
        assert "in-memory test keyring" in out.text
        assert p.resolve("work").settings.api_key == SECRET
        assert auth.logout(p, Out(), Out()) == 0 and backend.values == {}
    finally:
        keyring.set_keyring(previous)


def test_the_cli_parses_auth_actions_and_options_after_them(config_file, monkeypatch, capsys):
    from arker_tui.cli import main

    monkeypatch.setenv("ARKER_TUI_CONFIG", str(config_file))
    monkeypatch.setenv("ARKER_TUI_KEYRING", "0")
    monkeypatch.delenv("ARKER_API_KEY", raising=False)
    monkeypatch.delenv("ARKER_PROFILE", raising=False)
    assert main(["auth", "status", "--profile", "work"]) == 0
    assert "* work" in capsys.readouterr().out
    assert main(["auth", "logout", "--profile", "nosuch"]) == 2
    with pytest.raises(SystemExit) as exit_:
        main(["auth"])
    assert exit_.value.code == 2


def test_keyring_installed_with_no_working_backend_says_so_and_stores_nothing(config_file):
    keyring = pytest.importorskip("keyring")
    from keyring.backends.fail import Keyring as NoBackend

    previous = keyring.get_keyring()
    keyring.set_keyring(NoBackend())
    try:
        p = profiles(config_file, store=KeyStore(), profile="work")
        err, out = Out(), Out()
        assert auth.login(p, lambda _: SECRET, Out(), err) == 1
        assert "no keyring backend works on this machine" in err.text and "ARKER_API_KEY" in err.text
        auth.status(p, out, Out())
        assert out.lines[0].startswith("No system keyring:") and "work  key: not set" in out.text
    finally:
        keyring.set_keyring(previous)


def test_the_demo_never_loads_the_keyring_and_a_keyless_start_looks_in_it():
    """--demo needs no key: keyring (its import and backend discovery) stays
    out of its start; a start without a key looks there."""
    import subprocess
    import sys

    pytest.importorskip("keyring")
    probe = ("import sys; from arker_tui.cli import build_parser, _build_app; "
             "_build_app(build_parser().parse_args(sys.argv[1:])); print('keyring' in sys.modules)")
    env = {"PATH": "/usr/bin:/bin", "ARKER_TUI_CONFIG": "/nonexistent/config.toml"}
    for args, loads in ((["--demo"], "False"), ([], "True")):
        out = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, env=env,
                             timeout=60)
        assert out.stdout.strip() == loads, (args, out.stderr[-500:])
