"""File read/write over ``POST /v1/vms/{id}/sync``.

Read ``{path}``: files up to ``INLINE_LIMIT`` (256 KiB) come inline
(utf-8 text, or base64 when not valid utf-8); larger ones as a
``presigned_url`` that points at ``GET /_presigned/{token}`` on the same app.
Write ``{writes: [...]}``, each entry one of:
- ``{path, content, encoding="base64"|"utf-8", offset?, truncate?}`` -> ``{path, bytes_written}``
- ``{path, size}`` (no content) -> ``{path, upload_id, presigned_url, method: "PUT"}``;
  the bytes go to ``PUT /_presigned/upload/{upload_id}``
- ``{path, upload_id, sha256?}`` -> ``{path, size}`` (commit of an upload)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import posixpath
from typing import TYPE_CHECKING, Any

from arker_tui.api.errors import STATUS_FOR_CODE, ArkerError

from .records import VmRec

if TYPE_CHECKING:  # pragma: no cover
    from .world import World

INLINE_LIMIT = 256 * 1024
MAX_FILE_BYTES = 64 * 1024 * 1024


def _fail(code: str, message: str) -> ArkerError:
    return ArkerError(code, message, STATUS_FOR_CODE[code])


def _norm(field: str, path: Any) -> str:
    if not isinstance(path, str) or not path.startswith("/"):
        raise _fail("bad_request", f"{field}: an absolute path is required, got {path!r}")
    return posixpath.normpath(path)


class FilesMixin:
    def __init__(self) -> None:
        self.presigned: dict[str, tuple[str, bytes]] = {}  # token -> (vm_id, bytes)
        self.uploads: dict[str, dict[str, Any]] = {}  # upload_id -> {vm_id, path, size, data}

    def sync_file(self: "World", vm_id: str, body: dict[str, Any], base_url: str) -> dict[str, Any]:
        self.require_feature("files")
        if "writes" in body:
            return self.write_files(vm_id, body["writes"], base_url)
        if "path" in body:
            return self.read_file(vm_id, body["path"], base_url)
        raise _fail("bad_request", "path: a read needs path, a write needs writes")

    def read_file(self: "World", vm_id: str, path: Any, base_url: str) -> dict[str, Any]:
        vm = self.get_vm(vm_id)
        path = _norm("path", path)
        data = vm.files.get(path)
        if data is None:
            raise _fail("not_found", f"path: {path} not found in vm {vm.name}")
        if len(data) > INLINE_LIMIT:
            token = f"{self.rng.getrandbits(96):024x}"
            self.presigned[token] = (vm.vm_id, data)
            url = base_url.rstrip("/") + f"/_presigned/{token}"
            return {"path": path, "size": len(data), "presigned_url": url}
        try:
            content, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            content, encoding = base64.b64encode(data).decode("ascii"), "base64"
        return {"path": path, "size": len(data), "content": content, "encoding": encoding}

    def write_files(self: "World", vm_id: str, writes: Any, base_url: str) -> dict[str, Any]:
        vm = self.get_vm(vm_id, write=True)
        if not isinstance(writes, list) or not writes:
            raise _fail("bad_request", "writes: a non-empty list is required")
        results = []
        for i, w in enumerate(writes):
            if not isinstance(w, dict):
                raise _fail("bad_request", f"writes[{i}]: an object is required")
            path = _norm(f"writes[{i}].path", w.get("path"))
            if "content" in w:
                results.append(self._write_chunk(vm, i, path, w))
            elif "upload_id" in w:
                results.append(self._commit_upload(vm, i, path, w))
            elif "size" in w:
                results.append(self._start_upload(vm, i, path, w, base_url))
            else:
                raise _fail("bad_request", f"writes[{i}]: content, size or upload_id is required")
        return {"results": results}

    def _write_chunk(self, vm: VmRec, i: int, path: str, w: dict[str, Any]) -> dict[str, Any]:
        content, encoding = w.get("content"), w.get("encoding") or "base64"
        if not isinstance(content, str):
            raise _fail("bad_request", f"writes[{i}].content: a string is required")
        if encoding == "base64":
            try:
                data = base64.b64decode(content, validate=True)
            except (binascii.Error, ValueError):
                raise _fail("bad_request", f"writes[{i}].content: invalid base64") from None
        elif encoding in ("utf-8", "utf8"):
            data = content.encode("utf-8")
        else:
            raise _fail("bad_request", f"writes[{i}].encoding: expected base64 or utf-8, got {encoding!r}")
        offset = w.get("offset")
        if offset is not None and (not isinstance(offset, int) or offset < 0):
            raise _fail("bad_request", f"writes[{i}].offset: a non-negative integer is required")
        if offset is None:
            new = data
        else:
            old = vm.files.get(path, b"")
            old = old + b"\0" * max(0, offset - len(old))
            tail = b"" if w.get("truncate") else old[offset + len(data):]
            new = old[:offset] + data + tail
        if len(new) > MAX_FILE_BYTES:
            raise _fail("payload_too_large", f"writes[{i}]: {path} would exceed {MAX_FILE_BYTES} bytes")
        vm.files[path] = new
        return {"path": path, "bytes_written": len(data)}

    def _start_upload(self: "World", vm: VmRec, i: int, path: str, w: dict[str, Any],
                      base_url: str) -> dict[str, Any]:
        size = w.get("size")
        if not isinstance(size, int) or size < 0:
            raise _fail("bad_request", f"writes[{i}].size: a non-negative integer is required")
        if size > MAX_FILE_BYTES:
            raise _fail("payload_too_large", f"writes[{i}].size: {size} exceeds {MAX_FILE_BYTES} bytes")
        upload_id = f"up_{self.rng.getrandbits(64):016x}"
        self.uploads[upload_id] = {"vm_id": vm.vm_id, "path": path, "size": size, "data": None}
        url = base_url.rstrip("/") + f"/_presigned/upload/{upload_id}"
        return {"path": path, "upload_id": upload_id, "presigned_url": url, "method": "PUT"}

    def _commit_upload(self, vm: VmRec, i: int, path: str, w: dict[str, Any]) -> dict[str, Any]:
        up = self.uploads.get(str(w.get("upload_id")))
        if up is None or up["vm_id"] != vm.vm_id or up["path"] != path:
            raise _fail("not_found", f"writes[{i}].upload_id: unknown upload {w.get('upload_id')!r}")
        data = up["data"]
        if data is None:
            raise _fail("conflict", f"writes[{i}].upload_id: nothing was uploaded yet")
        sha = w.get("sha256")
        if sha and hashlib.sha256(data).hexdigest() != sha:
            raise _fail("bad_request", f"writes[{i}].sha256: does not match the uploaded bytes")
        vm.files[path] = data
        del self.uploads[str(w.get("upload_id"))]
        return {"path": path, "size": len(data)}

    def presigned_bytes(self, token: str) -> bytes | None:
        entry = self.presigned.get(token)
        return entry[1] if entry else None

    def receive_upload(self, upload_id: str, data: bytes) -> bool:
        up = self.uploads.get(upload_id)
        if up is None:
            return False
        up["data"] = data
        return True

    def forget_vm_files(self, vm: VmRec) -> None:
        for token in [t for t, (vm_id, _) in self.presigned.items() if vm_id == vm.vm_id]:
            del self.presigned[token]
        for up in [u for u, d in self.uploads.items() if d["vm_id"] == vm.vm_id]:
            del self.uploads[up]
