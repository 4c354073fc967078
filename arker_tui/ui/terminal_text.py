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
from typing import Sequence

from rich.cells import cell_len, get_character_cell_size, set_cell_size
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from ..crash import redact_url_credentials

__all__ = [
    "MAX_LINE_CHARS",
    "TERMINAL_CONTROL_FREE",
    "TerminalStream",
    "ansi_to_text",
    "line_segments",
    "plain_of_stored",
    "safe_label",
    "tame_unicode",
    "sanitize_line",
    "visible_text",
    "wrap_cuts",
]

# A label after safe_label: nothing a terminal would act on, nothing invisible.
TERMINAL_CONTROL_FREE = re.compile("[^\x00-\x1f\x7f-\x9f" + "\u2028\u2029\u00ad\u061c\u180e\u200b-\u200f"
                                   "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]*")
MAX_LINE_CHARS = 16_384  # longer lines are split into continuation lines
TAB_SIZE = 8

# Invisible characters that can make text say something else than it shows:
# bidi embeddings / overrides / isolates / marks, zero-width space / joiners,
# the BOM, invisible operators, the soft hyphen, interlinear annotation.
_INVISIBLE = ("\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
              "\ufeff\ufff9-\ufffb")
# The same outside the BMP (tag characters, shorthand and musical format
# controls): looked for only when the text has such characters at all, as a
# class with astral ranges is slow to scan.
_INVISIBLE_ASTRAL = re.compile("[\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e007f]")

# Anything that needs the slow path: C0 controls except \n, DEL, C1, lone
# surrogates, Unicode line / paragraph separators, invisible characters.
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029" + _INVISIBLE + "]")

