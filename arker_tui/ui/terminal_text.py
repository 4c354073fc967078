"""Untrusted program / server text made safe for the terminal.

Nothing that arrives from the server may reach the real terminal as a control
sequence. Two tools:

- ``safe_label(text, max_len)`` for names, ids and messages: every control
  character and escape sequence is removed, whitespace controls become spaces.
- ``TerminalStream`` / ``sanitize_line`` / ``line_segments`` for program output
  (the run log): SGR colour sequences (16 / 256 / truecolor, bold, italic, ...)
  are kept and rendered as rich styles; every other sequence is rendered inert:

  * recognised sequences (CSI cursor moves / clear screen / modes, OSC title /
    clipboard / hyperlinks, DCS / SOS / PM / APC strings, two-byte ESC
    sequences such as ``ESC c``) are dropped;
  * any other lone control character (bare ESC, BEL, backspace, NUL, other C0,
    DEL, C1) is shown in caret notation, dimmed: ``^[``, ``^G``, ``^H``, ``^@``,
    ``^?``; a C1 code point is shown as the caret form of its 7-bit equivalent
    (U+009B CSI -> ``^[[``);
  * lone surrogates (undecodable bytes) become ``\ufffd``;
  * ``\\r`` works like a terminal progress bar: only the text after the last
    ``\\r`` of a line stays (a trailing ``\\r`` / ``\\r\\n`` is just the line end);
  * tabs expand to spaces (8-column stops).

The *stored* form of a sanitized line is plain text plus canonical SGR
sequences ``ESC [ <digits;:> m`` (and nothing else below U+0020); it is never
written to the terminal as is: ``line_segments`` turns it into styled
segments. Storing strings (not ``Text``) keeps a 100k-line log compact.

No Textual import here.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rich.cells import cell_len, get_character_cell_size, set_cell_size
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

__all__ = [
    "MAX_LINE_CHARS",
    "TerminalStream",
    "ansi_to_text",
    "line_segments",
    "safe_label",
    "sanitize_line",
    "visible_text",
    "wrap_cuts",
]

MAX_LINE_CHARS = 16_384  # longer lines are split into continuation lines
TAB_SIZE = 8

# Anything that needs the slow path: C0 controls except \n, DEL, C1, lone
# surrogates, Unicode line / paragraph separators.
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069]")

_TOKEN = re.compile(
    r"(?P<csi>\x1b\[(?P<params>[0-?]*)(?P<inter>[ -/]*)(?P<final>[@-~]))"
    r"|(?P<str>\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c|(?=\x1b)|$))"  # OSC DCS SOS PM APC
    r"|(?P<esc2>\x1b[ -/]*[0-~])"  # ESC 7, ESC c, ESC ( B, a stray ST, ...
    r"|(?P<ctl>[\x00-\x1f\x7f-\x9f])"
    r"|(?P<sur>[\ud800-\udfff])"
    r"|(?P<sep>[\u2028\u2029])"
    r"|(?P<bidi>[\u202a-\u202e\u2066-\u2069])",  # bidi overrides / isolates: dropped
    re.S,
)
_SGR_PARAMS = re.compile(r"[0-9;:]{0,64}")
_STORED_SGR = re.compile("\x1b\\[([0-9;:]*)m")
_INCOMPLETE_TAIL = re.compile(r"\x1b(?:\[[0-?]*[ -/]*|[\]PX^_][^\x07\x1b\x9c]*)?$")
_RAW_SGR = re.compile("\x1b\\[([0-9;:]{0,64})m")
_CSI_ONLY = re.compile(r"\x1b\[([0-?]*)([ -/]*)([@-~])")


def caret(char: str) -> str:
    """Caret notation for one control character (C1 via its 7-bit equivalent)."""
    code = ord(char)
    if code < 0x20:
        return "^" + chr(code + 0x40)
    if code == 0x7F:
        return "^?"
    if 0x80 <= code <= 0x9F:
        return "^[" + chr(code - 0x40)
    return char


# --- SGR state ----------------------------------------------------------------
# A state is (attributes bitmask, fg params, bg params); colour params are the
# canonical SGR parameter text ("31", "38;5;208", "38;2;1;2;3") or "".

State = tuple[int, str, str]
RESET: State = (0, "", "")

_BOLD, _DIM, _ITALIC, _UNDERLINE, _REVERSE, _STRIKE, _UNDERLINE2, _OVERLINE = (1 << i for i in range(8))
_ATTR_ON = {1: _BOLD, 2: _DIM, 3: _ITALIC, 4: _UNDERLINE, 7: _REVERSE, 9: _STRIKE, 21: _UNDERLINE2, 53: _OVERLINE}
_ATTR_OFF = {22: _BOLD | _DIM, 23: _ITALIC, 24: _UNDERLINE | _UNDERLINE2, 27: _REVERSE, 29: _STRIKE, 55: _OVERLINE}
_ATTR_CODE = [(bit, str(code)) for code, bit in _ATTR_ON.items()]


def _extended_colour(args: list[str]) -> tuple[str, int] | None:
    """Parse ``5;n`` or ``2;r;g;b`` (args after 38/48); returns (params, consumed)."""
    try:
        if args and args[0] == "5" and len(args) >= 2:
            n = int(args[1] or 0)
            return (f"5;{n}", 2) if 0 <= n <= 255 else None
        if args and args[0] == "2" and len(args) >= 4:
            r, g, b = (int(v or 0) for v in args[1:4])
            if max(r, g, b) <= 255:
                return f"2;{r};{g};{b}", 4
    except ValueError:
        return None
    return None


@lru_cache(maxsize=4096)
def apply_sgr(state: State, params: str) -> State:
    """The SGR state after ``ESC [ params m``."""
    attrs, fg, bg = state
    if not params:
        return RESET
    parts = params.split(";")
    i, n = 0, len(parts)
    while i < n:
        part = parts[i]
        i += 1
        if ":" in part:  # ITU form: 38:2::r:g:b, 38:5:n, 4:3 (curly underline)
            sub = part.split(":")
            head = sub[0]
            if head in ("38", "48"):
                rest = [v for v in sub[1:]]
                if rest and rest[0] == "2" and len(rest) == 5:
                    rest = ["2"] + rest[2:]  # drop the colour-space id
                parsed = _extended_colour(rest)
                if parsed:
                    if head == "38":
                        fg = "38;" + parsed[0]
                    else:
                        bg = "48;" + parsed[0]
            elif head == "4":
                attrs = (attrs | _UNDERLINE) if sub[1:2] not in ([""], ["0"]) else attrs & ~(_UNDERLINE | _UNDERLINE2)
            continue
        code = int(part) if part else 0
        if code == 0:
            attrs, fg, bg = RESET
        elif code in _ATTR_ON:
            attrs |= _ATTR_ON[code]
        elif code in _ATTR_OFF:
            attrs &= ~_ATTR_OFF[code]
        elif 30 <= code <= 37 or 90 <= code <= 97:
            fg = part.lstrip("0")
        elif 40 <= code <= 47 or 100 <= code <= 107:
            bg = part.lstrip("0")
        elif code == 39:
            fg = ""
        elif code == 49:
            bg = ""
        elif code in (38, 48, 58):
            parsed = _extended_colour(parts[i:])
            if parsed is None:
                break  # malformed: ignore the rest, like most terminals
            i += parsed[1]
            if code == 38:
                fg = "38;" + parsed[0]
            elif code == 48:
                bg = "48;" + parsed[0]
        # everything else (blink, conceal, fonts, ...) is ignored
    return attrs, fg, bg


@lru_cache(maxsize=4096)
def encode_state(state: State) -> str:
    """SGR params that reproduce ``state`` from a reset terminal ("" = reset)."""
    attrs, fg, bg = state
    codes = [code for bit, code in _ATTR_CODE if attrs & bit]
    if fg:
        codes.append(fg)
    if bg:
        codes.append(bg)
    return ";".join(codes)


def _colour(params: str) -> Color | None:
    if not params:
        return None
    if params.startswith(("38;", "48;")):
        values = [int(v) for v in params.split(";")[1:]]
        if values[0] == 5:
            return Color.from_ansi(values[1])
        return Color.from_rgb(*values[1:4])
    code = int(params)
    if 30 <= code <= 37:
        return Color.from_ansi(code - 30)
    if 40 <= code <= 47:
        return Color.from_ansi(code - 40)
    if 90 <= code <= 97:
        return Color.from_ansi(code - 90 + 8)
    return Color.from_ansi(code - 100 + 8)


@lru_cache(maxsize=4096)
def state_style(state: State) -> Style | None:
    """The rich style of an SGR state (never a link, never blink or conceal)."""
    if state == RESET:
        return None
    attrs, fg, bg = state
    return Style(
        color=_colour(fg),
        bgcolor=_colour(bg),
        bold=bool(attrs & _BOLD) or None,
        dim=bool(attrs & _DIM) or None,
        italic=bool(attrs & _ITALIC) or None,
        underline=bool(attrs & _UNDERLINE) or None,
        reverse=bool(attrs & _REVERSE) or None,
        strike=bool(attrs & _STRIKE) or None,
        underline2=bool(attrs & _UNDERLINE2) or None,
        overline=bool(attrs & _OVERLINE) or None,
    )


@lru_cache(maxsize=4096)
def sgr_step(state: State, params: str) -> tuple[State, str]:
    """(state after ``ESC [ params m``, its canonical absolute stored sequence)."""
    new = apply_sgr(state, params)
    return new, "\x1b[" + encode_state(new) + "m"


def scan_state(raw: str, state: State) -> State:
    """The SGR state after ``raw`` (its text is discarded)."""
    if "\x1b" not in raw:
        return state
    for match in _CSI_ONLY.finditer(raw):
        params, inter, final = match.groups()
        if final == "m" and not inter and _SGR_PARAMS.fullmatch(params):
            state = apply_sgr(state, params)
    return state


def state_prefix(state: State) -> str:
    return "\x1b[" + encode_state(state) + "m" if state != RESET else ""


# --- sanitizing ---------------------------------------------------------------


def sanitize_line(raw: str, state: State = RESET) -> tuple[str, State, int]:
    """One raw line (no ``\\n``) -> (stored form, state at its end, cell width).

    The stored form starts with the SGR state carried in from earlier lines.
    """
    raw = raw.rstrip("\r")
    if "\r" in raw:
        cut = raw.rfind("\r")
        state = scan_state(raw[:cut], state)
        raw = raw[cut + 1 :]
    prefix = state_prefix(state)
    if not _UNSAFE.search(raw):
        return prefix + raw, state, (len(raw) if raw.isascii() else cell_len(raw))
    parts: list[str] = [prefix] if prefix else []
    col = 0
    pos = 0
    for match in _TOKEN.finditer(raw):
        start = match.start()
        if start > pos:
            text = raw[pos:start]
            parts.append(text)
            col += len(text) if text.isascii() else cell_len(text)
        pos = match.end()
        kind = match.lastgroup
        if kind == "csi":
            if match["final"] == "m" and not match["inter"] and _SGR_PARAMS.fullmatch(match["params"]):
                state, sequence = sgr_step(state, match["params"])
                parts.append(sequence)
            # every other CSI (cursor moves, erase, modes, mouse, ...) is dropped
        elif kind == "ctl":
            char = match.group()
            if char == "\t":
                spaces = TAB_SIZE - col % TAB_SIZE
                parts.append(" " * spaces)
                col += spaces
            else:  # caret notation, dimmed, then back to the current state
                text = caret(char)
                attrs, fg, bg = state
                parts.append("\x1b[" + encode_state((attrs | _DIM, fg, bg)) + "m" + text)
                parts.append("\x1b[" + encode_state(state) + "m")
                col += len(text)
        elif kind == "sur":
            parts.append("\ufffd")
            col += 1
        elif kind == "sep":
            parts.append(" ")
            col += 1
        # "str" (OSC / DCS / SOS / PM / APC), "esc2" and "bidi" are dropped
    if pos < len(raw):
        text = raw[pos:]
        parts.append(text)
        col += len(text) if text.isascii() else cell_len(text)
    return "".join(parts), state, col


def _split_long(raw: str) -> list[str]:
    """Split an over-long raw line, avoiding cuts inside an escape sequence."""
    pieces = []
    while len(raw) > MAX_LINE_CHARS:
        cut = MAX_LINE_CHARS
        esc = raw.rfind("\x1b", cut - 256, cut)
        if esc > 0:
            cut = esc
        pieces.append(raw[:cut])
        raw = raw[cut:]
    pieces.append(raw)
    return pieces


class TerminalStream:
    """Sanitizes one output stream chunk by chunk.

    ``feed`` returns the completed lines in stored form; a partial last line
    (and an escape sequence split across chunks) waits in ``pending`` until
    its newline arrives. SGR colour state carries across lines like a
    terminal. ``mark`` is prepended to every stored line (a caller's tag).
    """

    def __init__(self, mark: str = "") -> None:
        self.mark = mark
        self.pending = ""
        self.state: State = RESET  # SGR state at the start of ``pending``
        self._pending_view: tuple[str, int] | None = None

    def reset(self) -> None:
        self.pending = ""
        self.state = RESET
        self._pending_view = None

    def feed(self, chunk: str) -> tuple[list[str], int]:
        """Feed raw text; returns (completed stored lines, their max cell width)."""
        if not chunk:
            return [], 0
        self._pending_view = None
        data = self.pending + chunk if self.pending else chunk
        cut = data.rfind("\n")
        if cut < 0:
            self.pending = data
            if len(data) > MAX_LINE_CHARS:
                return self._bound_pending()
            return [], 0
        self.pending = data[cut + 1 :]
        body = data[:cut]
        lines = body.split("\n")
        mark = self.mark
        if not _UNSAFE.search(body):
            # Fast path: plain text, one C-speed scan for the whole chunk.
            widest = max(map(len, lines))
            if widest > MAX_LINE_CHARS:
                return self._slow(lines, mark)
            if not body.isascii():
                widest = max(map(cell_len, lines))
            prefix = mark + state_prefix(self.state)
            if prefix:
                lines = [prefix + line for line in lines]
            out = (lines, widest)
        else:
            out = self._coloured(body, lines, mark) or self._slow(lines, mark)
        if len(self.pending) > MAX_LINE_CHARS:
            more, width = self._bound_pending()
            out[0].extend(more)
            out = (out[0], max(out[1], width))
        return out

    def _coloured(self, body: str, lines: list[str], mark: str) -> tuple[list[str], int] | None:
        """Whole-chunk path for text whose only escapes are SGR colours."""
        stripped = _RAW_SGR.sub("", body)
        if _UNSAFE.search(stripped) or max(map(len, lines)) > MAX_LINE_CHARS:
            return None
        parts = _RAW_SGR.split(body)  # text, params, text, params, ..., text
        state = self.state
        prefix = state_prefix(state)
        out = [mark + prefix if mark else prefix]
        text = parts[0]
        out.append(text.replace("\n", "\n" + prefix) if prefix and "\n" in text else text)
        step = sgr_step
        for i in range(1, len(parts), 2):
            state, sequence = step(state, parts[i])
            out.append(sequence)
            text = parts[i + 1]
            if state != RESET and "\n" in text:
                text = text.replace("\n", "\n" + state_prefix(state))
            out.append(text)
        self.state = state
        joined = "".join(out)
        if mark:
            joined = joined.replace("\n", "\n" + mark)
        visible = stripped.split("\n")
        widest = max(map(len, visible)) if stripped.isascii() else max(map(cell_len, visible))
        return joined.split("\n"), widest

    def _slow(self, lines: list[str], mark: str) -> tuple[list[str], int]:
        out: list[str] = []
        widest = 0
        state = self.state
        for raw in lines:
            if len(raw) > MAX_LINE_CHARS:
                raw = raw.rstrip("\r")
                if "\r" in raw:
                    cut = raw.rfind("\r")
                    state = scan_state(raw[:cut], state)
                    raw = raw[cut + 1 :]
                pieces = _split_long(raw)
            else:
                pieces = (raw,)
            for piece in pieces:
                stored, state, width = sanitize_line(piece, state)
                out.append(mark + stored if mark else stored)
                if width > widest:
                    widest = width
        self.state = state
        return out, widest

    def _bound_pending(self) -> tuple[list[str], int]:
        """Keep a partial line bounded: collapse ``\\r`` overwrites, then split."""
        data = self.pending.rstrip("\r")
        cut = data.rfind("\r")
        if cut >= 0:
            self.state = scan_state(self.pending[:cut], self.state)
            self.pending = self.pending[cut:]
        if len(self.pending) <= MAX_LINE_CHARS:
            return [], 0
        pieces = _split_long(self.pending)
        self.pending = pieces.pop()
        return self._slow(pieces, self.mark)

    def pending_line(self) -> tuple[str, int] | None:
        """The partial line in stored form (and its width), or None."""
        if not self.pending:
            return None
        if self._pending_view is None:
            raw = _INCOMPLETE_TAIL.sub("", self.pending)
            stored, _state, width = sanitize_line(raw, self.state)
            self._pending_view = (self.mark + stored, width)
        return self._pending_view


# --- rendering ----------------------------------------------------------------


def line_segments(stored: str, base: Style | None = None) -> list[Segment]:
    """Segments of one stored line (see module doc); no control chars survive."""
    if "\x1b" not in stored:
        return [Segment(stored, base)] if stored else []
    pieces = _STORED_SGR.split(stored)
    segments: list[Segment] = []
    text = pieces[0]
    if text:
        segments.append(Segment(text, base))
    for i in range(1, len(pieces), 2):
        state = apply_sgr(RESET, pieces[i])  # stored sequences are absolute
        text = pieces[i + 1]
        if text:
            style = state_style(state)
            segments.append(Segment(text, (base + style) if base and style else (style or base)))
    return segments


def visible_text(stored: str) -> str:
    """The text of a stored line without its SGR sequences."""
    return _STORED_SGR.sub("", stored) if "\x1b" in stored else stored


def wrap_cuts(text: str, width: int) -> list[int]:
    """Cell offsets at which ``text`` is cut to wrap at ``width`` cells.

    Wide characters never straddle a cut. ``len(result) + 1`` rows.
    """
    width = max(1, width)
    if text.isascii():
        total = len(text)
        return list(range(width, total, width))
    cuts: list[int] = []
    row = 0  # cells used in the current row
    offset = 0  # cells so far
    for char in text:
        size = get_character_cell_size(char)
        if row + size > width and row:
            cuts.append(offset)
            row = 0
        row += size
        offset += size
    return cuts


def wrap_rows(stored: str, width: int) -> int:
    text = visible_text(stored)
    if text.isascii():
        return max(1, -(-len(text) // max(1, width)))
    return len(wrap_cuts(text, width)) + 1


def ansi_to_text(raw: str, style: Style | str = "") -> Text:
    """Untrusted multi-line text (with ANSI colours) as a safe ``Text``."""
    stream = TerminalStream()
    lines, _ = stream.feed(raw + "\n")
    text = Text(style=style, end="")
    for i, line in enumerate(lines):
        if i:
            text.append("\n")
        for segment in line_segments(line):
            text.append(segment.text, segment.style)
    return text


# --- labels -------------------------------------------------------------------

_LABEL_SEQUENCES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c|(?=\x1b)|$)|\x1b[ -/]*[0-~]"
    r"|[\x9b][0-?]*[ -/]*[@-~]|[\x9d\x90\x98\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c|(?=\x1b)|$)"
)
# C0, DEL, C1, surrogates, line/paragraph separators, bidi embeddings /
# overrides / isolates (they can reorder what a label appears to say).
_LABEL_DROP = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_LABEL_SPACE = re.compile("[\t\n\x0b\x0c\r\u2028\u2029]+")


def safe_label(text: object, max_len: int | None = None) -> str:
    """A name / id / message from the server as plain, single-line, inert text.

    Escape sequences and control characters are removed (whitespace controls
    become one space); ``max_len`` cuts to that many cells with an ellipsis.
    """
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    if _UNSAFE.search(text) or "\u202a" <= max(text, default=" "):
        text = _LABEL_SEQUENCES.sub("", text)
        text = _LABEL_SPACE.sub(" ", text)
        text = _LABEL_DROP.sub("", text)
    if max_len is not None and max_len >= 0 and cell_len(text) > max_len:
        text = set_cell_size(text, max(0, max_len - 1)).rstrip() + "…" if max_len else ""
    return text
