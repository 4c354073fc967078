"""The config file: named profiles, keymap and theme (TOML, user config dir).

```toml
default_profile = "work"
theme = "nord"
console_history = false           # keep console commands on disk (state dir, 0600)

[profiles.work]
api_key_env = "ARKER_WORK_KEY"   # read the key from this variable (preferred)
region = "us-west-2"
provider = "aws"
refresh = 2                       # seconds between refreshes of lists
burst_base_url = "https://burst.example"   # host of the aws-burst VMs
[profiles.work.compute_hosts]     # a VM's host by its provider/region (most specific wins)
"aws/eu-central-1" = "https://eu.compute.example"
"aws-burst" = "https://burst.example"
[profiles.work.intervals]         # other refresh intervals (seconds)
org_runs = 30
[profiles.work.budgets]           # what each watched list / followed run may cost
list_mb_per_min = 6
list_requests_per_min = 60
run_output_mb_per_s = 1
[profiles.work.keymap]            # binding id -> keys
"app.activity" = "A"

[watched_runs]                    # when a watched run ends
notification = true               # a notification in the app
bell = true                       # the terminal bell
desktop = false                   # a desktop notification (OSC 9 / OSC 777): true, "osc9" or "osc777"
remember = false                  # keep the watched runs (per profile) in the state directory
```

Precedence: CLI flags > environment (``ARKER_*``) > profile > defaults; for
the API key: flag (``--api-key-env``) > ``ARKER_API_KEY`` > system keyring >
the profile's ``api_key_env`` / ``api_key``.
The API key is never written by the app; only the theme is, and only its
line changes (comments and everything else are kept), file mode 0600.
No Textual import here: the CLI uses it before any app exists.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

from .repository import Intervals
from .repository.budget import BUDGET_FIELDS, Budgets
from .settings import KNOWN_PROVIDERS, MIB, Settings, plain_http_warnings, settings_from_env

# tomllib is imported where TOML is read: a start with no config file never needs it.

CONFIG_ENV = "ARKER_TUI_CONFIG"
APP_NAME = "arker-tui"
INTERVAL_FIELDS = tuple(f.name for f in fields(Intervals) if f.type in ("float", float))
PROFILE_KEYS = frozenset({
    "api_key_env", "api_key", "region", "provider", "base_url", "burst_base_url", "compute_hosts",
    "control_url", "refresh", "intervals", "keymap", "theme", "timeout", "max_retries", "allow_plain_http",
    "max_page_mib", "max_run_output_mib", "budgets",
})
TOP_KEYS = frozenset({"default_profile", "theme", "keymap", "profiles", "console_history", "watched_runs"})
WATCHED_RUNS_KEYS = ("notification", "bell", "desktop", "remember")
DESKTOP_PROTOCOLS = ("osc9", "osc777")


class ConfigError(Exception):
    """A config problem that stops the app from starting (e.g. an unknown profile)."""


def config_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    override = env.get(CONFIG_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


@dataclass(frozen=True)
class Profile:
    """One ``[profiles.NAME]`` table of the config file."""

    name: str
    api_key_env: str | None = None
    api_key: str | None = field(default=None, repr=False)
    region: str | None = None
    provider: str | None = None
    base_url: str | None = None
    burst_base_url: str | None = None
    compute_hosts: dict[str, str] = field(default_factory=dict)
    control_url: str | None = None
    refresh: float | None = None
    intervals: dict[str, float] = field(default_factory=dict)
    budgets: dict[str, float] = field(default_factory=dict)
    keymap: dict[str, str] = field(default_factory=dict)
    theme: str | None = None
    timeout: float | None = None
    max_retries: int | None = None
    allow_plain_http: bool | None = None
    max_page_mib: int | None = None
    max_run_output_mib: int | None = None


@dataclass(frozen=True)
class WatchedRunsConfig:
    """The ``[watched_runs]`` table: what happens when a watched run ends."""

    notification: bool = True  # a notification in the app
    bell: bool = True  # the terminal bell
    desktop: bool | str = False  # OSC 9 / OSC 777: True picks by terminal, or "osc9" / "osc777"
    remember: bool = False  # watched runs kept on disk across restarts (per profile)


@dataclass
class Config:
    """The config file as read: its profiles, keymap, theme and problems."""

    path: Path
    exists: bool = False
    default_profile: str | None = None
    theme: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    profiles: dict[str, Profile] = field(default_factory=dict)
    console_history: bool = False  # console commands saved on disk (off: they can hold secrets)
    watched_runs: WatchedRunsConfig = field(default_factory=WatchedRunsConfig)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None  # the file could not be read: everything else is defaults

    @property
    def problems(self) -> list[str]:
        return ([self.error] if self.error else []) + self.warnings


# --- reading ------------------------------------------------------------------------


def _line_of(text: str, table: tuple[str, ...], key: str | None = None) -> int | None:
    """The 1-based line of ``key`` in ``[table]`` (or of the table header)."""
    header_line, in_table = None, not table
    for number, line in enumerate(text.splitlines(), 1):
        path = _header_path(line)
        if path is not None:
            in_table = path == table
            if in_table:
                header_line = number
            continue
        if in_table and key is not None and re.match(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=", line):
            return number
    return header_line


def _header_path(line: str) -> tuple[str, ...] | None:
    """The key path of a ``[a.b]`` table header line, else None."""
    if not re.match(r"\s*\[[^\[]", line):
        return None
    import tomllib

    try:
        data = tomllib.loads(line.strip())
    except tomllib.TOMLDecodeError:
        return None
    path: list[str] = []
    while isinstance(data, dict) and len(data) == 1:
        (key, data), = data.items()
        path.append(key)
    return tuple(path)


class _Checker:
    def __init__(self, config: Config, text: str) -> None:
        self.config, self.text = config, text

    def warn(self, table: tuple[str, ...], key: str | None, problem: str, ignored: bool = True) -> None:
        where = ".".join(table + ((key,) if key else ()))
        line = _line_of(self.text, table, key)
        at = f"{self.config.path}, line {line}" if line else str(self.config.path)
        self.config.warnings.append(f"{at}: {where}: {problem}" + (" (ignored)" if ignored else ""))

    def string(self, table, data: dict, key: str) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.warn(table, key, f"expected a non-empty string, got {value!r}")
            return None
        return value.strip()

    def seconds(self, table, data: dict, key: str) -> float | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            self.warn(table, key, f"expected a number of seconds above 0, got {value!r}")
            return None
        return float(value)

    def keymap(self, table, data: dict) -> dict[str, str]:
        raw = data.get("keymap")
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.warn(table, "keymap", "expected a table of binding id = \"keys\"")
            return {}
        keymap = {}
        for binding_id, keys in raw.items():
            if isinstance(keys, str) and keys.strip():
                keymap[binding_id] = keys.strip()
            else:
                self.warn(table + ("keymap",), binding_id, f"expected keys like \"ctrl+r\", got {keys!r}")
        return keymap


def _budgets(check: _Checker, table: tuple[str, ...], raw: Any) -> dict[str, float]:
    """``[profiles.NAME.budgets]``: numbers above 0 of the known budgets."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        check.warn(table, "budgets", "expected a table of budget = number")
        return {}
    budgets: dict[str, float] = {}
    for key, value in raw.items():
        if key not in BUDGET_FIELDS:
            check.warn(table + ("budgets",), key, f"unknown budget; known: {', '.join(BUDGET_FIELDS)}")
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            check.warn(table + ("budgets",), key, f"expected a number above 0, got {value!r}")
        else:
            budgets[key] = float(value)
    return budgets


