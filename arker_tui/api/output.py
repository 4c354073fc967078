"""Decoding of run output and file content per their ``*_encoding``."""

from __future__ import annotations

import base64
import binascii


def decode_bytes(data: str, encoding: str | None) -> bytes:
    """Raw bytes of an encoded field. Raises ValueError on bad base64."""
    if (encoding or "utf-8").lower() == "base64":
        try:
            return base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(f"output is not valid base64: {exc}") from None
    return data.encode("utf-8", errors="surrogatepass")


def decode_output(data: str | None, encoding: str | None) -> str:
    """Text of a run's stdout/stderr. Never raises: undecodable base64 is
    reported in the text itself rather than crashing the view."""
    if not data:
        return ""
    if (encoding or "utf-8").lower() != "base64":
        return data
    try:
        raw = decode_bytes(data, "base64")
    except ValueError:
        return f"[output could not be decoded: {len(data)} characters of invalid base64]\n"
    return raw.decode("utf-8", errors="replace")
