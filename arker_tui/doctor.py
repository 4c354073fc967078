"""``arker-tui doctor``: does this setup work against the real servers, and
if not, what is wrong, in one screenful (or ``--json`` for scripts).

It reports where each setting came from, reaches the control plane and
every compute host (latency, clock skew from ``Date``), checks that the key
is accepted, and calls every read-only route once, validating each answer
against the models (``doctor_schema``). It writes nothing and mutates
nothing: only GETs. The key is never printed; server text is made inert.

Exit status: 0 when nothing failed (warnings allowed), 1 otherwise.
"""

from __future__ import annotations

import asyncio
import json
import platform
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from . import __version__
from .api import models as m
from .api.errors import ArkerError
from .api.routes import API_PREFIX, ROUTES
from .doctor_schema import audit
from .ui.terminal_text import safe_label

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"
MAX_SKEW_SECONDS = 30.0  # more than this and "2 s ago" / time filters are off
PROBE_TIMEOUT = 10.0  # seconds per request, at most (the profile's timeout if shorter)
LIBRARIES = ("textual", "httpx", "pydantic", "rich")
SETTINGS_SHOWN = ("control_url", "base_url", "burst_base_url", "compute_hosts", "region", "provider",
                  "timeout", "max_retries")


@dataclass
class Check:
    """One thing doctor looked at: its verdict and the words that explain it."""

    section: str  # "setup", "hosts", "auth", "routes"
    name: str
    status: str  # OK / WARN / FAIL / SKIP
    detail: str
    facts: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"section": self.section, "name": self.name, "status": self.status, "detail": self.detail,
                **self.facts}


@dataclass
class Report:
    version: str
    profile: str
    setup: list[tuple[str, str, str]]  # (setting, value as shown, where it came from)
    checks: list[Check] = field(default_factory=list)
    environment: dict[str, str] = field(default_factory=dict)  # python and library versions

    def add(self, section: str, name: str, status: str, detail: str, **facts: Any) -> Check:
        check = Check(section, name, status, detail, facts)
        self.checks.append(check)
        return check

    def count(self, status: str) -> int:
        return sum(1 for c in self.checks if c.status == status)

    @property
    def ok(self) -> bool:
        return self.count(FAIL) == 0

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def summary(self) -> str:
        fails, warns = self.count(FAIL), self.count(WARN)
        if not fails and not warns:
            return f"All {len(self.checks)} checks passed: this setup works."
        parts = [f"{n} {word}{'s' if n != 1 else ''}" for n, word in ((fails, "problem"), (warns, "warning")) if n]
        verdict = "this setup does not work as configured" if fails else "this setup works"
        return f"{' and '.join(parts)}: {verdict}."

    def to_json(self) -> str:
        return json.dumps({
            "arker_tui": self.version, "environment": self.environment, "profile": self.profile,
            "settings": {name: {"value": value, "source": source} for name, value, source in self.setup},
            "checks": [c.to_dict() for c in self.checks],
            "ok": self.ok, "problems": self.count(FAIL), "warnings": self.count(WARN),
            "summary": self.summary(),
        }, indent=2)


# --- the checks --------------------------------------------------------------------