def _profile(check: _Checker, name: str, data: Any) -> Profile | None:
    table = ("profiles", name)
    if not isinstance(data, dict):
        check.warn(("profiles",), name, "expected a table [profiles.NAME]")
        return None
    for key in data.keys() - PROFILE_KEYS:
        check.warn(table, key, f"unknown setting; known: {', '.join(sorted(PROFILE_KEYS))}")
    provider = check.string(table, data, "provider")
    if provider is not None and provider not in KNOWN_PROVIDERS:
        check.warn(table, "provider", f"expected one of {', '.join(KNOWN_PROVIDERS)}, got {provider!r}")
        provider = None
    intervals: dict[str, float] = {}
    raw_intervals = data.get("intervals")
    if raw_intervals is not None and not isinstance(raw_intervals, dict):
        check.warn(table, "intervals", "expected a table of interval = seconds")
    elif raw_intervals:
        for key in raw_intervals:
            if key not in INTERVAL_FIELDS:
                check.warn(table + ("intervals",), key, f"unknown interval; known: {', '.join(INTERVAL_FIELDS)}")
                continue
            seconds = check.seconds(table + ("intervals",), raw_intervals, key)
            if seconds is not None:
                intervals[key] = seconds
    budgets = _budgets(check, table, data.get("budgets"))
    compute_hosts: dict[str, str] = {}
    raw_hosts = data.get("compute_hosts")
    if raw_hosts is not None and not isinstance(raw_hosts, dict):
        check.warn(table, "compute_hosts", 'expected a table of "provider/region" = "URL"')
    elif raw_hosts:
        from .api.hosts import parse_host_map

        compute_hosts, problems = parse_host_map(raw_hosts)
        for key, problem, ignored in problems:
            check.warn(table + ("compute_hosts",), key, problem, ignored)
    urls = {}
    for key in ("base_url", "burst_base_url", "control_url"):
        url = urls[key] = check.string(table, data, key)
        if url is not None:
            from .api.hosts import HostMapError, check_host_url

            try:
                urls[key] = check_host_url(url)
            except HostMapError as error:
                check.warn(table, key, str(error))
                urls[key] = None
    retries = data.get("max_retries")
    if retries is not None and (isinstance(retries, bool) or not isinstance(retries, int) or retries < 0):
        check.warn(table, "max_retries", f"expected a whole number of 0 or more, got {retries!r}")
        retries = None
    allow_plain_http = data.get("allow_plain_http")
    if allow_plain_http is not None and not isinstance(allow_plain_http, bool):
        check.warn(table, "allow_plain_http", f"expected true or false, got {allow_plain_http!r}")
        allow_plain_http = None
    sizes: dict[str, int | None] = {}
    for size_key in ("max_page_mib", "max_run_output_mib"):
        size = data.get(size_key)
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 65536):
            check.warn(table, size_key, f"expected a whole number of MiB from 1 to 65536, got {size!r}")
            size = None
        sizes[size_key] = size
    return Profile(
        name=name,
        allow_plain_http=allow_plain_http,
        max_page_mib=sizes["max_page_mib"],
        max_run_output_mib=sizes["max_run_output_mib"],
        api_key_env=check.string(table, data, "api_key_env"),
        api_key=check.string(table, data, "api_key"),
        region=check.string(table, data, "region"),
        provider=provider,
        base_url=urls["base_url"],
        burst_base_url=urls["burst_base_url"],
        compute_hosts=compute_hosts,
        control_url=urls["control_url"],
        refresh=check.seconds(table, data, "refresh"),
        intervals=intervals,
        budgets=budgets,
        keymap=check.keymap(table, data),
        theme=check.string(table, data, "theme"),
        timeout=check.seconds(table, data, "timeout"),
        max_retries=retries,
    )


