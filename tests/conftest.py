"""Shared test hygiene."""

from __future__ import annotations

import pytest

from arker_tui.ui import format as fmt


@pytest.fixture(autouse=True)
def restore_ui_clock():
    """Tests that pin the UI's clock to a world's clock get it back after."""
    clock = fmt.clock
    yield
    fmt.clock = clock


@pytest.fixture(autouse=True)
def no_real_keyring():
    """No test reads or writes the keyring of the machine it runs on: when the
    keyring package is installed, an empty in-memory backend stands in (set
    through keyring.set_keyring, its public API)."""
    try:
        import keyring
        from keyring.backend import KeyringBackend
    except ImportError:
        yield
        return

    class Empty(KeyringBackend):
        priority = 1  # type: ignore[assignment]
        name = "empty test keyring"

        def __init__(self) -> None:
            super().__init__()
            self.values: dict[tuple[str, str], str] = {}

        def get_password(self, service, username):
            return self.values.get((service, username))

        def set_password(self, service, username, password):
            self.values[(service, username)] = password

        def delete_password(self, service, username):
            from keyring.errors import PasswordDeleteError

            if self.values.pop((service, username), None) is None:
                raise PasswordDeleteError(username)

    previous = keyring.get_keyring()
    keyring.set_keyring(Empty())
    yield
    keyring.set_keyring(previous)
