"""Where the store's files live: a directory on this machine, or a prefix of an S3-compatible
bucket. The one seam between gongkai's files and the place that holds them.

The raw store, the fetch log, the crawl catalog and the staged report frames read and write
through `Storage` only, so the same code runs on a laptop (`data/store`) and on a cluster
(`s3://gongkai/store`, through obstore). Keys are relative POSIX paths (`raw/objects/ab/cd…`).
Writing a key replaces it whole: a reader sees the old bytes or the new ones, never part of
them (a rename in a directory, a single PUT in a bucket).
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol, runtime_checkable

import polars as pl

OBJECT_STORE_SCHEMES = ("s3://", "s3a://", "gs://", "az://", "abfs://", "memory://")


class StorageUnavailable(OSError):
    """A location gongkai cannot open on this installation (say, s3:// without obstore)."""


@runtime_checkable
class Storage(Protocol):
    """Whole files under relative keys."""

    url: str  # where it is, as the user wrote it (a directory or s3://bucket/prefix)

    def read(self, key: str) -> bytes:
        """The bytes under `key`; KeyError when there are none."""
        ...

    def read_range(self, key: str, start: int, end: int) -> bytes:
        """Bytes `start` to `end` (exclusive) of the file under `key`; KeyError when none."""
        ...

    def write(self, key: str, data: bytes) -> None:
        """Put `data` under `key`, replacing what was there all at once."""
        ...

    def exists(self, key: str) -> bool: ...

    def keys(self, prefix: str) -> list[str]:
        """Every key under the folder `prefix` (recursively), sorted."""
        ...

    def delete(self, key: str) -> None:
        """Remove `key` (nothing happens if it is absent)."""
        ...

    def local_path(self, key: str) -> Path | None:
        """A file on this machine holding the key's bytes, where the storage has one."""
        ...

    def working_copy(self, key: str):
        """A context manager: a local file to use in place (a SQLite database), written back
        under `key` when the block ends without an error."""
        ...


def open_storage(location: str | os.PathLike | Storage) -> Storage:
    """The storage at a location: an `s3://bucket/prefix` URL (endpoint and credentials from
    the AWS_* environment variables, as every S3 client reads them), else a directory."""
    if isinstance(location, Storage):
        return location
    text = str(location)
    if text.startswith(OBJECT_STORE_SCHEMES):
        return Bucket(text)
    return Directory(location)


def read_frame(storage: Storage, key: str) -> pl.DataFrame | None:
    """The Parquet frame under `key`, None when there is none."""
    try:
        return pl.read_parquet(io.BytesIO(storage.read(key)))
    except KeyError:
        return None


def write_frame(storage: Storage, key: str, frame: pl.DataFrame) -> None:
    """Replace the Parquet frame under `key` all at once."""
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    storage.write(key, buffer.getvalue())


def join(url: str, prefix: str) -> str:
    """`url` with a sub-folder: a directory path or a bucket URL alike."""
    return url.rstrip("/") + "/" + prefix.strip("/")


class Directory:
    """A directory on this machine; keys are paths under it."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)
        self.url = str(root)

    def _path(self, key: str) -> Path:
        return self.root / key

    def read(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise KeyError(key) from None

    def read_range(self, key: str, start: int, end: int) -> bytes:
        try:
            with self._path(key).open("rb") as fh:
                fh.seek(start)
                return fh.read(end - start)
        except FileNotFoundError:
            raise KeyError(key) from None

    def write(self, key: str, data: bytes) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        # A temp file in the same directory, then a rename: readers never see a partial file,
        # and two writers of the same key both end with one whole file.
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

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def keys(self, prefix: str) -> list[str]:
        folder = self._path(prefix)
        if not folder.is_dir():
            return []
        return sorted(p.relative_to(self.root).as_posix() for p in folder.rglob("*") if p.is_file())

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def local_path(self, key: str) -> Path | None:
        path = self._path(key)
        return path if path.is_file() else None

    @contextmanager
    def working_copy(self, key: str) -> Iterator[Path]:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        yield path  # the file itself: SQLite keeps it consistent

    def __repr__(self) -> str:
        return f"Directory({self.url!r})"


class Bucket:
    """A prefix of an object store bucket, through obstore (S3, MinIO, Ceph, OSS, COS…)."""

    def __init__(self, url: str) -> None:
        try:
            from obstore.store import from_url
        except ImportError:
            raise StorageUnavailable(f"{url}: a store in a bucket needs obstore "
                                     "(pip install 'gongkai[cluster]')") from None
        self.url = url
        self.store = from_url(url)

    def read(self, key: str) -> bytes:
        import obstore

        try:
            return bytes(obstore.get(self.store, key).bytes())
        except FileNotFoundError:
            raise KeyError(key) from None

    def read_range(self, key: str, start: int, end: int) -> bytes:
        import obstore

        try:
            return bytes(obstore.get_range(self.store, key, start=start, end=end))
        except FileNotFoundError:
            raise KeyError(key) from None

    def write(self, key: str, data: bytes) -> None:
        import obstore

        obstore.put(self.store, key, data)  # one PUT: the object appears whole or not at all

    def exists(self, key: str) -> bool:
        import obstore

        try:
            obstore.head(self.store, key)
        except FileNotFoundError:
            return False
        return True

    def keys(self, prefix: str) -> list[str]:
        import obstore

        folder = prefix.strip("/")
        found = obstore.list(self.store, folder + "/" if folder else None).collect()
        return sorted(meta["path"] for meta in found)

    def delete(self, key: str) -> None:
        import obstore

        try:
            obstore.delete(self.store, key)
        except FileNotFoundError:
            pass

    def local_path(self, key: str) -> Path | None:
        return None

    @contextmanager
    def working_copy(self, key: str) -> Iterator[Path]:
        folder = Path(tempfile.mkdtemp(prefix="gongkai-"))
        path = folder / Path(key).name
        try:
            try:
                path.write_bytes(self.read(key))
            except KeyError:
                pass  # a first run: the file is created here
            yield path
            if path.exists():
                self.write(key, path.read_bytes())
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def __repr__(self) -> str:
        return f"Bucket({self.url!r})"