def _watched_runs(check: _Checker, data: Any) -> WatchedRunsConfig:
    table = ("watched_runs",)
    if data is None:
        return WatchedRunsConfig()
    if not isinstance(data, dict):
        check.warn((), "watched_runs", "expected a table [watched_runs]")
        return WatchedRunsConfig()
    for key in data.keys() - set(WATCHED_RUNS_KEYS):
        check.warn(table, key, f"unknown setting; known: {', '.join(WATCHED_RUNS_KEYS)}")
    values: dict[str, Any] = {}
    for key in WATCHED_RUNS_KEYS:
        value = data.get(key)
        if value is None:
            continue
        if key == "desktop" and isinstance(value, str) and value in DESKTOP_PROTOCOLS:
            values[key] = value
        elif isinstance(value, bool):
            values[key] = value
        else:
            also = ', "osc9" or "osc777"' if key == "desktop" else ""
            check.warn(table, key, f"expected true or false{also}, got {value!r}")
    return WatchedRunsConfig(**values)


def parse_config(text: str, path: Path) -> Config:
    import tomllib

    config = Config(path=path, exists=True)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = re.search(r"\(at line (\d+), column (\d+)\)", message)
        if found:
            message = message[:found.start()].strip()
            config.error = f"{path}, line {found[1]}, column {found[2]}: {message}; using the defaults"
        elif "end of document" in message:
            config.error = (f"{path}, line {max(1, len(text.splitlines()))}: {message} "
                            "(something left open?); using the defaults")
        else:
            config.error = f"{path}: {message}; using the defaults"
        return config
    check = _Checker(config, text)
    for key in data.keys() - TOP_KEYS:
        check.warn((), key, f"unknown setting; known: {', '.join(sorted(TOP_KEYS))}")
    config.default_profile = check.string((), data, "default_profile")
    config.theme = check.string((), data, "theme")
    config.keymap = check.keymap((), data)
    console_history = data.get("console_history", False)
    if not isinstance(console_history, bool):
        check.warn((), "console_history", f"expected true or false, got {console_history!r}")
        console_history = False
    config.console_history = console_history
    config.watched_runs = _watched_runs(check, data.get("watched_runs"))
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict):
        check.warn((), "profiles", "expected tables [profiles.NAME]")
        profiles = {}
    for name, body in profiles.items():
        profile = _profile(check, name, body)
        if profile is not None:
            config.profiles[name] = profile
    if config.default_profile and config.default_profile not in config.profiles:
        check.warn((), "default_profile", f"no profile named {config.default_profile!r}")
        config.default_profile = None
    if any(p.api_key for p in config.profiles.values()):
        config.warnings.append(
            f"{path}: a profile holds api_key in the file; prefer api_key_env = \"VAR\" "
            "(the key stays in your environment)")
    return config


