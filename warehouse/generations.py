"""The lifetime of year files: a replaced catalog is kept (hard link + the list of files it
reads) while any process may still read it, and a year file is deleted once no kept catalog
and not the live one lists it. See loader.py for the whole scheme."""

from __future__ import annotations

import fcntl
import json
import os
import struct
import time
from pathlib import Path


def keep_generation(parts_dir: Path, catalog: Path, files: list[str] | None) -> None:
    """Keep the catalog about to be replaced (a hard link: readers may hold it open) and
    the list of the files it reads."""
    generations = parts_dir / "_catalogs"
    generations.mkdir(parents=True, exist_ok=True)
    name = f"{time.time_ns()}"
    (generations / f"{name}.json").write_text(json.dumps(files or []), encoding="utf-8")
    os.link(catalog, generations / f"{name}.duckdb")


def collect_garbage(parts_dir: Path, current: list[str]) -> None:
    """Drop the replaced catalogs no process has open (but the newest one, whose readers
    may be opening it this instant), then every year file no catalog lists."""
    if not parts_dir.exists():
        return
    kept = parts_dir / "_catalogs"
    generations = sorted(kept.glob("*.duckdb")) if kept.exists() else []
    listed: set[str] = set(current)
    open_here = _open_in_this_process()
    for i, gen in enumerate(generations):
        manifest = gen.with_suffix(".json")
        if i < len(generations) - 1 and not _in_use(gen, open_here):
            remove(gen, wal=False)
            remove(manifest, wal=False)
            continue
        try:
            listed.update(json.loads(manifest.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return  # a catalog without its list: keep every file
    for path in parts_dir.glob("*/*.parquet"):
        if str(path.resolve()) not in listed:
            remove(path, wal=False)


def _open_in_this_process() -> set[tuple[int, int]]:
    """(device, inode) of every file this process has open (Linux: /proc/self/fd)."""
    out = set()
    try:
        fds = os.listdir("/proc/self/fd")
    except OSError:
        return out
    for fd in fds:
        try:
            st = os.stat(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        out.add((st.st_dev, st.st_ino))
    return out


def _in_use(path: Path, open_here: set[tuple[int, int]]) -> bool:
    """Whether a process holds a DuckDB connection on the file: this one (it has the file
    open), or another (DuckDB holds a POSIX lock on the file for as long as it is open; an
    open-file-description write lock conflicts with it). The lock probe alone would not do
    for this process: POSIX locks never conflict within a process, and closing any
    descriptor of a file drops them all."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    if (st.st_dev, st.st_ino) in open_here:
        return True
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.fcntl(fd, fcntl.F_OFD_SETLK, struct.pack("hhqqi", fcntl.F_WRLCK, 0, 0, 0, 0))
    except OSError:
        return True
    else:
        return False
    finally:
        os.close(fd)


def remove(path: Path, wal: bool = True) -> None:
    for p in (path, path.with_name(path.name + ".wal")) if wal else (path,):
        try:
            p.unlink()
        except FileNotFoundError:
            pass



def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
