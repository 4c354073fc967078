"""Small field validators shared by the forms.

Each ``check_*`` takes the field's label and the raw text the user typed and
returns ``None`` when the value is acceptable, or an error string that names
the field and says why (``"vCPU: 99 is above the ceiling 8 (max_vcpus)"``).
The matching ``parse_*`` turns valid text into the value sent to the API.
No Textual import.

Name rules for VMs and filesystems are not in the SDK declarations; the rule
here is deliberately lenient (the server has the last word, and its error is
shown in the form).
"""

from __future__ import annotations

import re

ENV_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
HOST = re.compile(r"^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
                  r"(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:\d{1,5})?$")
NAME_MAX = 63
SIGNALS = ("SIGINT", "SIGTERM", "SIGKILL", "SIGHUP")

# Every number field has a bound even where the VM states no ceiling: an
# absurd value (a 4,000-digit disk size, a timeout of 1e308 s) is refused
# with a message instead of being sent. Generous: the server has the last word.
INT_MAX = 2**31 - 1  # any whole-number field without a better bound
MAX_VCPUS = 1024
MAX_MEMORY_MIB = 16 * 1024 * 1024  # 16 TiB
MAX_DISK_MIB = 64 * 1024 * 1024  # 64 TiB
MAX_TIMEOUT_SECONDS = 7 * 24 * 3600.0  # a week
_ASCII_INT = re.compile(r"[+-]?[0-9]+")
_ASCII_FLOAT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def check_required(field: str, text: str) -> str | None:
    return f"{field}: required" if not text.strip() else None


def check_name(field: str, text: str, *, required: bool = False) -> str | None:
    """A VM or filesystem name: letters, digits, '.', '_', '-'; up to 63."""
    value = text.strip()
    if not value:
        return f"{field}: required" if required else None
    if len(value) > NAME_MAX:
        return f"{field}: {len(value)} characters, at most {NAME_MAX}"
    if not NAME.match(value):
        bad = next((c for c in value if not (c.isascii() and (c.isalnum() or c in "._-"))), None)
        if bad is not None:
            return f"{field}: {bad!r} is not allowed (letters, digits, '.', '_', '-')"
        return f"{field}: must start with a letter or digit"
    return None


def _shown(value: str) -> str:
    """What the user typed, short enough for a message."""
    return repr(value) if len(value) <= 24 else f"a {len(value):,}-character value"


def _whole(value: str) -> int | None:
    """``value`` as a whole number written in ASCII digits (``int`` alone
    would take '٣' and fail on '²', which ``str.isdigit`` accepts), or None."""
    if not _ASCII_INT.fullmatch(value) or len(value.lstrip("+-")) > 18:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def check_int(field: str, text: str, *, minimum: int | None = None, maximum: int | None = None,
              required: bool = False, ceiling: str | None = None) -> str | None:
    """An integer in [minimum, maximum]; ``ceiling`` names where the maximum
    comes from. Without a maximum, INT_MAX bounds it."""
    value = text.strip()
    if not value:
        return f"{field}: required" if required else None
    number = _whole(value)
    if number is None:
        if _ASCII_INT.fullmatch(value):
            return f"{field}: {_shown(value)} is far too large (at most {maximum or INT_MAX:,})"
        return f"{field}: {_shown(value)} is not a whole number"
    if minimum is not None and number < minimum:
        return f"{field}: {number} is below the minimum {minimum}"
    if maximum is not None and number > maximum:
        where = f" ({ceiling})" if ceiling else ""
        return f"{field}: {number} is above the ceiling {maximum}{where}"
    if maximum is None and number > INT_MAX:
        return f"{field}: {number:,} is above the largest accepted value {INT_MAX:,}"
    return None


def check_vcpu(field: str, text: str, *, maximum: int | None = None) -> str | None:
    """vCPUs: 1 up to the VM's max_vcpus, or MAX_VCPUS when it states none."""
    if maximum is not None:
        return check_int(field, text, minimum=1, maximum=maximum, ceiling="max_vcpus")
    return check_int(field, text, minimum=1, maximum=MAX_VCPUS, ceiling="the most any VM has")


def check_disk_mib(field: str, text: str) -> str | None:
    """A disk size in MiB: 1 up to MAX_DISK_MIB (64 TiB)."""
    return check_int(field, text, minimum=1, maximum=MAX_DISK_MIB, ceiling="64 TiB")


def parse_int(text: str) -> int | None:
    value = text.strip()
    return _whole(value) if value else None