def _setup_rows(resolved: Any) -> list[tuple[str, str, str]]:
    s, src = resolved.settings, resolved.sources
    values = {"control_url": s.control_url, "base_url": s.base_url or "-", "burst_base_url": s.burst_base_url or "-",
              "compute_hosts": ", ".join(k for k, _ in s.compute_hosts) or "-", "region": s.region,
              "provider": s.provider, "timeout": f"{s.timeout:g} s", "max_retries": str(s.max_retries)}
    rows = [("profile", resolved.profile, src.get("profile", "default")),
            ("api_key", "set (never shown)" if s.api_key else "not set", src.get("api_key", "not set"))]
    rows += [(name, values[name], src.get(name, "default")) for name in SETTINGS_SHOWN]
    return rows


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def _check_setup(report: Report, config: Any, resolved: Any) -> None:
    if not config.exists:
        report.add("setup", "config file", OK, f"{config.path} (none; environment and defaults only)",
                   path=str(config.path), exists=False)
    elif config.problems:
        report.add("setup", "config file", WARN, f"{config.path}: " + "; ".join(config.problems),
                   path=str(config.path), exists=True, problems=list(config.problems))
    else:
        report.add("setup", "config file", OK, f"{config.path} read, no problems", path=str(config.path), exists=True)
    for warning in resolved.warnings:
        report.add("setup", "warning", WARN, warning)
    source = resolved.sources.get("api_key", "not set")
    if resolved.settings.api_key:
        report.add("setup", "API key", OK, f"set, from {source} (never shown)", source=source)
    else:
        report.add("setup", "API key", FAIL,
                   "not set: the app would open the demo world. Set ARKER_API_KEY, run `arker-tui auth login`, "
                   "or name a variable with api_key_env in the profile", source=source)


@dataclass
class _Answer:
    status: int | None  # None: no HTTP answer
    latency_ms: float
    error: str = ""
    date: str | None = None
    server: str | None = None
    received_at: float = 0.0  # time.time() midway through the exchange


async def _probe(http: httpx.AsyncClient, url: str, scrub: Any) -> _Answer:
    """One GET; any HTTP answer counts as reaching the host."""
    before, started = time.time(), time.perf_counter()
    try:
        response = await http.get(url)
    except httpx.HTTPError as error:
        latency = (time.perf_counter() - started) * 1000
        words = scrub(f"{type(error).__name__}: {error}") or type(error).__name__
        return _Answer(None, latency, words)
    latency = (time.perf_counter() - started) * 1000
    return _Answer(response.status_code, latency, date=response.headers.get("date"),
                   server=response.headers.get("server"), received_at=(before + time.time()) / 2)


def _skew(answer: _Answer) -> tuple[float | None, str]:
    """(seconds the server's clock is ahead, words)."""
    if not answer.date:
        return None, "no Date header (clock skew unknown)"
    try:
        server_time = parsedate_to_datetime(answer.date).timestamp()
    except (TypeError, ValueError):
        return None, "an unreadable Date header (clock skew unknown)"
    # Date has whole seconds (cut, not rounded) and servers reuse it for a
    # second or so: a few seconds either way is no skew at all.
    skew = server_time + 0.5 - answer.received_at
    if abs(skew) < 3:
        return 0.0, "clock in step"
    return skew, f"clock {abs(skew):.0f} s {'ahead of' if skew > 0 else 'behind'} this machine"


def _host_check(report: Report, name: str, url: str, rule: str, answer: _Answer) -> Check:
    """Reachability of one host (status FAIL when it did not answer)."""
    facts: dict[str, Any] = {"url": url, "rule": rule, "latency_ms": round(answer.latency_ms, 1)}
    if answer.status is None:
        return report.add("hosts", name, FAIL, f"{url} cannot be reached ({safe_label(answer.error, 160)}); "
                          f"check the URL, set by {rule}, and that the server is up", reachable=False, **facts)
    skew, skew_words = _skew(answer)
    facts.update(reachable=True, clock_skew_s=None if skew is None else round(skew, 1))
    if answer.server:
        facts["server"] = safe_label(answer.server, 60)
    status = WARN if skew is not None and abs(skew) > MAX_SKEW_SECONDS else OK
    # The rule is said when it is not the obvious one (the entry of the same name).
    said = "" if rule == f'compute_hosts "{name}"' else f" ({rule})"
    return report.add("hosts", name, status, f"{url}{said} in {answer.latency_ms:.0f} ms, {skew_words}", **facts)