# Combining marks (Unicode categories Mn, Mc, Me; generated from unicodedata,
# Unicode 14.0). More than MAX_MARKS of them in a row (a "zalgo" flood: 20,000
# marks on one letter) are cut to MAX_MARKS: legitimate text rarely stacks
# more than three, and a flood costs terminal output and alignment.
MAX_MARKS = 4
_MARKS_BMP = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1-\u05c2\u05c4-\u05c5\u05c7\u0610-\u061a"
    "\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7-\u06e8\u06ea-\u06ed\u0711\u0730-\u074a"
    "\u07a6-\u07b0\u07eb-\u07f3\u07fd\u0816-\u0819\u081b-\u0823\u0825-\u0827\u0829-\u082d"
    "\u0859-\u085b\u0898-\u089f\u08ca-\u08e1\u08e3-\u0903\u093a-\u093c\u093e-\u094f\u0951-\u0957"
    "\u0962-\u0963\u0981-\u0983\u09bc\u09be-\u09c4\u09c7-\u09c8\u09cb-\u09cd\u09d7\u09e2-\u09e3\u09fe"
    "\u0a01-\u0a03\u0a3c\u0a3e-\u0a42\u0a47-\u0a48\u0a4b-\u0a4d\u0a51\u0a70-\u0a71\u0a75\u0a81-\u0a83"
    "\u0abc\u0abe-\u0ac5\u0ac7-\u0ac9\u0acb-\u0acd\u0ae2-\u0ae3\u0afa-\u0aff\u0b01-\u0b03\u0b3c"
    "\u0b3e-\u0b44\u0b47-\u0b48\u0b4b-\u0b4d\u0b55-\u0b57\u0b62-\u0b63\u0b82\u0bbe-\u0bc2"
    "\u0bc6-\u0bc8\u0bca-\u0bcd\u0bd7\u0c00-\u0c04\u0c3c\u0c3e-\u0c44\u0c46-\u0c48\u0c4a-\u0c4d"
    "\u0c55-\u0c56\u0c62-\u0c63\u0c81-\u0c83\u0cbc\u0cbe-\u0cc4\u0cc6-\u0cc8\u0cca-\u0ccd"
    "\u0cd5-\u0cd6\u0ce2-\u0ce3\u0d00-\u0d03\u0d3b-\u0d3c\u0d3e-\u0d44\u0d46-\u0d48\u0d4a-\u0d4d"
    "\u0d57\u0d62-\u0d63\u0d81-\u0d83\u0dca\u0dcf-\u0dd4\u0dd6\u0dd8-\u0ddf\u0df2-\u0df3\u0e31"
    "\u0e34-\u0e3a\u0e47-\u0e4e\u0eb1\u0eb4-\u0ebc\u0ec8-\u0ecd\u0f18-\u0f19\u0f35\u0f37\u0f39"
    "\u0f3e-\u0f3f\u0f71-\u0f84\u0f86-\u0f87\u0f8d-\u0f97\u0f99-\u0fbc\u0fc6\u102b-\u103e"
    "\u1056-\u1059\u105e-\u1060\u1062-\u1064\u1067-\u106d\u1071-\u1074\u1082-\u108d\u108f"
    "\u109a-\u109d\u135d-\u135f\u1712-\u1715\u1732-\u1734\u1752-\u1753\u1772-\u1773\u17b4-\u17d3"
    "\u17dd\u180b-\u180d\u180f\u1885-\u1886\u18a9\u1920-\u192b\u1930-\u193b\u1a17-\u1a1b\u1a55-\u1a5e"
    "\u1a60-\u1a7c\u1a7f\u1ab0-\u1ace\u1b00-\u1b04\u1b34-\u1b44\u1b6b-\u1b73\u1b80-\u1b82"
    "\u1ba1-\u1bad\u1be6-\u1bf3\u1c24-\u1c37\u1cd0-\u1cd2\u1cd4-\u1ce8\u1ced\u1cf4\u1cf7-\u1cf9"
    "\u1dc0-\u1dff\u20d0-\u20f0\u2cef-\u2cf1\u2d7f\u2de0-\u2dff\u302a-\u302f\u3099-\u309a"
    "\ua66f-\ua672\ua674-\ua67d\ua69e-\ua69f\ua6f0-\ua6f1\ua802\ua806\ua80b\ua823-\ua827\ua82c"
    "\ua880-\ua881\ua8b4-\ua8c5\ua8e0-\ua8f1\ua8ff\ua926-\ua92d\ua947-\ua953\ua980-\ua983"
    "\ua9b3-\ua9c0\ua9e5\uaa29-\uaa36\uaa43\uaa4c-\uaa4d\uaa7b-\uaa7d\uaab0\uaab2-\uaab4\uaab7-\uaab8"
    "\uaabe-\uaabf\uaac1\uaaeb-\uaaef\uaaf5-\uaaf6\uabe3-\uabea\uabec-\uabed\ufb1e\ufe00-\ufe0f"
    "\ufe20-\ufe2f"
)
_MARKS_ASTRAL = (
    "\U000101fd\U000102e0\U00010376-\U0001037a\U00010a01-\U00010a03\U00010a05-\U00010a06"
    "\U00010a0c-\U00010a0f\U00010a38-\U00010a3a\U00010a3f\U00010ae5-\U00010ae6\U00010d24-\U00010d27"
    "\U00010eab-\U00010eac\U00010f46-\U00010f50\U00010f82-\U00010f85\U00011000-\U00011002"
    "\U00011038-\U00011046\U00011070\U00011073-\U00011074\U0001107f-\U00011082\U000110b0-\U000110ba"
    "\U000110c2\U00011100-\U00011102\U00011127-\U00011134\U00011145-\U00011146\U00011173"
    "\U00011180-\U00011182\U000111b3-\U000111c0\U000111c9-\U000111cc\U000111ce-\U000111cf"
    "\U0001122c-\U00011237\U0001123e\U000112df-\U000112ea\U00011300-\U00011303\U0001133b-\U0001133c"
    "\U0001133e-\U00011344\U00011347-\U00011348\U0001134b-\U0001134d\U00011357\U00011362-\U00011363"
    "\U00011366-\U0001136c\U00011370-\U00011374\U00011435-\U00011446\U0001145e\U000114b0-\U000114c3"
    "\U000115af-\U000115b5\U000115b8-\U000115c0\U000115dc-\U000115dd\U00011630-\U00011640"
    "\U000116ab-\U000116b7\U0001171d-\U0001172b\U0001182c-\U0001183a\U00011930-\U00011935"
    "\U00011937-\U00011938\U0001193b-\U0001193e\U00011940\U00011942-\U00011943\U000119d1-\U000119d7"
    "\U000119da-\U000119e0\U000119e4\U00011a01-\U00011a0a\U00011a33-\U00011a39\U00011a3b-\U00011a3e"
    "\U00011a47\U00011a51-\U00011a5b\U00011a8a-\U00011a99\U00011c2f-\U00011c36\U00011c38-\U00011c3f"
    "\U00011c92-\U00011ca7\U00011ca9-\U00011cb6\U00011d31-\U00011d36\U00011d3a\U00011d3c-\U00011d3d"
    "\U00011d3f-\U00011d45\U00011d47\U00011d8a-\U00011d8e\U00011d90-\U00011d91\U00011d93-\U00011d97"
    "\U00011ef3-\U00011ef6\U00016af0-\U00016af4\U00016b30-\U00016b36\U00016f4f\U00016f51-\U00016f87"
    "\U00016f8f-\U00016f92\U00016fe4\U00016ff0-\U00016ff1\U0001bc9d-\U0001bc9e\U0001cf00-\U0001cf2d"
    "\U0001cf30-\U0001cf46\U0001d165-\U0001d169\U0001d16d-\U0001d172\U0001d17b-\U0001d182"
    "\U0001d185-\U0001d18b\U0001d1aa-\U0001d1ad\U0001d242-\U0001d244\U0001da00-\U0001da36"
    "\U0001da3b-\U0001da6c\U0001da75\U0001da84\U0001da9b-\U0001da9f\U0001daa1-\U0001daaf"
    "\U0001e000-\U0001e006\U0001e008-\U0001e018\U0001e01b-\U0001e021\U0001e023-\U0001e024"
    "\U0001e026-\U0001e02a\U0001e130-\U0001e136\U0001e2ae\U0001e2ec-\U0001e2ef\U0001e8d0-\U0001e8d6"
    "\U0001e944-\U0001e94a\U000e0100-\U000e01ef"
)
_MARK_RUN = re.compile("[" + _MARKS_BMP + "]{%d,}" % (MAX_MARKS + 1))
_MARK_RUN_ALL = re.compile("[" + _MARKS_BMP + _MARKS_ASTRAL + "]{%d,}" % (MAX_MARKS + 1))
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _keep_marks(match: re.Match[str]) -> str:
    return match.group()[:MAX_MARKS]


