"""Crash reports and the optional log file, with secrets redacted.

- ``redact(text, secrets)``: the API key (and any other known secret) and
  anything that looks like a bearer token, an ``auth_token``, an API key
  assignment or the credentials of a URL (``http://user:pass@host``) become
  ``***``.
- ``redact_url_credentials(text)``: only the last (for server text shown on
  screen, where the other patterns would mask ordinary words).
- ``write_report(error, secrets=...)``: a plain-text report (versions, the
  traceback, redacted) in the user state directory
  (``platformdirs.user_state_dir("arker-tui")``, or ``$ARKER_TUI_STATE_DIR``);
  returns its path.
- ``open_log_file(path, secrets)``: DEBUG logging of ``arker_tui.*`` to a
  file (mode 0600, never through a symbolic link), every record redacted by
  ``RedactingFilter``.
"""

from __future__ import annotations

import datetime as _dt
import errno
import functools
import logging
import os
import platform
import re
import stat
import sys
import traceback
from pathlib import Path
from typing import Iterable

STATE_DIR_ENV = "ARKER_TUI_STATE_DIR"
LOG_ENV = "ARKER_TUI_LOG"
MASK = "***"


@functools.cache
def _patterns() -> list[re.Pattern[str]]:
    """What looks like a credential, whoever's it is (compiled on first use,
    not on the start-up path)."""
    return [
        re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{4,}"),
        re.compile(r"""(?i)(["']?(?:auth_token|api_key|apikey|access_token|token|password|secret)["']?\s*[:=]\s*["']?)"""
                   r"""[^\s"',;&)}\]]{4,}"""),
        re.compile(r"(?i)(ARKER_API_KEY\s*[:=]\s*[\"']?)[^\s\"',;&)}\]]+"),
        re.compile(r"(?i)(authorization\s*[:=]\s*[\"']?)[^\s\"',;&)}\]]{4,}"),
    ]


# The user-info part of a URL: ``scheme://user:password@`` (or ``token@``).
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^\s/?#@\[\]]+@")


def redact_url_credentials(text: str) -> str:
    """``text`` with the credentials of every URL in it masked."""
    if "@" not in text or "://" not in text:
        return text
    return _URL_CREDENTIALS.sub(lambda m: m.group(1) + MASK + "@", text)


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with every known secret and every credential-looking value masked."""
    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    for pattern in _patterns():
        text = pattern.sub(lambda m: m.group(1) + MASK, text)
    return redact_url_credentials(text)


def state_dir() -> Path:
    override = os.environ.get(STATE_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_state_dir("arker-tui"))


def _versions() -> str:
    from . import __version__

    parts = [f"arker-tui {__version__}", f"Python {platform.python_version()}", platform.platform()]
    for name in ("textual", "httpx", "pydantic", "rich"):
        try:
            from importlib.metadata import version

            parts.append(f"{name} {version(name)}")
        except Exception:  # pragma: no cover - metadata missing
            pass
    return "\n".join(parts)


def format_report(error: BaseException, secrets: Iterable[str | None] = (), context: str = "") -> str:
    trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    when = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    body = (f"arker-tui crash report\n{when}\n\n{_versions()}\n\n"
            + (f"{context}\n\n" if context else "")
            + trace)
    return redact(body, secrets)


def write_report(error: BaseException, secrets: Iterable[str | None] = (), context: str = "") -> Path:
    """Write a redacted crash report; returns where (the directory is made if needed)."""
    secrets = list(secrets)
    directory = state_dir()
    directory.mkdir(parents=True, exist_ok=True)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = directory / f"crash-{stamp}-{os.getpid()}.txt"
    n = 1
    while path.exists():
        n += 1
        path = directory / f"crash-{stamp}-{os.getpid()}-{n}.txt"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as out:
        out.write(format_report(error, secrets, context))
    return path


class RedactingFilter(logging.Filter):
    """Masks secrets in a record's message and exception text before it is written."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage(), self.secrets)
        record.args = None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info), self.secrets)
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.secrets)
        return True


class LogFileRefused(Exception):
    """The log file cannot be used safely (a symbolic link, not a file); the message says why."""


def _open_private(path: str | os.PathLike):
    """``path`` opened for appending, created with mode 0600 (an existing
    file is narrowed to 0600: it will hold request details), never through a
    symbolic link (O_NOFOLLOW) and only if it is a regular file."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_NONBLOCK", 0)  # a FIFO must not block the start; refused below
    if os.path.islink(path):
        raise LogFileRefused(f"{path} is a symbolic link; give the log file's own path")
    if os.path.exists(path) and not os.path.isfile(path):
        raise LogFileRefused(f"{path} is not a regular file")
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as error:
        if error.errno == errno.ELOOP:  # the last component is a link (O_NOFOLLOW)
            raise LogFileRefused(f"{path} is a symbolic link; give the log file's own path") from None
        raise LogFileRefused(f"cannot open {path}: {error.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise LogFileRefused(f"{path} is not a regular file")
        if stat.S_IMODE(info.st_mode) & 0o077:
            os.fchmod(fd, 0o600)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "a", encoding="utf-8", errors="replace")
    except BaseException:
        os.close(fd)
        raise


def open_log_file(path: str | os.PathLike, secrets: Iterable[str | None] = (),
                  level: int = logging.DEBUG) -> logging.Handler:
    """Log ``arker_tui.*`` to ``path`` (appending), redacted; returns the
    handler. Raises LogFileRefused for a symbolic link or anything else
    that is not a regular file it can open."""
    handler = logging.StreamHandler(_open_private(path))
    handler.setLevel(level)
    handler.addFilter(RedactingFilter(secrets))
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("arker_tui")
    logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > level:
        logger.setLevel(level)
    return handler


def close_log_file(handler: logging.Handler) -> None:
    logging.getLogger("arker_tui").removeHandler(handler)
    handler.close()
    stream = getattr(handler, "stream", None)
    if stream is not None:
        stream.close()  # a StreamHandler leaves its stream open


def tell_where(path: Path | None, stream=None) -> None:
    """After exit: say where the report is (stderr by default)."""
    if path is not None:
        print(f"arker-tui stopped after an unexpected error; a report (secrets removed) is in\n  {path}",
              file=stream or sys.stderr)