def permission_warning(path: Path) -> str | None:
    """A warning when the file is readable or writable by group/others."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if os.name == "posix" and mode & 0o077:
        return (f"{path} is accessible by other users (mode {stat.S_IMODE(mode):04o}); "
                f"it may hold secrets: chmod 600 {path}")
    return None


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    path = path or config_path(env)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config(path=path)
    except (OSError, UnicodeDecodeError) as error:
        return Config(path=path, exists=True, error=f"{path}: cannot read: {error}; using the defaults")
    config = parse_config(text, path)
    warning = permission_warning(path)
    if warning:
        config.warnings.insert(0, warning)
    return config


# --- resolving: CLI > environment > profile > defaults ---------------------------------


@dataclass(frozen=True)
class Overrides:
    """What the command line said (None: not given)."""

    profile: str | None = None
    region: str | None = None
    provider: str | None = None
    refresh: float | None = None
    api_key_env: str | None = None  # --api-key-env: read the key from this variable


@dataclass
class Resolved:
    """What a profile comes to after the CLI and the environment had their say."""

    profile: str
    settings: Settings
    intervals: Intervals
    keymap: dict[str, str]
    theme: str | None
    warnings: list[str] = field(default_factory=list)
    # Where each setting came from: "flag --region", "env ARKER_BASE_URL",
    # "file [profiles.work]", "keyring (...)", "default" (for doctor).
    sources: dict[str, str] = field(default_factory=dict)


class Profiles:
    """The loaded config plus what the CLI and environment said: resolves
    any profile (at start and when switching inside the app) and saves the
    theme."""

    def __init__(self, config: Config, overrides: Overrides | None = None,
                 env: Mapping[str, str] | None = None, keys: Any = "system") -> None:
        self.config = config
        self.overrides = overrides or Overrides()
        self.env = dict(os.environ if env is None else env)
        if keys == "system":  # the system keyring when the extra is installed (imported on first use)
            from .keys import system_key_store

            keys = system_key_store(self.env)
        self.keys = keys  # a keys.KeyStore, or None: no keyring

    @property
    def names(self) -> list[str]:
        return sorted(self.config.profiles)

    def initial_name(self) -> str:
        return (self.overrides.profile or self.env.get("ARKER_PROFILE")
                or self.config.default_profile or "default")

    def resolve(self, name: str | None = None) -> Resolved:
        """Settings for profile ``name`` (default: the one asked for at start).
        Raises ConfigError for a profile the file does not define."""
        explicit = name is not None or bool(self.overrides.profile or self.env.get("ARKER_PROFILE")
                                             or self.config.default_profile)
        name = name or self.initial_name()
        config, env, cli = self.config, self.env, self.overrides
        warnings: list[str] = []
        profile = config.profiles.get(name)
        if profile is None:
            if config.error:
                if name != "default":
                    warnings.append(f"profile {name!r} not loaded: the config file has errors")
            elif explicit and name != "default":  # "default" may stay implicit
                known = ", ".join(self.names) or "none"
                where = str(config.path) if config.exists else f"{config.path} (no such file)"
                raise ConfigError(f"unknown profile {name!r}; profiles in {where}: {known}")
            profile = Profile(name=name)

        settings = settings_from_env(env).replace(profile=name)
        changes: dict[str, Any] = {}
        table = f"file [profiles.{name}]"
        sources: dict[str, str] = {"profile": _profile_source(cli.profile, env, config, name)}
        key, sources["api_key"] = self._api_key(profile, warnings)
        if key:
            changes["api_key"] = key
        for setting, env_name in (("control_url", "ARKER_CONTROL_URL"), ("base_url", "ARKER_BASE_URL"),
                                  ("burst_base_url", "ARKER_BURST_BASE_URL")):
            value = getattr(profile, setting)
            if env.get(env_name):
                sources[setting] = f"env {env_name}"
            elif value:
                changes[setting] = value
                sources[setting] = table
            else:
                sources[setting] = "default"
        if profile.compute_hosts:
            changes["compute_hosts"] = tuple(profile.compute_hosts.items())
            sources["compute_hosts"] = f"file [profiles.{name}.compute_hosts]"
        else:
            sources["compute_hosts"] = "none"
        for setting, flag, env_name in (("region", "--region", "ARKER_REGION"),
                                        ("provider", "--provider", "ARKER_PROVIDER")):
            sources[setting] = (f"flag {flag}" if getattr(cli, setting) else f"env {env_name}"
                                if env.get(env_name) else table if getattr(profile, setting) else "default")
        region = cli.region or env.get("ARKER_REGION") or profile.region
        provider = cli.provider or env.get("ARKER_PROVIDER") or profile.provider
        if region or provider:
            changes["region"] = region or settings.region
            changes["provider"] = provider
        for setting in ("timeout", "max_retries"):
            value = getattr(profile, setting)
            sources[setting] = table if value is not None else "default"
            if value is not None:
                changes[setting] = value
        if profile.allow_plain_http is not None and not env.get("ARKER_ALLOW_PLAIN_HTTP"):
            changes["allow_plain_http"] = profile.allow_plain_http
        if profile.max_page_mib is not None:
            changes["max_body_bytes"] = profile.max_page_mib * MIB
        if profile.max_run_output_mib is not None:
            changes["max_run_output_bytes"] = profile.max_run_output_mib * MIB
        if changes:
            settings = settings.replace(**changes)
        warnings.extend(plain_http_warnings(settings))

        interval_values: dict[str, Any] = dict(profile.intervals)
        lists = cli.refresh or profile.refresh
        if lists:
            interval_values["lists"] = lists
        keymap = {**config.keymap, **profile.keymap}
        interval_values["budgets"] = Budgets(**profile.budgets)
        return Resolved(name, settings, Intervals(**interval_values), keymap,
                        profile.theme or config.theme, warnings, sources)

    def _api_key(self, profile: Profile, warnings: list[str]) -> tuple[str | None, str]:
        """(key, where it came from): flag --api-key-env > ARKER_API_KEY >
        the system keyring > the profile's api_key_env > its api_key."""
        env, flag_var = self.env, self.overrides.api_key_env
        in_file = bool(profile.api_key_env or profile.api_key)
        if flag_var:
            key = env.get(flag_var)
            if key:
                return key, f"flag --api-key-env {flag_var}"
            warnings.append(f"--api-key-env names {flag_var}, which is not set in the environment")
        if env.get("ARKER_API_KEY"):
            if in_file:
                warnings.append(f"ARKER_API_KEY from the environment is used instead of profile "
                                f"{profile.name!r}'s key")
            return env["ARKER_API_KEY"], "env ARKER_API_KEY"
        stored = self.keys.get(profile.name) if self.keys is not None else None
        if stored:
            return stored, f"keyring ({self.keys.where()})"
        if profile.api_key_env:
            key = env.get(profile.api_key_env)
            if key:
                return key, f"env {profile.api_key_env} (api_key_env of [profiles.{profile.name}])"
            warnings.append(f"profile {profile.name!r}: api_key_env names {profile.api_key_env}, "
                            "which is not set in the environment")
        elif profile.api_key:
            return profile.api_key, f"file [profiles.{profile.name}] api_key"
        return None, "not set"

    # --- theme persistence ----------------------------------------------------------

    def save_theme(self, theme: str, profile: str | None = None) -> None:
        """Write ``theme`` into the file: into ``[profiles.NAME]`` when that
        profile sets a theme, else the top-level ``theme``. Raises OSError or
        ConfigError (file not updated) on failure."""
        table: tuple[str, ...] = ()
        if profile and profile in self.config.profiles and self.config.profiles[profile].theme:
            table = ("profiles", profile)
            self.config.profiles[profile] = _with_theme(self.config.profiles[profile], theme)
        else:
            self.config.theme = theme
        set_config_value(self.config.path, table, "theme", theme)