def _auth_check(report: Report, answer: _Answer, has_key: bool) -> bool:
    """What the control plane said of the key; True when it was accepted."""
    if answer.status is None:
        report.add("auth", "key", SKIP, "not checked: the control plane cannot be reached")
        return False
    if answer.status == 401:
        words = ("the control plane wants a key (401 unauthorized) and none is set" if not has_key else
                 "the control plane refused the key (401 unauthorized): it is wrong, expired or revoked, "
                 "or belongs to another Arker deployment; check where it comes from (see api_key above)")
        report.add("auth", "key", FAIL, words, http_status=401)
        return False
    if answer.status == 403:
        report.add("auth", "key", FAIL, "the key is known but not allowed to list VMs (403 forbidden): "
                   "its org or its scopes do not cover this; ask for a key with access to the org's VMs",
                   http_status=403)
        return False
    if 200 <= answer.status < 300:
        if has_key:
            report.add("auth", "key", OK, "the control plane accepted the key", http_status=answer.status)
        else:
            report.add("auth", "key", WARN, "the control plane answered without a key: it asks for none",
                       http_status=answer.status)
        return True
    report.add("auth", "key", WARN, f"not decided: listing VMs answered HTTP {answer.status}; "
               "see the list VMs route below", http_status=answer.status)
    return True


# The read-only routes doctor calls: (label, route name, model, list field or None).
READ_ROUTES: tuple[tuple[str, str, type, str | None], ...] = (
    ("list VMs", "list_vms", m.ListVmsResponse, "vms"),
    ("one VM", "get_vm", m.Vm, None),
    ("its runs", "list_runs", m.ListRunsResponse, "runs"),
    ("its sessions", "list_sessions", m.ListSessionsResponse, "sessions"),
    ("its tunnels", "list_tunnels", m.ListTunnelsResponse, "tunnels"),
    ("its syncs", "list_syncs", m.ListSyncsResponse, "syncs"),
    ("filesystems", "list_filesystems", m.ListFilesystemsResponse, "filesystems"),
    ("org runs", "list_org_runs", m.ListOrgRunsResponse, "rows"),
)
PAGE = 20  # items asked of each list: enough to see the shapes, little load


def _rule_of(hosts: Any, name: str) -> str:
    """The setting behind one entry of ``HostResolver.compute_hosts()``."""
    if name in hosts.hosts:
        return f'compute_hosts "{name}"'
    return "base_url" if name.endswith("(base_url)") else "burst_base_url"


def _where(route_name: str) -> str:
    route = ROUTES[route_name]
    return f"{route.method} {API_PREFIX}{route.path}"


