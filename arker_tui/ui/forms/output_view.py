"""``OutputView``: a modal showing text output in a ``RunLog`` (safe: colours
kept, every other control sequence inert), with a header line.

Used for a foreground run's result (stdout, stderr marked, exit code) and for
a file read from a VM (text, or a hex dump of a binary file's head).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from ...api import models as m
from ...api.output import decode_output
from .. import format as fmt
from ..actions import bindings
from ..terminal_text import safe_label
from ..widgets.run_log import RunLog

HEX_HEAD = 4096  # bytes of a binary file shown as a hex dump


class OutputView(ModalScreen[None]):
    BINDINGS = bindings("output")

    DEFAULT_CSS = """
    OutputView { align: center middle; background: $background 60%; }
    OutputView > Vertical { width: 94%; height: 90%; border: thick $accent; background: $surface; padding: 0 1; }
    OutputView .output-title { text-style: bold; color: $accent; height: auto; }
    OutputView .output-summary { height: auto; color: $text-muted; }
    OutputView RunLog { height: 1fr; border: round $panel; }
    OutputView .output-hint { color: $text-muted; height: 1; }
    """

    def __init__(self, title: str, summary: Text | str, stdout: str, stderr: str = "",
                 *, empty_text: str = "(no output)") -> None:
        super().__init__()
        self.title_text = safe_label(title, 200)
        self.summary = summary
        self.stdout = stdout
        self.stderr = stderr
        self.log_view = RunLog(following=False, empty_text=empty_text, id="output-log")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="output-title", markup=False)
            yield Static(self.summary, classes="output-summary", markup=False)
            yield self.log_view
            yield Static("esc close · y copy · w wrap · stderr lines are marked ▌", classes="output-hint")

    def on_mount(self) -> None:
        self.log_view.set_output(self.stdout, self.stderr)
        self.log_view.focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_copy(self) -> None:
        self.app.copy_to_clipboard("\n".join(self.log_view.plain_lines()))
        self.app.notify("Copied the output")

    def action_toggle_wrap(self) -> None:
        self.log_view.action_toggle_wrap()


def run_result_view(command: str, result: m.CompletedRunResponse) -> OutputView:
    stdout = decode_output(result.stdout, result.stdout_encoding)
    stderr = decode_output(result.stderr, result.stderr_encoding)
    summary = Text()
    summary.append_text(fmt.run_result(result.state, result.exit_code))
    if result.run_id:
        summary.append(f"  {safe_label(result.run_id)}", style="dim")
    if result.fail_reason:
        summary.append(f"  {safe_label(result.fail_reason, 200)}", style="bold red")
    summary.append(f"  stdout {len(stdout)} chars · stderr {len(stderr)} chars", style="dim")
    return OutputView(f"$ {command}", summary, stdout, stderr)


def is_binary(data: bytes) -> bool:
    """NUL bytes or not UTF-8: shown as hex."""
    if b"\x00" in data[:HEX_HEAD]:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def hex_dump(data: bytes, limit: int = HEX_HEAD) -> str:
    """``offset  16 hex bytes  |ascii|`` lines of the first ``limit`` bytes."""
    lines = []
    for offset in range(0, min(len(data), limit), 16):
        chunk = data[offset:offset + 16]
        hexes = " ".join(f"{b:02x}" for b in chunk)
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{offset:08x}  {hexes:<47}  |{text}|")
    return "\n".join(lines) + ("\n" if lines else "")


def file_view(vm_label: str, path: str, data: bytes) -> OutputView:
    size = f"{len(data):,} bytes" + (f" ({fmt.size_bytes(len(data))})" if len(data) >= 1024 else "")
    if is_binary(data):
        shown = min(len(data), HEX_HEAD)
        summary = f"binary · {size} · hex dump of the first {shown:,} bytes"
        body = hex_dump(data)
    else:
        summary = f"text · {size}"
        body = data.decode("utf-8")
    return OutputView(f"{vm_label}:{path}", summary, body, empty_text="(empty file)")