def _profile_source(flag: str | None, env: Mapping[str, str], config: Config, name: str) -> str:
    if flag:
        return "flag --profile"
    if env.get("ARKER_PROFILE"):
        return "env ARKER_PROFILE"
    if config.default_profile:
        return "file default_profile"
    return "default" if name == "default" else "file"


def _with_theme(profile: Profile, theme: str) -> Profile:
    from dataclasses import replace

    return replace(profile, theme=theme)


# --- writing: change one value, keep the rest of the file as it is -----------------------


def _set_in_text(text: str, table: tuple[str, ...], key: str, value: Any) -> str:
    rendered = f"{key} = {json.dumps(value)}"
    lines = text.splitlines(keepends=True)
    start = 0 if not table else None
    end = len(lines)
    for i, line in enumerate(lines):
        path = _header_path(line)
        if path is None:
            continue
        if start is None and path == table:
            start = i + 1
        elif start is not None and i >= start:
            end = i
            break
    if start is None:  # no such table: add it at the end
        prefix = "" if not text or text.endswith("\n") else "\n"
        header = "[" + ".".join(json.dumps(p) if not re.fullmatch(r"[A-Za-z0-9_-]+", p) else p for p in table) + "]"
        return f"{text}{prefix}\n{header}\n{rendered}\n"
    pattern = re.compile(rf"(\s*)([\"']?){re.escape(key)}\2\s*=")
    for i in range(start, end):
        match = pattern.match(lines[i])
        if match:
            newline = "\n" if lines[i].endswith("\n") else ""
            lines[i] = f"{match.group(1)}{rendered}{newline}"
            return "".join(lines)
    # Not there: insert after the table's last non-blank line.
    at = start
    for i in range(start, end):
        if lines[i].strip():
            at = i + 1
    if at > 0 and not lines[at - 1].endswith("\n"):
        lines[at - 1] += "\n"
    lines.insert(at, rendered + "\n")
    return "".join(lines)


