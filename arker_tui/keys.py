"""API keys in the system keyring (the optional ``keyring`` extra).

One entry per profile: service ``arker-tui``, user name = the profile's name.
``keyring`` is imported the first time a key is looked up, never at import
of this module, and only when it is installed; any failure of a keyring
backend (none configured, locked, D-Bus away) reads as "no key stored".
The key itself is never logged or put in a message.
"""

from __future__ import annotations

import importlib.util
from typing import Any, Mapping

SERVICE = "arker-tui"
DISABLE_ENV = "ARKER_TUI_KEYRING"  # "0"/"off": do not look in the keyring


class KeyringUnavailable(Exception):
    """No usable keyring: the extra is not installed, or no backend works."""


class KeyStore:
    """get / set / delete a profile's key through ``keyring``'s public API."""

    def __init__(self) -> None:
        self._keyring: Any = None

    def _module(self) -> Any:
        if self._keyring is None:
            try:
                import keyring
            except ImportError:
                raise KeyringUnavailable("the keyring extra is not installed "
                                         "(pip install 'arker-tui[keyring]')") from None
            self._keyring = keyring
        return self._keyring

    def where(self) -> str:
        """The backend's name, e.g. "SecretService Keyring"."""
        try:
            backend = self._module().get_keyring()
        except Exception:  # noqa: BLE001 - a broken backend only loses its name
            return "system keyring"
        return getattr(backend, "name", None) or type(backend).__name__

    def usable(self) -> bool:
        """False when keyring is installed but no backend works here (its
        "fail" backend: no Secret Service, no macOS Keychain, ...)."""
        try:
            from keyring.backends.fail import Keyring as NoBackend

            return not isinstance(self._module().get_keyring(), NoBackend)
        except Exception:  # noqa: BLE001 - an unreadable backend is no backend
            return False

    def get(self, profile: str) -> str | None:
        """The stored key of ``profile``; None when none is (or no keyring works)."""
        try:
            return self._module().get_password(SERVICE, profile) or None
        except Exception:  # noqa: BLE001 - "no keyring" is "no key here", never a crash
            return None

    def set(self, profile: str, key: str) -> None:
        keyring = self._module()
        try:
            keyring.set_password(SERVICE, profile, key)
        except Exception as error:  # noqa: BLE001
            raise KeyringUnavailable(f"the keyring refused the key: {type(error).__name__}") from None

    def delete(self, profile: str) -> bool:
        """Remove ``profile``'s key; False when there was none."""
        keyring = self._module()
        not_there: type[Exception] = Exception  # every keyring release has PasswordDeleteError
        try:
            from keyring.errors import PasswordDeleteError as not_there
        except ImportError:  # pragma: no cover
            pass
        try:
            keyring.delete_password(SERVICE, profile)
        except not_there:
            return False
        except Exception as error:  # noqa: BLE001
            raise KeyringUnavailable(f"the keyring could not delete the key: {type(error).__name__}") from None
        return True


def keyring_installed() -> bool:
    return importlib.util.find_spec("keyring") is not None


def system_key_store(env: Mapping[str, str]) -> KeyStore | None:
    """The system keyring, or None when it is switched off or not installed
    (checked without importing it)."""
    if env.get(DISABLE_ENV, "").lower() in ("0", "off", "false", "no"):
        return None
    return KeyStore() if keyring_installed() else None