def tame_unicode(text: str) -> str:
    """``text`` with runs of combining marks cut to ``MAX_MARKS`` and astral
    invisible characters removed (BMP ones are the callers' job, with the
    controls). ASCII text is returned as is."""
    if text.isascii():
        return text
    if _ASTRAL.search(text):
        text = _INVISIBLE_ASTRAL.sub("", text)
        return _MARK_RUN_ALL.sub(_keep_marks, text)
    return _MARK_RUN.sub(_keep_marks, text)

_TOKEN = re.compile(
    r"(?P<csi>\x1b\[(?P<params>[0-?]*)(?P<inter>[ -/]*)(?P<final>[@-~]))"
    r"|(?P<str>\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c|(?=\x1b)|$))"  # OSC DCS SOS PM APC
    r"|(?P<esc2>\x1b[ -/]*[0-~])"  # ESC 7, ESC c, ESC ( B, a stray ST, ...
    r"|(?P<ctl>[\x00-\x1f\x7f-\x9f])"
    r"|(?P<sur>[\ud800-\udfff])"
    r"|(?P<sep>[\u2028\u2029])"
    r"|(?P<bidi>[" + _INVISIBLE + "])",  # bidi controls, zero-width characters: dropped
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
    if not raw.isascii():
        raw = tame_unicode(raw)
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
            if not data.isascii():
                data = tame_unicode(data)  # a flood of marks never fills the partial line
            self.pending = data
            if len(data) > MAX_LINE_CHARS:
                return self._bound_pending()
            return [], 0
        self.pending = data[cut + 1 :]
        body = data[:cut]
        if not body.isascii():
            body = tame_unicode(body)
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
                pieces = [raw]
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


_LABEL_ROW = re.compile("\x01[^\n]*")


def _without_sgr(text: str) -> str:
    """``text`` without its SGR sequences. A log uses few distinct ones, so each
    is removed everywhere at once with ``str.replace`` (C speed); ``re.sub``
    over 200,000 sequences costs ten times more. Many distinct ones: re.sub."""
    for _ in range(32):
        at = text.find("\x1b")
        if at < 0:
            return text
        found = _STORED_SGR.match(text, at)
        if found is None:
            break
        text = text.replace(found.group(), "")
    return _STORED_SGR.sub("", text)


def plain_of_stored(lines: Sequence[str]) -> list[str]:
    """The visible text of many stored lines at once, over the joined batch
    (the run log's stderr tag \\x00 removed, its label rows \\x01... made
    empty lines; str.find / replace passes, not regex scans: 100,000 lines
    in a few milliseconds)."""
    if not lines:
        return []
    joined = "\n".join(lines)
    if "\x01" in joined:
        joined = _LABEL_ROW.sub("", joined)
    if "\x00" in joined:
        joined = joined.replace("\x00", "")
    if "\x1b" in joined:
        joined = _without_sgr(joined)
    return joined.split("\n")


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
# C0, DEL, C1, surrogates, bidi controls (they can reorder what a label
# appears to say) and zero-width characters.
_LABEL_DROP = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff" + _INVISIBLE + "]")
_LABEL_SPACE = re.compile("[\t\n\x0b\x0c\r\u2028\u2029]+")


def safe_label(text: object, max_len: int | None = None) -> str:
    """A name / id / message from the server as plain, single-line, inert text.

    Escape sequences, control, bidi and zero-width characters are removed
    (whitespace controls become one space), runs of combining marks are
    bounded, URL credentials masked; ``max_len`` cuts to that many cells with an ellipsis.
    """
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    if _UNSAFE.search(text):
        text = _LABEL_SEQUENCES.sub("", text)
        text = _LABEL_SPACE.sub(" ", text)
        text = _LABEL_DROP.sub("", text)
    if not text.isascii():
        text = tame_unicode(text)  # after the drops: marks around a dropped character form one run
    text = redact_url_credentials(text)  # http://user:pass@host -> http://***@host
    if max_len is not None and max_len >= 0 and cell_len(text) > max_len:
        text = set_cell_size(text, max(0, max_len - 1)).rstrip() + "…" if max_len else ""
    return text
