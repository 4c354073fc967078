"""The one error type of the API layer: ``ArkerError(code, message, status)``."""

from __future__ import annotations

# HTTP status for each error code (assumption of arker-api.md; the emulator
# answers with these, the client maps a bare status back to a code).
STATUS_FOR_CODE: dict[str, int] = {
    "bad_request": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "payload_too_large": 413,
    "resource_pressure": 429,
    "internal": 500,
    "not_implemented": 501,
    "unsupported_operation": 501,
    "unavailable": 503,
    "network_error": 0,
}

_CODE_FOR_STATUS: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    413: "payload_too_large",
    429: "resource_pressure",
    500: "internal",
    501: "not_implemented",
    502: "unavailable",
    503: "unavailable",
    504: "unavailable",
}


def code_for_status(status: int) -> str:
    if status in _CODE_FOR_STATUS:
        return _CODE_FOR_STATUS[status]
    return "internal" if status >= 500 else "bad_request"


class ArkerError(Exception):
    """Every failure of an API call. ``status`` is 0 when no HTTP answer came."""

    def __init__(
        self,
        code: str,
        message: str,
        status: int = 0,
        *,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.retry_after = retry_after

    def __str__(self) -> str:
        where = f"HTTP {self.status}" if self.status else "no answer"
        return f"{self.code}: {self.message} ({where})"

    def __repr__(self) -> str:
        return f"ArkerError(code={self.code!r}, message={self.message!r}, status={self.status})"

    def detached(self) -> "ArkerError":
        """The same error, never raised: no traceback, so none of the frames
        (and their locals) of where it happened, however long it is kept."""
        return ArkerError(self.code, self.message, self.status, retry_after=self.retry_after)

    def __reduce__(self):  # keep the error picklable with its fields
        return (_rebuild_error, (self.code, self.message, self.status, self.retry_after))


def _rebuild_error(code: str, message: str, status: int, retry_after: float | None) -> ArkerError:
    return ArkerError(code, message, status, retry_after=retry_after)
