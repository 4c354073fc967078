"""A tiny deterministic fake shell.

A command line is parsed once, when the run is created, into a ``Program``: a
timeline of steps, each with a duration, an exit code and a pure function
``output(dt)`` giving what the step printed ``dt`` seconds after it started.
A run's output at any moment is therefore a function of (command, elapsed
time) and is materialized lazily, only when someone reads it.

Understood: ``echo [-n]``, ``sleep N`` (``infinity``), ``exit N``, ``true``,
``false``, ``cat PATH...``, ``pwd``, ``hostname``, ``whoami``, ``env``,
``ls [DIR]``, ``seq N``, ``date``, ``progress N [INTERVAL]``, ``cd [DIR]``,
``export NAME=VALUE...``, ``unset NAME...``, ``trap '' SIG...`` (ignore signals),
``train --epochs N [--interval S]`` and ``python train.py --epochs N``,
joined by ``;``, ``&&``, ``||`` (``|`` and ``&`` act like ``;``).
``$VAR`` expands from the session env. Anything else:
``sh: X: command not found`` on stderr, exit 127.

``cd``, ``export`` and ``unset`` change the context the later commands of
the line see; the program keeps the final cwd and env (``Program.cwd`` /
``Program.env``) so the world can keep them in the session.
"""

from __future__ import annotations

import math
import posixpath
import re
import shlex
from dataclasses import dataclass, field, replace
from typing import Callable, Mapping

from .clock import iso

GREEN, YELLOW, BOLD, RESET = "\x1b[32m", "\x1b[33m", "\x1b[1m", "\x1b[0m"


class Step:
    duration: float = 0.0
    exit_code: int = 0
    ends_shell: bool = False

    def output(self, dt: float) -> tuple[bytes, bytes]:
        raise NotImplementedError


@dataclass
class Instant(Step):
    """A step that prints at once and ends."""

    stdout: bytes = b""
    stderr: bytes = b""
    exit_code: int = 0
    ends_shell: bool = False
    duration: float = 0.0

    def output(self, dt: float) -> tuple[bytes, bytes]:
        return self.stdout, self.stderr


@dataclass
class Sleep(Step):
    """A step that prints nothing for ``duration`` seconds."""

    duration: float = 0.0
    exit_code: int = 0

    def output(self, dt: float) -> tuple[bytes, bytes]:
        return b"", b""


