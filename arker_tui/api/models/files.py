"""Requests and answers of filesystems and syncs: create, delete, and
reading and writing files through a sync."""

from typing import Any

from pydantic import Field

from .base import ApiModel

__all__ = [
    "DeleteFilesystemResponse", "FilesystemCreateRequest", "DeleteSyncResponse", "SyncCreateRequest",
    "SyncReadRequest", "SyncReadInlineResponse", "SyncReadPresignedResponse", "SyncReadResponse",
    "SyncByteRange", "SyncChunkWrite", "SyncPresignedWriteRequest", "SyncPresignedWriteCommit",
    "SyncWriteRequest", "SyncChunkWriteResult", "SyncPresignedWriteRequestResult",
    "SyncCommitWriteResult", "SyncWriteResponse",
]


class DeleteFilesystemResponse(ApiModel):
    deleted: bool = False


class FilesystemCreateRequest(ApiModel):
    name: str


class DeleteSyncResponse(ApiModel):
    deleted: bool = False


class SyncCreateRequest(ApiModel):
    filesystem_id: str
    path: str | None = None


class SyncReadRequest(ApiModel):
    path: str


class SyncReadInlineResponse(ApiModel):
    path: str
    size: int = 0
    content: str = ""
    encoding: str = "utf-8"


class SyncReadPresignedResponse(ApiModel):
    path: str
    size: int = 0
    presigned_url: str = Field(repr=False)


SyncReadResponse = SyncReadInlineResponse | SyncReadPresignedResponse


class SyncByteRange(ApiModel):
    start: int = 0
    end: int = 0


class SyncChunkWrite(ApiModel):
    """Inline write of (a chunk of) a file. Shape partly outside the seed."""

    path: str
    content: str = ""
    encoding: str = "base64"
    offset: int | None = None
    truncate: bool | None = None


class SyncPresignedWriteRequest(ApiModel):
    path: str
    size: int = 0


class SyncPresignedWriteCommit(ApiModel):
    path: str
    upload_id: str
    sha256: str | None = None


class SyncWriteRequest(ApiModel):
    writes: list[dict[str, Any]] = []


class SyncChunkWriteResult(ApiModel):
    path: str = ""
    bytes_written: int | None = None


class SyncPresignedWriteRequestResult(ApiModel):
    path: str = ""
    upload_id: str = ""
    presigned_url: str = Field(default="", repr=False)
    method: str = "PUT"


class SyncCommitWriteResult(ApiModel):
    path: str = ""
    size: int | None = None


class SyncWriteResponse(ApiModel):
    # Each result is one of the three *Result shapes; kept as raw dicts since
    # their discriminating fields are outside the seed.
    results: list[dict[str, Any]] = []
