"""``arker-tui auth login | status | logout``: a profile's API key in the
system keyring (``keys.KeyStore``, the optional ``keyring`` extra).

The key is read with hidden input, never echoed, never printed and never
written to a plain file: without a keyring, ``login`` says how to keep the
key in the environment instead. ``status`` names where each profile's key
comes from (flag, environment, keyring, file), not the key.
"""

from __future__ import annotations

import sys
from typing import Any, Callable

from .config import ConfigError
from .keys import DISABLE_ENV, KeyringUnavailable

Say = Callable[[str], None]


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def _store(profiles: Any) -> Any:
    """The profiles' key store when it can hold keys here, else None."""
    store = profiles.keys
    usable = getattr(store, "usable", None)
    return None if store is None or (usable is not None and not usable()) else store


def _no_keyring(profiles: Any) -> str:
    """Why there is no keyring, and how to keep the key without one."""
    from .keys import keyring_installed

    name = profiles.initial_name()
    if profiles.keys is not None:
        why = "keyring is installed, but no keyring backend works on this machine"
    elif keyring_installed():
        why = f"the keyring is switched off ({DISABLE_ENV}={profiles.env.get(DISABLE_ENV)})"
    else:
        why = "the keyring extra is not installed (pip install 'arker-tui[keyring]')"
    return (f"No system keyring: {why}.\n"
            "Keep the key in your environment instead (read -rs reads it hidden):\n"
            "  read -rs ARKER_API_KEY && export ARKER_API_KEY\n"
            f"or name a variable of your own in [profiles.{name}] of {profiles.config.path}:\n"
            "  api_key_env = \"MY_ARKER_KEY\"\n"
            "arker-tui never writes the key into a plain file.")


def _profile(profiles: Any, err: Say) -> tuple[str, Any] | None:
    """(the profile asked for (flag, ARKER_PROFILE, default_profile), the key
    store or None), or None (said why) when the config file lacks the profile."""
    try:
        return profiles.resolve().profile, _store(profiles)
    except ConfigError as error:
        err(f"arker-tui auth: {error}")
        return None


def _shadowing(profiles: Any, name: str) -> str | None:
    """Where the key the app uses comes from, when it is not the keyring."""
    source = profiles.resolve(name).sources.get("api_key", "not set")
    return None if source.startswith("keyring") or source == "not set" else source


def login(profiles: Any, read_secret: Callable[[str], str], say: Say = print, err: Say = _err) -> int:
    asked = _profile(profiles, err)
    if asked is None:
        return 2
    name, store = asked
    if store is None:
        err(_no_keyring(profiles))
        return 1
    try:
        key = read_secret(f"API key for profile {name} (input hidden): ").strip()
    except (EOFError, KeyboardInterrupt):
        err("\nNo key given: nothing stored.")
        return 1
    if not key:
        err("No key given: nothing stored.")
        return 1
    if any(ch.isspace() or not ch.isprintable() for ch in key):
        err("That key holds spaces or control characters, which no API key has: nothing stored.")
        return 1
    try:
        store.set(name, key)
    except KeyringUnavailable as error:
        err(f"Not stored: {error}.\n" + _no_keyring(profiles).split("\n", 1)[1])
        return 1
    say(f"Stored the key of profile {name!r} in the {store.where()}. Check it with: arker-tui doctor")
    other = _shadowing(profiles, name)
    if other:
        say(f"Note: this profile's key comes from {other} first; the stored key is used once that is unset.")
    return 0


def logout(profiles: Any, say: Say = print, err: Say = _err) -> int:
    asked = _profile(profiles, err)
    if asked is None:
        return 2
    name, store = asked
    if store is None:
        err(_no_keyring(profiles).split("\n", 1)[0] + " Nothing to remove.")
        return 1
    try:
        removed = store.delete(name)
    except KeyringUnavailable as error:
        err(f"Not removed: {error}.")
        return 1
    if removed:
        say(f"Removed the key of profile {name!r} from the {store.where()}.")
    else:
        say(f"The {store.where()} holds no key for profile {name!r}: nothing removed.")
    other = _shadowing(profiles, name)
    if other:
        say(f"Profile {name!r} still has a key: from {other}.")
    return 0


def status(profiles: Any, say: Say = print, err: Say = _err) -> int:
    asked = _profile(profiles, err)
    if asked is None:
        return 2
    current, store = asked
    names = sorted(set(profiles.names) | {current})
    width = max(len(n) for n in names)
    if store is None:
        say(_no_keyring(profiles).split("\n", 1)[0])
    else:
        say(f"Keyring: {store.where()}")
    for name in names:
        source = profiles.resolve(name).sources.get("api_key", "not set")
        line = f"{'*' if name == current else ' '} {name:<{width}}  key: {source}"
        if store is not None and not source.startswith("keyring") and store.get(name):
            line += " (a key is also in the keyring; this one comes first)"
        say(line)
    say("* the profile in use. Order: --api-key-env, ARKER_API_KEY, keyring, the profile's api_key_env / api_key.")
    return 0
