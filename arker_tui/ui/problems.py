"""What to tell the user when the VM list cannot be loaded at all: in words,
naming the host, the setting to check, and when it tries again."""

from __future__ import annotations

from rich.text import Text

from ..api.errors import ArkerError
from .server_text import plain
from .watch import WatchStatus

# code -> (headline, what to check)
_ADVICE = {
    "network_error": ("Cannot reach the Arker control plane",
                      "Check ARKER_CONTROL_URL (or control_url in the profile) and the network."),
    "unauthorized": ("The control plane refused the API key",
                     "Check ARKER_API_KEY (or api_key_env in the profile): the key may be wrong or revoked."),
    "forbidden": ("The API key may not list this org's VMs",
                  "Check that ARKER_API_KEY (or api_key_env in the profile) belongs to the org you want."),
    "not_found": ("The control plane has no VM list at this address",
                  "Check ARKER_CONTROL_URL (or control_url in the profile): it should end in /api."),
    "resource_pressure": ("The control plane is busy (rate limited)", "It will be asked again after a pause."),
}
_DEFAULT_ADVICE = ("The control plane could not list the VMs",
                   "If it persists, check ARKER_CONTROL_URL and the platform's status.")


def vm_list_problem(error: ArkerError, status: WatchStatus, *, host: str, profile: str) -> Text:
    """Several lines for the main area, in place of an empty VM tree."""
    headline, advice = _ADVICE.get(error.code, _DEFAULT_ADVICE)
    text = Text()
    text.append(headline + "\n", style="bold red")
    text.append("\n")
    text.append("Host     ", style="bold")
    text.append_text(plain(host, 200))
    text.append("\n")
    text.append("Profile  ", style="bold")
    text.append_text(plain(profile, 80))
    text.append("\n")
    text.append("Answer   ", style="bold")
    text.append_text(plain(f"{error.code}: {error.message}", 400))
    text.append("\n\n")
    text.append(advice + "\n")
    text.append(status.retry_words().capitalize() + " · q quits", style="dim")
    return text
