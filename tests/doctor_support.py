"""A served multi-host emulator (`arker-tui emulator --hosts demo`, a real
process on loopback ports) and a config profile pointing at it, for the
doctor tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

KEY = "ak_doctor_0123456789abcdef"
DEMO_COMPUTE = ("aws/us-west-2", "aws/eu-central-1", "aws-burst/us-west-2", "aws-burst/eu-central-1")


def _free_run(count: int) -> int:
    """A first port of ``count`` consecutive free loopback ports."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first + count >= 65535:
            continue
        try:
            held = []
            for port in range(first, first + count):
                s = socket.socket()
                held.append(s)
                s.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            for s in held:
                s.close()
        return first
    raise RuntimeError("no run of free ports")


@dataclass
class ServedEmulator:
    process: subprocess.Popen
    first_port: int

    def url(self, host: str) -> str:
        index = ("control",) + DEMO_COMPUTE
        return f"http://127.0.0.1:{self.first_port + index.index(host)}"

    def _call(self, method: str, path: str, body: dict | None = None) -> object:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url("control") + path, data=data, method=method,
                                         headers={"Authorization": f"Bearer {KEY}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read() or b"{}")

    def faults(self, **values: object) -> None:
        self._call("POST", "/_emulator/faults", values)

    def reset_faults(self) -> None:
        self._call("DELETE", "/_emulator/faults")

    def request_counts(self) -> dict[str, int]:
        return self._call("GET", "/_emulator/requests")  # type: ignore[return-value]

    def first_vm_id(self) -> str:
        return self._call("GET", "/v1/vms?limit=20")["vms"][0]["vm_id"]  # type: ignore[index]

    def profile(self, path: Path, hosts: dict[str, str] | None = None, name: str = "emulator") -> Path:
        """A config file with profile ``name``: the control plane and a
        compute_hosts map (default: each demo host at its own port)."""
        hosts = hosts if hosts is not None else {h: self.url(h) for h in DEMO_COMPUTE}
        lines = [f"[profiles.{name}]", f'control_url = "{self.url("control")}"', f"[profiles.{name}.compute_hosts]"]
        lines += [f'"{key}" = "{url}"' for key, url in hosts.items()]
        path.write_text("\n".join(lines) + "\n")
        path.chmod(0o600)
        return path


def start_emulator() -> ServedEmulator:
    first = _free_run(5)
    env = {**os.environ, "DOCTOR_KEY": KEY}
    process = subprocess.Popen(
        [sys.executable, "-m", "arker_tui", "emulator", "--hosts", "demo", "--port", str(first),
         "--api-key-env", "DOCTOR_KEY"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    served = ServedEmulator(process, first)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the emulator exited: {process.stderr.read().decode()}")  # type: ignore[union-attr]
        try:
            served.request_counts()
            return served
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("the served emulator did not come up")


def stop_emulator(served: ServedEmulator) -> None:
    served.process.terminate()
    try:
        served.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        served.process.kill()
