"""Helpers of ``benchmarks/run.py``: a replaying transport, the cold-start
programs, subprocess runners (the hooks into a running app are in
``hooks.py``). Prints nothing, asserts nothing."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

import httpx

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass
class Figure:
    name: str
    target: str
    measured: str
    ok: bool
    note: str = ""


def median(values: list[float]) -> float:
    return statistics.median(values)


class ReplayTransport(httpx.AsyncBaseTransport):
    """Passes requests to the emulator, remembering the bytes of every
    ``GET /v1/vms`` page; once ``frozen`` is set, those pages are answered
    from it without the emulator. So a refresh costs only the client side:
    the emulator's own serving time is left out of CPU figures."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.recorded: dict[str, tuple[int, list, bytes]] = {}
        self.frozen: dict[str, tuple[int, list, bytes]] | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        key = str(request.url)
        is_vms = request.url.path == "/v1/vms"
        if is_vms and self.frozen is not None and key in self.frozen:
            status, headers, body = self.frozen[key]
            return httpx.Response(status, headers=headers, content=body)
        response = await self.inner.handle_async_request(request)
        if not is_vms:
            return response
        body = await response.aread()
        headers = list(response.headers.raw)
        self.recorded[key] = (response.status_code, headers, body)
        return httpx.Response(response.status_code, headers=headers, content=body)

    async def record_again(self) -> dict[str, tuple[int, list, bytes]]:
        """Every remembered page, fetched again from the emulator now."""
        out = {}
        for key in self.recorded:
            response = await self.inner.handle_async_request(httpx.Request("GET", key))
            out[key] = (response.status_code, list(response.headers.raw), await response.aread())
        return out


def run_python(code: str, env: dict[str, str] | None = None, timeout: float = 120) -> tuple[float, str]:
    """Run ``python -c code`` in the project root; (wall seconds, stdout)."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=full_env, capture_output=True,
                          text=True, timeout=timeout)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"subprocess failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return wall, done.stdout


BARE_APP = """
from textual.app import App
from textual.widgets import DataTable, Footer, Header

class Bare(App):
    def compose(self):
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self):
        table = self.query_one(DataTable)
        table.add_columns("NAME", "CPU MEM")
        table.add_rows([(f"vm-{i}", "2c 4G") for i in range(24)])
        self.call_after_refresh(self.exit)  # exit once painted with data

Bare().run()
"""

ARKER_DEMO = """
import sys
from arker_tui.cli import main
sys.exit(main(["--demo"]))
"""

# Both run under a driver of benchmarks/hooks.py (Textual's TEXTUAL_DRIVER):
# every frame rendered as for a terminal; arker-tui exits at the first frame
# with VMs in the tree.
BARE_ENV = {"TEXTUAL_DRIVER": "benchmarks.hooks:FrameDriver"}
ARKER_ENV = {"TEXTUAL_DRIVER": "benchmarks.hooks:TreePaintedDriver"}


def machine() -> dict[str, str]:
    import platform
    from importlib.metadata import version

    import textual.app  # noqa: F401

    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = "?"
    try:
        with open("/proc/meminfo") as f:
            kib = int(f.readline().split()[1])
            memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cpus": str(os.cpu_count()),
        "cpu": model,
        "memory": memory,
        "python": platform.python_version(),
        "textual": version("textual"),
    }