async def _route_check(report: Report, client: Any, label: str, route_name: str, model: type,
                       items: str | None, vm: Any | None) -> Any:
    route = ROUTES[route_name]
    where = _where(route_name)
    facts: dict[str, Any] = {"route": route_name, "request": where}
    if route.host == "compute" and vm is None:
        report.add("routes", label, SKIP, f"{where}: not tried, the org has no VM to try it on", **facts)
        return None
    path = {"vm_id": vm.vm_id} if route.host == "compute" and vm is not None else None
    if vm is not None and route.host == "compute":
        choice = client.hosts.for_vm(vm)
        facts["host"] = choice.url
    query = {"limit": PAGE} if items else None
    started = time.perf_counter()
    try:
        data = await client.request(route_name, path=path, query=query)
    except ArkerError as error:
        facts.update(http_status=error.status, code=error.code)
        report.add("routes", label, *_route_error(where, error, route.host == "compute"), **facts)
        return None
    facts["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
    parsed, findings = audit(model, data)
    facts["schema"] = findings.to_dict()
    if parsed is None:
        report.add("routes", label, FAIL, f"{where}: the answer does not fit the models ("
                   + "; ".join(findings.sentences()) + "); the app cannot show it", **facts)
        return None
    count = len(getattr(parsed, items)) if items else 0
    got = f"{count} {items if count != 1 else items[:-1]}" if items else "answered"
    if findings.dialect:
        report.add("routes", label, WARN, f"{where}: {got}, read, with " + "; ".join(findings.sentences())
                   + " (shown as they are)", **facts)
    else:
        report.add("routes", label, OK, f"{got} in {facts['latency_ms']:.0f} ms", **facts)
    return parsed


def _route_error(where: str, error: ArkerError, per_vm: bool) -> tuple[str, str]:
    said = safe_label(error.message, 200)
    if error.code == "unsupported_operation":
        return WARN, (f"{where}: unsupported_operation: this server lacks the feature ({said}); "
                      "the app shows it as unavailable")
    if error.status == 404:
        what = "the VM's host answered 404 for it" if per_vm else "the server answered 404"
        return FAIL, (f"{where}: {what} ({said}): the server does not share this route of the route "
                      "table (api/routes.py)")
    if error.status in (401, 403):
        return FAIL, f"{where}: {error.code} ({said}): the key may not use this route"
    return FAIL, f"{where}: {error.code}{f' (HTTP {error.status})' if error.status else ''}: {said}"


async def _compute_hosts(report: Report, client: Any, http: httpx.AsyncClient, vms: list[Any] | None,
                         control_url: str, scrub: Any) -> set[str]:
    """Each compute host the profile names: reachable, and serving a VM it is
    meant to serve. Returns the URLs of the hosts that failed (down, or not
    serving their VM). ``vms``: None when the VM list could not be read."""
    hosts = client.hosts
    by_url: dict[str, list[str]] = {}
    for name, url in hosts.compute_hosts().items():
        by_url.setdefault(url.rstrip("/"), []).append(name)
    one_vm: dict[str, Any] = {}
    for vm in vms or ():
        one_vm.setdefault(hosts.for_vm(vm).url, vm)

    async def check(url: str, names: list[str]) -> tuple[Report, bool]:
        part = Report(report.version, report.profile, [])  # gathered, then added in order
        vm = one_vm.get(url)
        # Paths from the route table; a host with no VM of ours is only reached.
        target = url + (ROUTES["get_vm"].url_path(vm_id=vm.vm_id) if vm else API_PREFIX)
        answer = await _probe(http, target, scrub)
        rule = hosts.for_vm(vm).rule if vm else ", ".join(_rule_of(hosts, n) for n in names)
        host = _host_check(part, " / ".join(names), url, rule, answer)
        if not host.facts["reachable"]:
            return part, False
        # Reached: does it serve the VMs it is meant to serve? One line says both.
        if vm is None:
            why = "the VM list could not be read" if vms is None else "no VM of the org lives there"
            host.detail += f"; routing not checked: {why}"
            return part, True
        placement = f"{vm.provider}/{vm.region}"
        vm_words = f"VM {safe_label(vm.name or vm.vm_id, 40)} ({safe_label(vm.vm_id, 40)}, {safe_label(placement, 40)})"
        host.facts.update(vm_id=vm.vm_id, http_status=answer.status)
        if answer.status is not None and 200 <= answer.status < 300:
            host.detail += f"; serves {vm_words}"
            host.facts["routes"] = True
            return part, True
        host.status, host.facts["routes"] = FAIL, False
        if answer.status == 404:
            host.detail += (f"; but it does not know {vm_words}, which {rule} sends there: "
                            "that entry points at the wrong host")
        else:
            host.detail += f"; but it answered HTTP {answer.status} for {vm_words}"
        return part, False

    urls = [url for url in by_url if url != control_url]
    results = await asyncio.gather(*(check(url, by_url[url]) for url in urls))
    failed = set()
    for url, (part, fine) in zip(urls, results, strict=True):
        report.checks.extend(part.checks)
        if not fine:
            failed.add(url)
    return failed


async def diagnose(config: Any, resolved: Any, *, transport: httpx.AsyncBaseTransport | None = None) -> Report:
    """Every check, against the hosts of ``resolved`` (``config.Resolved``)."""
    from .api.client import ArkerClient

    settings = resolved.settings
    settings = settings.replace(timeout=min(settings.timeout, PROBE_TIMEOUT), max_retries=min(settings.max_retries, 1))
    report = Report(__version__, resolved.profile, _setup_rows(resolved), environment=_versions())
    _check_setup(report, config, resolved)
    headers = {"User-Agent": f"arker-tui/{__version__} doctor", "Accept": "application/json"}
    if settings.api_key:
        headers["Authorization"] = f"Bearer {settings.api_key}"
    key = settings.api_key

    def scrub(text: str) -> str:
        return text.replace(key, "***") if key else text

    client = ArkerClient(settings, transport=transport)
    control = settings.control_url.rstrip("/")
    async with httpx.AsyncClient(transport=transport, headers=headers, follow_redirects=False,
                                 timeout=httpx.Timeout(settings.timeout, connect=min(5.0, settings.timeout))) as http:
        try:
            answer = await _probe(http, f"{control}{ROUTES['list_vms'].url_path()}?limit=1", scrub)
            reached = _host_check(report, "control plane", control, resolved.sources.get("control_url", "default"),
                                  answer).facts["reachable"]
            accepted = _auth_check(report, answer, bool(key))
            vms: list[Any] | None = None
            if reached and accepted:
                listed = await _route_check(report, client, *READ_ROUTES[0], vm=None)
                if listed is not None:
                    vms = list(listed.vms)
                    client.hosts.learn_all(vms)
            failed = await _compute_hosts(report, client, http, vms, control, scrub)
            if reached and accepted:
                # The per-VM routes are tried on a VM whose host works: a host
                # that is down or misrouted is said once, above.
                served = [v for v in vms or () if client.hosts.for_vm(v).url not in failed]
                vm = served[0] if served else None
                for label, name, model, items in READ_ROUTES[1:]:
                    if vm is None and vms and ROUTES[name].host == "compute":
                        report.add("routes", label, SKIP, f"{_where(name)}: not tried, no VM's host serves "
                                   "it (see Hosts)", route=name)
                        continue
                    await _route_check(report, client, label, name, model, items, vm)
            else:
                report.add("routes", "read-only routes", SKIP,
                           "not tried: " + ("the control plane cannot be reached" if not reached
                                            else "the key was not accepted"))
        finally:
            await client.aclose()
    return report


# --- the words ----------------------------------------------------------------------

MARK = {OK: "ok  ", WARN: "warn", FAIL: "FAIL", SKIP: "skip"}
SECTIONS = (("setup", "Setup"), ("hosts", "Hosts"), ("auth", "Auth"), ("routes", "Routes"))


def render(report: Report, width: int = 100) -> str:
    """The report for a person: one line a check, wrapped to ``width``."""
    import textwrap

    env = report.environment
    libs = " ".join(f"{n} {env[n]}" for n in LIBRARIES if n in env)
    lines = [f"arker-tui {report.version} doctor · Python {env.get('python', '?')} · {libs}"]
    label_width = max(len(name) for name, _, _ in report.setup)
    for name, value, source in report.setup:
        if name == "api_key" or (source in ("default", "none") and name not in ("control_url", "region")):
            continue  # the key has its own check; unset defaults say nothing (all of it: --json)
        lines.extend(textwrap.wrap(f"{value}  [{source}]", max(40, width), initial_indent=f"  {name:<{label_width}}  ",
                                   subsequent_indent=" " * (label_width + 4), break_on_hyphens=False))
    for section, title in SECTIONS:
        checks = [c for c in report.checks if c.section == section]
        if not checks:
            continue
        lines.append(title)
        for check in checks:
            head = f"  {MARK[check.status]}  {check.name}: "
            lines.extend(textwrap.wrap(check.detail, max(40, width), initial_indent=head,
                                       subsequent_indent=" " * 10, break_on_hyphens=False) or [head])
    lines.append(report.summary())
    return "\n".join(lines)


def run(config: Any, resolved: Any, *, as_json: bool = False, width: int | None = None) -> tuple[str, int]:
    """(the report's text, the exit status)."""
    import shutil

    report = asyncio.run(diagnose(config, resolved))
    text = report.to_json() if as_json else render(report, width or shutil.get_terminal_size((100, 24)).columns)
    return text, report.exit_code
