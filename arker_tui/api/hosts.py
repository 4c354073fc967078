"""Which host serves a call: the control plane, or a VM's own compute host.

The SDK sends every per-VM call (get, run, runs, sessions, tunnels, syncs,
sync, resize, delete) straight to the compute host of the VM's provider and
region, and the cross-cutting calls (list VMs, filesystems, org runs) to the
control plane. This module is the one place that decides, in this order:

1. the profile's ``[profiles.NAME.compute_hosts]`` map, keyed
   ``"provider/region"`` or ``"provider"``; the most specific key wins;
2. ``burst_base_url`` (``ARKER_BURST_BASE_URL``) for ``aws-burst`` VMs;
3. ``base_url`` (``ARKER_BASE_URL``) for the others;
4. the compute URL built from provider and region, when its pattern is known
   (``COMPUTE_URL_PATTERN``; the SDK does not publish it, so it is unset);
5. otherwise the control plane, which routes.

A fork goes to the host of its source VM, or to burst for a public golden
(the SDK: "a fork of arkuntu in the Arker org still goes to burst
regardless"). A VM whose provider or region is unknown is served by the
profile's own provider and region, and ``HostChoice.note`` says so.

VMs are known by id once the client has seen them (listed, fetched, forked):
``learn`` records their placement, as the SDK's VM handles carry their own
``baseUrl``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from ..settings import KNOWN_PROVIDERS
from .models import ARKER_ORG_ID, PUBLIC_GOLDENS

BURST_PROVIDER = "aws-burst"

# The compute host's URL from provider and region, e.g.
# "https://{provider}.{region}.compute.example". Not published by the SDK:
# None means "not known", and step 4 above is skipped.
COMPUTE_URL_PATTERN: str | None = None

_KEY_PART = re.compile(r"[a-z0-9][a-z0-9-]*\Z")


class HostMapError(ValueError):
    """A ``compute_hosts`` entry that cannot be used, said in words."""


def parse_host_key(key: str) -> tuple[str, str | None]:
    """``"aws/eu-central-1"`` -> ("aws", "eu-central-1"); ``"aws-burst"`` ->
    ("aws-burst", None). Raises HostMapError for anything else."""
    parts = key.strip().split("/")
    if len(parts) > 2 or not all(_KEY_PART.match(p) for p in parts):
        raise HostMapError(f"{key!r} is not a host key: expected \"provider/region\" "
                           f"(e.g. \"aws/eu-central-1\") or \"provider\" (e.g. \"aws-burst\")")
    provider, region = parts[0], parts[1] if len(parts) == 2 else None
    if region is not None:
        region = split_legacy_region(region, provider)[0]
    return provider, region


def check_host_url(url: str) -> str:
    """The URL without a trailing slash; HostMapError if it is not http(s)://host."""
    value = url.strip()
    if not re.match(r"https?://[^/\s?#]+(/[^\s?#]*)?\Z", value):
        raise HostMapError(f"{url!r} is not a base URL like \"https://host/api\"")
    return value.rstrip("/")


def split_legacy_region(region: str, provider: str | None) -> tuple[str, str | None]:
    """``aws-us-west-2`` -> (``us-west-2``, ``aws``): the SDK's legacy combined form."""
    for known in sorted(KNOWN_PROVIDERS, key=len, reverse=True):
        prefix = known + "-"
        if region.startswith(prefix) and len(region) > len(prefix):
            return region[len(prefix):], provider or known
    return region, provider


def parse_host_map(raw: Mapping[str, Any]) -> tuple[dict[str, str], list[tuple[str, str, bool]]]:
    """A ``compute_hosts`` table -> ({normalised key: URL}, [(key, problem, ignored)])."""
    hosts: dict[str, str] = {}
    problems: list[tuple[str, str, bool]] = []
    for key, url in raw.items():
        try:
            provider, region = parse_host_key(str(key))
            if not isinstance(url, str):
                raise HostMapError(f"expected a base URL string, got {url!r}")
            hosts[provider if region is None else f"{provider}/{region}"] = check_host_url(url)
        except HostMapError as error:
            problems.append((str(key), str(error), True))
            continue
        if provider not in KNOWN_PROVIDERS:
            problems.append((str(key), f"provider {provider!r} is not one arker-tui knows "
                             f"({', '.join(KNOWN_PROVIDERS)}); kept for VMs that name it", False))
    return hosts, problems


@dataclass(frozen=True, slots=True)
class HostChoice:
    """The host of one call, the rule that chose it, and (when the VM's
    placement was not known) why the default was used."""

    url: str
    rule: str  # e.g. 'compute_hosts "aws/eu-central-1"', "burst_base_url", "control plane"
    placement: str  # "aws/eu-central-1", the provider/region the rule was applied to
    note: str | None = None

    @property
    def via_control(self) -> bool:
        return self.rule == "control plane"

    def describe(self) -> str:
        """One line for a person: "https://h (compute_hosts "aws/eu-central-1")"."""
        text = f"{self.url} ({self.rule}, for {self.placement})"
        return f"{text}; {self.note}" if self.note else text


