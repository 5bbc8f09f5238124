"""The raw store: every fetched body, kept once, under its sha256.

Content addressing makes re-crawls idempotent (the same bytes land on the same key) and lets
an object store (S3, OSS) replace the local directory later: the crawl only relies on the
`RawStore` protocol below.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol, runtime_checkable

log = logging.getLogger(__name__)

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@runtime_checkable
class RawStore(Protocol):
    """Where raw bytes live, keyed by the sha256 of their content."""

    def put(self, data: bytes) -> str:
        """Store `data` (idempotently) and return its sha256 hex digest."""
        ...

    def get(self, sha256: str) -> bytes:
        """The bytes stored under `sha256`; KeyError when absent."""
        ...

    def exists(self, sha256: str) -> bool: ...

    def path(self, sha256: str) -> Path | None:
        """A local file holding the bytes, where the store has one (else None)."""
        ...


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class LocalRawStore:
    """A directory ``root/objects/ab/cdef…``: git-style fan-out keeps directories small."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.objects = self.root / "objects"
        self.objects.mkdir(parents=True, exist_ok=True)

    def _object_path(self, sha256: str) -> Path:
        if not _SHA256.match(sha256):
            # The key becomes a path: never let anything but a hex digest near the filesystem.
            raise KeyError(f"not a sha256 hex digest: {sha256!r}")
        return self.objects / sha256[:2] / sha256[2:]

    def put(self, data: bytes) -> str:
        digest = sha256_of(data)
        target = self._object_path(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write to a temp file in the same directory then rename: readers never see a partial
        # object, and two threads storing the same bytes both end with one whole file.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        log.debug("stored %d bytes as %s", len(data), digest)
        return digest

    def get(self, sha256: str) -> bytes:
        try:
            return self._object_path(sha256).read_bytes()
        except FileNotFoundError:
            raise KeyError(sha256) from None

    def exists(self, sha256: str) -> bool:
        try:
            return self._object_path(sha256).is_file()
        except KeyError:
            return False

    def path(self, sha256: str) -> Path | None:
        p = self._object_path(sha256)
        return p if p.is_file() else None

    def __repr__(self) -> str:
        return f"LocalRawStore({str(self.root)!r})"
