"""The raw store: every fetched body, kept once, under its sha256.

Content addressing makes re-crawls idempotent (the same bytes land on the same key), and the
bytes sit in any `Storage` (a local directory, an S3-compatible bucket): the crawl only relies
on the `RawStore` protocol below.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol, runtime_checkable

from gongkai.assets.storage import Directory, Storage

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


class ContentStore:
    """Bytes under ``objects/ab/cdef…`` of a storage: git-style fan-out keeps directories small."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    @staticmethod
    def _key(sha256: str) -> str:
        if not _SHA256.match(sha256):
            # The key becomes a path: never let anything but a hex digest near the filesystem.
            raise KeyError(f"not a sha256 hex digest: {sha256!r}")
        return f"objects/{sha256[:2]}/{sha256[2:]}"

    def put(self, data: bytes) -> str:
        digest = sha256_of(data)
        key = self._key(digest)
        if not self.storage.exists(key):
            self.storage.write(key, data)
            log.debug("stored %d bytes as %s", len(data), digest)
        return digest

    def get(self, sha256: str) -> bytes:
        return self.storage.read(self._key(sha256))

    def exists(self, sha256: str) -> bool:
        try:
            return self.storage.exists(self._key(sha256))
        except KeyError:
            return False

    def path(self, sha256: str) -> Path | None:
        return self.storage.local_path(self._key(sha256))

    # What a store of packed bodies (assets/crawl/packs.py) does beyond this one; here each body
    # is its own object, read when asked for and written when put.
    def prefetch(self, shas: Iterable[str]) -> None:
        """Read these bodies ahead, where that saves requests."""

    def forget(self) -> None:
        """Drop what `prefetch` read."""

    def note_years(self, years: dict[str, int | None]) -> None:
        """The year of bodies put but not yet written (how a pack orders them)."""

    def flush(self) -> None:
        """Write what was put and waits."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.storage.url!r})"


class LocalRawStore(ContentStore):
    """The raw store in a directory on this machine (``root/objects/ab/cdef…``)."""

    def __init__(self, root: Path | str) -> None:
        super().__init__(Directory(root))
        self.root = Path(root)
        self.objects = self.root / "objects"
        self.objects.mkdir(parents=True, exist_ok=True)