def check_positive_number(field: str, text: str, *, maximum: float = MAX_TIMEOUT_SECONDS) -> str | None:
    """A number of seconds, more than 0 and at most ``maximum`` (a week)."""
    value = text.strip()
    if not value:
        return None
    if value.lower() in ("nan", "+nan", "-nan"):
        return f"{field}: must be more than 0 seconds"
    if not _ASCII_FLOAT.fullmatch(value):
        return f"{field}: {_shown(value)} is not a number of seconds"
    try:
        number = float(value)
    except ValueError:
        return f"{field}: {_shown(value)} is not a number of seconds"
    if not number > 0 or number != number:
        return f"{field}: must be more than 0 seconds"
    if number > maximum:
        return f"{field}: {_shown(value)} s is more than the longest accepted {maximum:g} s ({_duration(maximum)})"
    return None


def _duration(seconds: float) -> str:
    days = seconds / 86400
    if days >= 1:
        return f"{days:g} days" if days != 7 else "a week"
    return f"{seconds / 3600:g} hours"


def parse_float(text: str) -> float | None:
    value = text.strip()
    if not value or not _ASCII_FLOAT.fullmatch(value):
        return None
    return float(value)


def check_ports(field: str, text: str, *, required: bool = True) -> str | None:
    """A comma (or space) separated list of ports 1..65535, no repeats."""
    parts = [p for p in re.split(r"[\s,]+", text.strip()) if p]
    if not parts:
        return f"{field}: at least one port is required" if required else None
    seen: set[int] = set()
    for part in parts:
        port = _whole(part) if part.isdigit() else None
        if port is None:
            return f"{field}: {_shown(part)} is not a port number"
        if not 1 <= port <= 65535:
            return f"{field}: {port} is outside 1..65535"
        if port in seen:
            return f"{field}: {port} is listed twice"
        seen.add(port)
    return None


def parse_ports(text: str) -> list[int]:
    """The ports of text that ``check_ports`` accepted (anything else is left out)."""
    ports = (_whole(p) for p in re.split(r"[\s,]+", text.strip()) if p)
    return [p for p in ports if p is not None]


def check_hosts(field: str, text: str) -> str | None:
    parts = [p for p in re.split(r"[\s,]+", text.strip()) if p]
    if not parts:
        return f"{field}: an allow-list needs at least one host"
    for part in parts:
        if not HOST.match(part):
            return f"{field}: {part!r} is not a host name"
    return None


def parse_hosts(text: str) -> list[str]:
    return [p for p in re.split(r"[\s,]+", text.strip()) if p]


def check_abs_path(field: str, text: str, *, required: bool = True) -> str | None:
    value = text.strip()
    if not value:
        return f"{field}: required" if required else None
    if not value.startswith("/"):
        return f"{field}: must be an absolute path (start with '/')"
    if "\x00" in value or "\n" in value:
        return f"{field}: must not contain control characters"
    return None


def check_env_lines(field: str, text: str) -> str | None:
    """KEY=VALUE per line; blank lines and lines starting with '#' are skipped."""
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if "=" not in line:
            return f"{field}: line {number} has no '=' (KEY=VALUE)"
        key = line.split("=", 1)[0].strip()
        if not key:
            return f"{field}: line {number} has no key before '='"
        if not ENV_KEY.match(key):
            return f"{field}: line {number}: {key!r} is not a valid name (letters, digits, '_'; not a digit first)"
        if key in seen:
            return f"{field}: line {number}: {key} is set twice"
        seen.add(key)
    return None


def parse_env_lines(text: str) -> dict[str, str]:
    env: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, value = line.split("=", 1)
        env[key.strip()] = value
    return env


def check_memory(field: str, text: str, *, minimum: int | None, maximum: int | None) -> str | None:
    """Memory in MiB between the VM's min_memory_mib and max_memory_mib
    (at most MAX_MEMORY_MIB, 16 TiB, when the VM states no ceiling)."""
    error = check_int(field, text, minimum=1, maximum=MAX_MEMORY_MIB, ceiling="16 TiB")
    if error is not None or not text.strip():
        return error
    value = int(text.strip())
    if minimum is not None and value < minimum:
        return f"{field}: {value} MiB is below the floor {minimum} (min_memory_mib)"
    if maximum is not None and value > maximum:
        return f"{field}: {value} MiB is above the ceiling {maximum} (max_memory_mib)"
    return None