class HostResolver:
    """Picks the base URL of every call from the settings and what is known
    of each VM. No I/O; one per client."""

    def __init__(self, settings: Any, *, pattern: str | None = None) -> None:
        self.control_url = settings.control_url.rstrip("/")
        self.base_url = (settings.base_url or "").rstrip("/") or None
        self.burst_base_url = (settings.burst_base_url or "").rstrip("/") or None
        self.hosts = {key: url.rstrip("/") for key, url in settings.compute_hosts}
        self.default = (settings.provider, settings.region)
        self.pattern = COMPUTE_URL_PATTERN if pattern is None else pattern
        # vm_id -> (provider, region, owner org, name), as last seen.
        self._vms: dict[str, tuple[str | None, str | None, str, str | None]] = {}
        self._by_name: dict[tuple[str, str], str] = {}

    # --- what is known of VMs -------------------------------------------------------

    def learn(self, vm: Any) -> None:
        """Remember where ``vm`` (a ``Vm`` model) lives."""
        self._vms[vm.vm_id] = (vm.provider, vm.region, vm.owner_org_id, vm.name)
        if vm.name:
            self._by_name[(vm.owner_org_id, vm.name)] = vm.vm_id

    def learn_all(self, vms: Iterable[Any]) -> None:
        """Remember each of ``vms``. A refreshed list teaches only the VMs
        its fetch decoded (``PageCache.fresh``): the others are the very
        objects it taught last time."""
        for vm in vms:
            self.learn(vm)

    def placement_of(self, vm_id: str) -> tuple[str | None, str | None] | None:
        known = self._vms.get(vm_id)
        return None if known is None else (known[0], known[1])

    # --- choosing -------------------------------------------------------------------

    def for_placement(self, provider: str | None, region: str | None) -> HostChoice:
        """The host of a VM with this provider and region."""
        note = None
        if region:
            region, provider = split_legacy_region(region, provider)
        unknown = [what for what, value in (("provider", provider), ("region", region)) if not value]
        if provider and provider not in KNOWN_PROVIDERS and provider not in self.hosts \
                and not any(k.startswith(provider + "/") for k in self.hosts):
            note = (f"provider {provider!r} is not one arker-tui knows; "
                    f"using the profile's default host ({self.default[0]}/{self.default[1]})")
            provider, region = self.default
        elif unknown:
            note = (f"the VM's {' and '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} unknown; "
                    f"using the profile's default host ({self.default[0]}/{self.default[1]})")
            provider, region = self.default
        assert provider is not None and region is not None
        placement = f"{provider}/{region}"
        for key in (placement, provider):
            if key in self.hosts:
                return HostChoice(self.hosts[key], f'compute_hosts "{key}"', placement, note)
        if provider == BURST_PROVIDER and self.burst_base_url:
            return HostChoice(self.burst_base_url, "burst_base_url", placement, note)
        if self.base_url:
            return HostChoice(self.base_url, "base_url", placement, note)
        if self.pattern:
            return HostChoice(self.pattern.format(provider=provider, region=region).rstrip("/"),
                              "the provider/region URL pattern (assumed)", placement, note)
        return HostChoice(self.control_url, "control plane", placement, note)

    def for_vm(self, vm: Any) -> HostChoice:
        """The host serving ``vm`` (a ``Vm`` model)."""
        return self.for_placement(vm.provider, vm.region)

    def for_vm_id(self, vm_id: str) -> HostChoice:
        known = self._vms.get(vm_id)
        if known is None:
            choice = self.for_placement(*self.default)
            return HostChoice(choice.url, choice.rule, choice.placement,
                              "this VM has not been listed yet; using the profile's default host")
        return self.for_placement(known[0], known[1])

    def for_fork(self, source_vm_id: str | None, source_vm_name: str | None,
                 source_org_id: str | None, own_org: str | None = None) -> HostChoice:
        """The host of a fork: its source's host, or burst for a public golden."""
        region = self.default[1]
        vm_id = source_vm_id
        if vm_id is None and source_vm_name:
            if source_vm_name in PUBLIC_GOLDENS and source_org_id in (None, ARKER_ORG_ID):
                return self.for_placement(BURST_PROVIDER, region)
            orgs = [source_org_id] if source_org_id else \
                [own_org] if own_org else sorted({org for org, _ in self._by_name})
            for org in orgs:
                vm_id = self._by_name.get((org, source_vm_name))
                if vm_id:
                    break
        known = self._vms.get(vm_id) if vm_id else None
        if known is not None:
            provider, vm_region, org, name = known
            if org == ARKER_ORG_ID and name in PUBLIC_GOLDENS:
                return self.for_placement(BURST_PROVIDER, region)
            return self.for_placement(provider, vm_region)
        choice = self.for_placement(*self.default)
        return HostChoice(choice.url, choice.rule, choice.placement,
                          "the fork's source has not been listed yet; using the profile's default host")

    def compute_hosts(self) -> dict[str, str]:
        """Every compute host this profile names, by what it serves (for doctor)."""
        out = dict(self.hosts)
        if self.burst_base_url:
            out.setdefault(BURST_PROVIDER, self.burst_base_url)
        if self.base_url:
            out.setdefault("default (base_url)", self.base_url)
        return out

    def describe_host(self, vm: Any) -> tuple[str, str]:
        """(URL, note) of the host serving ``vm``, for its details: the note
        names the rule that chose it and, when so, why the default was used."""
        choice = self.for_vm(vm)
        note = choice.rule if choice.rule != "control plane" else "control plane (it routes the call)"
        if choice.note:
            note = f"{note}; {choice.note}"
        return choice.url, note
