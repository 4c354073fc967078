"""The user's keymap (config file ``[keymap]``: binding id -> keys), checked
against the action table before it is applied: an unknown binding id or a
key that does not parse is named in a notice and the default key stays, and
quitting never goes missing without a word."""

from __future__ import annotations

from textual.keys import KEY_NAME_REPLACEMENTS, Keys, key_to_character

from .actions import ACTIONS, BY_ID, Action

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_NAMED = frozenset(k.value for k in Keys) | frozenset(KEY_NAME_REPLACEMENTS.values())
QUIT = "app.quit"


def key_parses(key: str) -> bool:
    """``q``, ``ctrl+p``, ``f5``, ``question_mark``: one key as Textual names it."""
    *mods, name = key.split("+")
    if not name or any(m not in MODIFIERS for m in mods):
        return False
    return len(name) == 1 or name in _NAMED or key_to_character(name) is not None


def check_keymap(keymap: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """(the entries to apply, a notice per problem)."""
    good: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in keymap.items():
        if binding_id not in BY_ID:
            problems.append(f"keymap: {binding_id!r} is not a binding id; it was left out "
                            "(the ? help lists every id's keys)")
            continue
        parts = [part.strip() for part in str(keys).split(",")]
        if not parts or any(not key_parses(part) for part in parts):
            problems.append(f"keymap: {binding_id} = {keys!r} does not parse as keys (e.g. \"j\", \"ctrl+p\", "
                            f"\"f5\", \"question_mark\"); it keeps {BY_ID[binding_id].keys!r}")
            continue
        good[binding_id] = ",".join(parts)
    problems += _quit_problems(good)
    return good, problems


def keys_of(action: Action, keymap: dict[str, str]) -> list[str]:
    return keymap.get(action.id, action.keys).split(",")


def _quit_problems(keymap: dict[str, str]) -> list[str]:
    quit_keys = set(keys_of(BY_ID[QUIT], keymap))
    taken = [(a, key) for a in ACTIONS if a.id != QUIT and a.scope != "app"
             for key in keys_of(a, keymap) if key in quit_keys and (a.id in keymap or QUIT in keymap)]
    return [f"keymap: {key!r} of {a.id} hides Quit where that key works ({a.scope}); ctrl+q still quits"
            for a, key in taken]
