"""Connection settings: where the API is and how to authenticate.

Read from the environment (``ARKER_*``); CLI flags and config profiles
override by building a new ``Settings`` with ``replace``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Mapping

from .api.routes import DEFAULT_CONTROL_URL

DEFAULT_REGION = "us-west-2"
DEFAULT_PROVIDER = "aws"
KNOWN_PROVIDERS = ("aws", "aws-burst")
MIB = 1024 * 1024
# No answer is read past these many bytes (a server that streams forever, or
# sends a page of a million VMs, must not take the memory): a list page or any
# other answer, and a run's output (its poll returns the whole output).
DEFAULT_MAX_BODY_BYTES = 64 * MIB
DEFAULT_MAX_RUN_OUTPUT_BYTES = 64 * MIB


def split_region(region: str | None, provider: str | None) -> tuple[str, str]:
    """Accept the legacy combined region form (``aws-us-west-2``)."""
    region = (region or DEFAULT_REGION).strip()
    for known in sorted(KNOWN_PROVIDERS, key=len, reverse=True):
        prefix = known + "-"
        if region.startswith(prefix) and len(region) > len(prefix):
            return region[len(prefix):], provider or known
    return region, provider or DEFAULT_PROVIDER


@dataclass(frozen=True)
class Settings:
    """Connection settings of one profile: URLs, key, region, provider, timeout, retries."""

    api_key: str | None = field(default=None, repr=False)
    control_url: str = DEFAULT_CONTROL_URL
    base_url: str | None = None  # compute host of the non-burst VMs; None -> the control plane
    burst_base_url: str | None = None  # compute host of the aws-burst VMs
    # The profile's [compute_hosts] map: ("aws/eu-central-1" or "aws-burst", URL)
    # pairs; api.hosts resolves each VM's host from it (the most specific key wins).
    compute_hosts: tuple[tuple[str, str], ...] = ()
    region: str = DEFAULT_REGION
    provider: str = DEFAULT_PROVIDER
    timeout: float = 15.0
    max_retries: int = 3
    profile: str = "default"
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_run_output_bytes: int = DEFAULT_MAX_RUN_OUTPUT_BYTES
    # Sending the key over plain http:// to a host that is not this machine
    # is warned about (plain_http_warnings) unless this says it is meant.
    allow_plain_http: bool = False

    @property
    def compute_url(self) -> str:
        """The compute host of a VM this profile knows nothing about (see api.hosts)."""
        return self.base_url or self.control_url

    @property
    def demo(self) -> bool:
        """No API key: the app runs on the built-in emulator's demo world."""
        return not self.api_key

    @property
    def key_hint(self) -> str:
        """What may be shown of the key: nothing but whether there is one."""
        return "set" if self.api_key else "not set"

    def replace(self, **changes) -> "Settings":
        if "region" in changes or "provider" in changes:
            region, provider = split_region(
                changes.pop("region", self.region), changes.pop("provider", None) or self.provider
            )
            changes.update(region=region, provider=provider)
        return replace(self, **changes)

    def __repr__(self) -> str:
        return (
            f"Settings(profile={self.profile!r}, api_key={self.key_hint}, "
            f"control_url={self.control_url!r}, base_url={self.base_url!r}, "
            f"burst_base_url={self.burst_base_url!r}, compute_hosts={dict(self.compute_hosts)!r}, "
            f"region={self.region!r}, provider={self.provider!r})"
        )


def is_loopback_host(host: str) -> bool:
    """``localhost``, ``*.localhost``, 127.0.0.0/8 or ::1: this machine."""
    import ipaddress

    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def plain_http_warnings(settings: Settings) -> list[str]:
    """One warning per URL the API key would be sent to in clear text
    (http:// to a host that is not loopback); none without a key, or when
    ``allow_plain_http`` says it is meant. For the start-up and ``doctor``."""
    from urllib.parse import urlsplit

    if not settings.api_key or settings.allow_plain_http:
        return []
    out: list[tuple[str, str]] = []
    for name, url in (("control_url", settings.control_url), ("base_url", settings.compute_url)):
        try:
            parts = urlsplit(url)
            host = parts.hostname or ""
        except ValueError:
            continue
        if parts.scheme.lower() == "http" and not is_loopback_host(host) and url not in {u for _, u in out}:
            out.append((name, url))
    from .crash import redact_url_credentials

    return [f"{name} {redact_url_credentials(url)} sends the API key unencrypted (plain http:// to "
            f"{urlsplit(url).hostname}, not this machine); use https://, or set allow_plain_http = true "
            "in the profile (or ARKER_ALLOW_PLAIN_HTTP=1) if that is meant" for name, url in out]


def settings_from_env(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    region, provider = split_region(env.get("ARKER_REGION"), env.get("ARKER_PROVIDER"))
    return Settings(
        api_key=env.get("ARKER_API_KEY") or None,
        control_url=env.get("ARKER_CONTROL_URL") or DEFAULT_CONTROL_URL,
        base_url=env.get("ARKER_BASE_URL") or None,
        burst_base_url=env.get("ARKER_BURST_BASE_URL") or None,
        region=region,
        provider=provider,
        profile=env.get("ARKER_PROFILE") or "default",
        allow_plain_http=(env.get("ARKER_ALLOW_PLAIN_HTTP") or "").lower() in ("1", "true", "yes"),
    )