def _get(data: dict, table: tuple[str, ...]) -> dict:
    for part in table:
        data = data.get(part, {})
    return data


def _write_target(path: Path) -> Path:
    """Where writing ``path`` must go: the file itself, or for a symbolic
    link its final target (replacing the link would silently cut it)."""
    if not path.is_symlink():
        return path
    target = path.resolve()
    if not target.exists():
        raise ConfigError(f"{path} is a symbolic link to {target}, which does not exist; not writing to it")
    if not target.is_file():
        raise ConfigError(f"{path} is a symbolic link to {target}, which is not a file; not writing to it")
    return target


def set_config_value(path: Path, table: tuple[str, ...], key: str, value: Any) -> None:
    """Set one value in the TOML file, keeping every other byte; written
    atomically with mode 0600. Refuses (ConfigError) if the edit would change
    anything else, e.g. an unusual layout it cannot edit safely. A config
    that is a symbolic link stays one: its target is written."""
    import copy
    import tomllib

    path = _write_target(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    try:
        before = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} has errors ({error}); not writing to it") from None
    updated = _set_in_text(text, table, key, value)
    try:
        after = tomllib.loads(updated)
    except tomllib.TOMLDecodeError:
        after = None
    # Compared as parsed TOML (datetimes, dates, times and all): any valid
    # value elsewhere in the file survives the edit.
    expected = copy.deepcopy(before)
    target = expected
    for part in table:
        target = target.setdefault(part, {})
    target[key] = value
    if after is None or after != expected or _get(after, table).get(key) != value:
        raise ConfigError(f"could not update {'.'.join(table + (key,))} in {path} safely; set it by hand")
    from .private_files import write_private

    write_private(path, updated)