@dataclass
class Progress(Step):
    """``count`` lines, one every ``interval`` seconds (line i at i*interval).

    ``style`` "train" prints ``epoch 0001 loss=0.4121 ok`` lines with ANSI
    colour and a stderr warning every 25 epochs; "progress" prints
    ``progress i/N p%`` with a stderr note every 5 lines.
    """

    count: int = 10
    interval: float = 1.0
    style: str = "progress"
    exit_code: int = 0

    @property
    def duration(self) -> float:  # type: ignore[override]
        return self.count * self.interval

    def lines_at(self, dt: float) -> int:
        if self.interval <= 0:
            return self.count
        return max(0, min(self.count, int(math.floor(dt / self.interval + 1e-9))))

    # The output at the last ``lines_at`` asked for: a poll renders only the
    # lines printed since. Rendered whole, the demo's day-long training run
    # costs some 70 ms of CPU per poll by the evening, in the app's process.
    _printed: tuple[int, bytes, bytes] = field(default=(0, b"", b""), init=False, repr=False, compare=False)

    def output(self, dt: float) -> tuple[bytes, bytes]:
        k = self.lines_at(dt)
        done, out, err = self._printed
        if not out or k < done:  # the first call, or an earlier moment
            done, out, err = 0, self._lines(0, 0), b""
        if k > done:
            out, err = out + self._lines(done + 1, k), err + self._notes(done + 1, k)
        self._printed = (k, out, err)
        return out, err

    def _lines(self, first: int, last: int) -> bytes:
        """stdout lines ``first``..``last`` (0: the heading line)."""
        if self.style == "train":
            width = max(4, len(str(self.count)))
            out = [f"{BOLD}training{RESET} epochs={self.count} interval={self.interval:g}s\n"] if first == 0 else []
            out += [_train_line(i, width) for i in range(max(first, 1), last + 1)]
        else:
            out = [f"progress {i}/{self.count} {i * 100 // self.count}%\n" for i in range(max(first, 1), last + 1)]
        return "".join(out).encode()

    def _notes(self, first: int, last: int) -> bytes:
        """The stderr lines printed along with stdout lines ``first``..``last``."""
        every = 25 if self.style == "train" else 5
        start = max(every, -(-first // every) * every)
        if self.style == "train":
            width = max(4, len(str(self.count)))
            err = [f"{YELLOW}warning{RESET}: checkpoint saved at epoch {i:0{width}d}\n"
                   for i in range(start, last + 1, every)]
        else:
            err = [f"note: checkpoint {i}\n" for i in range(start, last + 1, every)]
        return "".join(err).encode()


@dataclass
class Scripted(Step):
    """Canned output: ``events`` are ``(t, "out"|"err", text)``; runs ``duration`` s."""

    events: list[tuple[float, str, str]] = field(default_factory=list)
    duration: float = 0.0
    exit_code: int = 0

    def output(self, dt: float) -> tuple[bytes, bytes]:
        out = "".join(text for t, stream, text in self.events if t <= dt and stream == "out")
        err = "".join(text for t, stream, text in self.events if t <= dt and stream == "err")
        return out.encode(), err.encode()


def scripted(command: str, events: list[tuple[float, str, str]], duration: float,
             exit_code: int = 0) -> Program:
    """A Program with canned output (for demo runs of commands the shell lacks)."""
    step = Scripted(events=events, duration=duration, exit_code=exit_code)
    return Program(command, [(0.0, step)], duration, exit_code)


def _train_line(i: int, width: int) -> str:
    loss = 0.3 + 2.2 * math.exp(-i / 60.0) + 0.01 * math.sin(i * 1.7)
    return f"epoch {i:0{width}d} loss={loss:.4f} {GREEN}ok{RESET}\n"


@dataclass
class Program:
    """A timeline of steps: ``(start_offset, step)`` for every step that runs."""

    command: str
    timeline: list[tuple[float, Step]] = field(default_factory=list)
    duration: float = 0.0
    exit_code: int = 0
    # The session's cwd and env after the line (cd / export / unset).
    cwd: str | None = None
    env: dict[str, str] | None = None
    ignored_signals: frozenset[str] = frozenset()  # ``trap '' INT``: names without SIG

    def output(self, elapsed: float) -> tuple[bytes, bytes]:
        """What the program printed ``elapsed`` seconds after it started."""
        outs: list[bytes] = []
        errs: list[bytes] = []
        for start, step in self.timeline:
            if start > elapsed:
                break
            o, e = step.output(min(elapsed - start, step.duration))
            outs.append(o)
            errs.append(e)
        return b"".join(outs), b"".join(errs)


@dataclass
class ShellContext:
    """What a command line sees: the VM's files, cwd, env, hostname and time."""

    files: Mapping[str, bytes] = field(default_factory=dict)
    cwd: str = "/home/user"
    env: dict[str, str] = field(default_factory=dict)
    hostname: str = "arker"
    now: float = 0.0
    ignored_signals: set[str] = field(default_factory=set)


_REDIRECT = re.compile(r"\s\d?>>?\s*(&\d|/dev/null)")
_VAR = re.compile(r"\$(?:\{(\w+)\}|(\w+))")


def parse(command: str, ctx: ShellContext | None = None) -> Program:
    """Parse a command line into its deterministic timeline."""
    # A private copy: cd / export change it as the line goes, never the caller's.
    ctx = replace(ctx or ShellContext(), env=dict((ctx.env if ctx else None) or {}), ignored_signals=set())
    text = _REDIRECT.sub(" ", command)
    text = _VAR.sub(lambda m: ctx.env.get(m.group(1) or m.group(2), ""), text)
    try:
        lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        tokens = list(lexer)
    except ValueError as exc:
        step: Step = Instant(stderr=f"sh: syntax error: {exc}\n".encode(), exit_code=2)
        return Program(command, [(0.0, step)], 0.0, 2, cwd=ctx.cwd, env=ctx.env)

    # Split into (operator-before, argv) pairs.
    pieces: list[tuple[str, list[str]]] = []
    op, argv = ";", list[str]()
    for tok in tokens:
        if tok in (";", "&&", "||", "|", "&", ";;"):
            if argv:
                pieces.append((op, argv))
            op = {"|": ";", "&": ";", ";;": ";"}.get(tok, tok)
            argv = []
        else:
            argv.append(tok)
    if argv:
        pieces.append((op, argv))

    program = Program(command)
    t, last = 0.0, 0
    for op, argv in pieces:
        if (op == "&&" and last != 0) or (op == "||" and last == 0):
            continue
        step = run_simple(argv, ctx)
        program.timeline.append((t, step))
        t += step.duration
        last = step.exit_code
        if step.ends_shell or math.isinf(t):
            break
    program.duration, program.exit_code = t, last
    program.cwd, program.env = ctx.cwd, ctx.env
    program.ignored_signals = frozenset(ctx.ignored_signals)
    return program


def _text(s: str) -> bytes:
    return s.encode()


def _not_found(name: str) -> Instant:
    return Instant(stderr=_text(f"sh: {name}: command not found\n"), exit_code=127)


def _int(value: str, default: int) -> int:
    try:
        return int(value)
    except ValueError:
        return default


def _flag(argv: list[str], name: str, default: str) -> str:
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return default


def _train(argv: list[str]) -> Step:
    epochs = _int(_flag(argv, "--epochs", "20"), 20)
    interval = float(_flag(argv, "--interval", "0.5"))
    return Progress(count=max(0, epochs), interval=max(0.0, interval), style="train")


def _cat(argv: list[str], ctx: ShellContext) -> Step:
    out, err, code = [], [], 0
    for arg in argv[1:]:
        path = posixpath.normpath(posixpath.join(ctx.cwd, arg))
        if path in ctx.files:
            out.append(bytes(ctx.files[path]))
        else:
            err.append(_text(f"cat: {arg}: No such file or directory\n"))
            code = 1
    return Instant(stdout=b"".join(out), stderr=b"".join(err), exit_code=code)


def _ls(argv: list[str], ctx: ShellContext) -> Step:
    args = [a for a in argv[1:] if not a.startswith("-")]
    base = posixpath.normpath(posixpath.join(ctx.cwd, args[0] if args else "."))
    if base in ctx.files:
        return Instant(stdout=_text(posixpath.basename(base) + "\n"))
    prefix = base.rstrip("/") + "/"
    names = sorted({p[len(prefix):].split("/")[0] for p in ctx.files if p.startswith(prefix)})
    if not names and base in STANDARD_DIRS:
        return Instant()  # an empty directory
    if not names:
        msg = f"ls: cannot access '{args[0] if args else base}': No such file or directory\n"
        return Instant(stderr=_text(msg), exit_code=2)
    return Instant(stdout=_text("".join(n + "\n" for n in names)))


def _sleep(argv: list[str]) -> Step:
    if len(argv) < 2:
        return Instant(stderr=b"sleep: missing operand\n", exit_code=1)
    arg = argv[1]
    if arg in ("inf", "infinity"):
        return Sleep(duration=math.inf)
    try:
        seconds = float(arg.rstrip("s"))
    except ValueError:
        return Instant(stderr=_text(f"sleep: invalid time interval '{arg}'\n"), exit_code=1)
    return Sleep(duration=max(0.0, seconds))


def _echo(argv: list[str]) -> Step:
    args = argv[1:]
    newline = "\n"
    if args and args[0] == "-n":
        args, newline = args[1:], ""
    return Instant(stdout=_text(" ".join(args) + newline))


def _exit(argv: list[str]) -> Step:
    code = _int(argv[1], 2) if len(argv) > 1 else 0
    return Instant(exit_code=code & 0xFF, ends_shell=True)


def _python(argv: list[str]) -> Step:
    script = next((a for a in argv[1:] if not a.startswith("-")), None)
    if script and posixpath.basename(script) == "train.py":
        return _train(argv)
    if script is None:
        return Instant(stdout=b"Python 3.12.3\n")
    msg = f"python: can't open file '{script}': [Errno 2] No such file or directory\n"
    return Instant(stderr=_text(msg), exit_code=2)


def _progress(argv: list[str]) -> Step:
    count = _int(argv[1], 10) if len(argv) > 1 else 10
    interval = float(argv[2]) if len(argv) > 2 else 1.0
    return Progress(count=max(0, count), interval=max(0.0, interval))


def _seq(argv: list[str]) -> Step:
    n = _int(argv[-1], 0) if len(argv) > 1 else 0
    return Instant(stdout=_text("".join(f"{i}\n" for i in range(1, n + 1))))


# Directories every VM has (besides the parents of its files).
STANDARD_DIRS = frozenset({"/", "/tmp", "/home", "/home/user", "/root", "/etc", "/var", "/var/log", "/usr",
                           "/usr/bin", "/usr/local", "/opt", "/srv", "/mnt", "/dev", "/proc", "/workspace"})
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _is_dir(path: str, ctx: ShellContext) -> bool:
    if path in STANDARD_DIRS:
        return True
    prefix = path.rstrip("/") + "/"
    return any(p.startswith(prefix) for p in ctx.files)


def _cd(argv: list[str], ctx: ShellContext) -> Step:
    if len(argv) > 2:
        return Instant(stderr=b"sh: cd: too many arguments\n", exit_code=1)
    arg = argv[1] if len(argv) > 1 else ctx.env.get("HOME", "/home/user")
    if arg == "~" or arg.startswith("~/"):
        arg = ctx.env.get("HOME", "/home/user") + arg[1:]
    path = posixpath.normpath(posixpath.join(ctx.cwd, arg))
    path = "/" + path.lstrip("/")  # normpath keeps a leading "//"
    if path in ctx.files:
        return Instant(stderr=_text(f"sh: cd: {arg}: Not a directory\n"), exit_code=1)
    if not _is_dir(path, ctx):
        return Instant(stderr=_text(f"sh: cd: {arg}: No such file or directory\n"), exit_code=1)
    ctx.cwd = path
    return Instant()


def _export(argv: list[str], ctx: ShellContext) -> Step:
    if len(argv) == 1:
        return Instant(stdout=_text("".join(f"export {k}={shlex.quote(v)}\n" for k, v in sorted(ctx.env.items()))))
    errors = []
    for arg in argv[1:]:
        name, has_value, value = arg.partition("=")
        if not _NAME.match(name):
            errors.append(f"sh: export: '{arg}': not a valid identifier\n")
        elif has_value:
            ctx.env[name] = value
    return Instant(stderr=_text("".join(errors)), exit_code=1 if errors else 0)


def _trap(argv: list[str], ctx: ShellContext) -> Step:
    """Only ``trap '' SIG...`` (ignore them) and ``trap - SIG...`` (default again)."""
    if len(argv) < 3 or argv[1] not in ("", "-"):
        return Instant(stderr=b"sh: trap: only \"trap '' SIGNAL\" and \"trap - SIGNAL\" are understood\n",
                       exit_code=2)
    names = {a.upper().removeprefix("SIG") for a in argv[2:]} - {"KILL"}  # SIGKILL cannot be ignored
    if argv[1] == "":
        ctx.ignored_signals |= names
    else:
        ctx.ignored_signals -= names
    return Instant()


def _unset(argv: list[str], ctx: ShellContext) -> Step:
    for name in argv[1:]:
        ctx.env.pop(name, None)
    return Instant()


_COMMANDS: dict[str, Callable[[list[str], ShellContext], Step]] = {
    "echo": lambda a, c: _echo(a),
    "sleep": lambda a, c: _sleep(a),
    "exit": lambda a, c: _exit(a),
    "true": lambda a, c: Instant(),
    ":": lambda a, c: Instant(),
    "false": lambda a, c: Instant(exit_code=1),
    "cat": _cat,
    "ls": _ls,
    "pwd": lambda a, c: Instant(stdout=_text(c.cwd + "\n")),
    "cd": _cd,
    "export": _export,
    "unset": _unset,
    "trap": _trap,
    "hostname": lambda a, c: Instant(stdout=_text(c.hostname + "\n")),
    "whoami": lambda a, c: Instant(stdout=b"user\n"),
    "env": lambda a, c: Instant(stdout=_text("".join(f"{k}={v}\n" for k, v in c.env.items()))),
    "date": lambda a, c: Instant(stdout=_text((iso(c.now) or "") + "\n")),
    "seq": lambda a, c: _seq(a),
    "progress": lambda a, c: _progress(a),
    "train": lambda a, c: _train(a),
    "python": lambda a, c: _python(a),
    "python3": lambda a, c: _python(a),
}


def run_simple(argv: list[str], ctx: ShellContext) -> Step:
    name = argv[0]
    handler = _COMMANDS.get(name) or _COMMANDS.get(posixpath.basename(name))
    if handler is None:
        return _not_found(name)
    try:
        return handler(argv, ctx)
    except ValueError as exc:  # e.g. a non-numeric interval
        return Instant(stderr=_text(f"{name}: {exc}\n"), exit_code=2)
