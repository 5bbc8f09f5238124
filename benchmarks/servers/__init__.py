"""Real servers on 127.0.0.1 for the tests and benchmarks that need them (the lake, the cluster
profile), started on a free port and stopped (their files deleted) when the block ends:
PostgreSQL from the system's binaries, Redis (`redis-server`), and an S3 endpoint from moto's
server. `ServerUnavailable` says why one cannot run here; tests/servers.py turns it into a skip.

Every server process is this process's child and gets SIGTERM (Postgres: SIGQUIT, its
immediate shutdown) when this process dies, however it dies (`die_with_parent`): a killed test
or benchmark leaves no server behind.
"""

from __future__ import annotations

import ctypes
import glob
import logging
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path


class ServerUnavailable(RuntimeError):
    """A server this machine cannot run (its program is not installed)."""


PR_SET_PDEATHSIG = 1  # prctl(2)
# Looked up now, not in the forked child (where loading a library could wait on a lock that a
# thread of the parent held at the fork).
_prctl = ctypes.CDLL(None).prctl if sys.platform.startswith("linux") else None


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """In a child between fork and exec (`preexec_fn`, which runs no Python that takes locks
    here: safe beside the parent's threads): have the kernel send `sig` when the parent goes,
    even by SIGKILL. Linux only; elsewhere nothing. Cleared by a change of user: call it after."""
    if _prctl is not None:
        _prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_bin() -> Path:
    found = shutil.which("pg_ctl") or next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))), None)
    if not found:
        raise ServerUnavailable("PostgreSQL is not installed (no pg_ctl on PATH or in "
                                "/usr/lib/postgresql/*/bin; Debian: apt-get install postgresql)")
    return Path(found).resolve().parent


@dataclass(frozen=True)
class Postgres:
    port: int
    bin: Path
    pid: int = 0  # the server's (postmaster's) process

    def dsn(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new database; its DSN."""
        subprocess.run([str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                        "-U", "postgres", name], check=True, capture_output=True)
        return self.dsn(name)

    def query(self, database: str, sql: str) -> list[list[str]]:
        """Rows of a query, as text (psql)."""
        done = subprocess.run([str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port),
                               "-U", "postgres", "-d", database, "-At", "-F", "\t", "-c", sql],
                              check=True, capture_output=True, text=True)
        return [line.split("\t") for line in done.stdout.splitlines()]


@contextmanager
def postgres() -> Iterator[Postgres]:
    """A throwaway PostgreSQL cluster (trust authentication, no fsync) on a free port. Run as
    root (CI), the server runs as the `postgres` (or `nobody`) user: it refuses root."""
    bindir = _postgres_bin()
    home = Path(tempfile.mkdtemp(prefix="gongkai-pg-"))
    demote = None
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            user = pwd.getpwnam("nobody")
        os.chown(home, user.pw_uid, user.pw_gid)

        def demote() -> None:
            os.setgid(user.pw_gid)
            os.setuid(user.pw_uid)

    data, port = home / "data", free_port()

    def child() -> None:  # the server runs as `user` and goes (immediate shutdown) with us
        if demote is not None:
            demote()
        die_with_parent(signal.SIGQUIT)

    try:
        subprocess.run([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                        "-E", "UTF8", "--no-locale", "--no-sync"],
                       check=True, capture_output=True, preexec_fn=demote)
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(home, ignore_errors=True)
        raise ServerUnavailable(f"PostgreSQL did not initialise: {exc.stderr.decode(errors='replace')}") from exc
    # The server in the foreground as our child (not daemonised by pg_ctl), so it dies with us.
    with open(home / "log", "wb") as log:
        process = subprocess.Popen(
            [str(bindir / "postgres"), "-D", str(data), "-p", str(port), "-k", str(home),
             "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=200"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, preexec_fn=child)  # noqa: PLW1509 (see die_with_parent)
    try:
        _wait_until_ready(bindir, port, process, home / "log")
        yield Postgres(port, bindir, process.pid)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGQUIT)  # immediate shutdown: nothing here is kept
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(home, ignore_errors=True)


def _wait_until_ready(bindir: Path, port: int, process: subprocess.Popen, log: Path,
                      timeout: float = 60) -> None:
    ready = bindir / "pg_isready"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerUnavailable(f"PostgreSQL exited with {process.returncode}: "
                                    f"{log.read_text(errors='replace')[-2000:]}")
        if subprocess.run([str(ready), "-q", "-h", "127.0.0.1", "-p", str(port)],
                          check=False, capture_output=True).returncode == 0:
            return
        time.sleep(0.1)
    process.kill()
    process.wait()
    raise ServerUnavailable(f"PostgreSQL did not accept connections within {timeout:.0f} s")


@dataclass(frozen=True)
class S3Server:
    endpoint: str  # http://127.0.0.1:port
    key_id: str = "testing"
    secret: str = "testing"
    region: str = "us-east-1"
    # every request answered: (Unix time, kind: GET, GET range, LIST, PUT, HEAD, DELETE, …)
    requests: list[tuple[float, str]] = field(default_factory=list, compare=False, repr=False)

    def requests_between(self, start: float, end: float) -> dict[str, int]:
        """Requests answered from `start` to `end` (Unix times), by kind."""
        kinds: dict[str, int] = {}
        for when, kind in list(self.requests):
            if start <= when <= end:
                kinds[kind] = kinds.get(kind, 0) + 1
        return kinds

    def create_bucket(self, name: str) -> str:
        """A new bucket; its s3:// URL."""
        import boto3

        boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id=self.key_id,
                     aws_secret_access_key=self.secret, region_name=self.region).create_bucket(Bucket=name)
        return f"s3://{name}/"

    @property
    def env(self) -> dict[str, str]:
        """What an S3 client (obstore, DuckDB's httpfs, boto3) reads to find this endpoint."""
        return {"AWS_ENDPOINT_URL": self.endpoint, "AWS_ACCESS_KEY_ID": self.key_id,
                "AWS_SECRET_ACCESS_KEY": self.secret, "AWS_REGION": self.region,
                "AWS_ALLOW_HTTP": "true"}

    def object_keys(self, bucket: str) -> list[str]:
        import boto3

        client = boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id=self.key_id,
                              aws_secret_access_key=self.secret, region_name=self.region)
        keys = []
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            keys += [o["Key"] for o in page.get("Contents", [])]
        return keys


def request_kind(environ: dict) -> str:
    """An S3 request's kind: its method, a GET of a byte range or a listing told apart."""
    method = environ["REQUEST_METHOD"]
    if method == "GET" and "list-type" in environ.get("QUERY_STRING", ""):
        return "LIST"
    if method == "GET" and environ.get("HTTP_RANGE"):
        return "GET range"
    return method


@contextmanager
def s3() -> Iterator[S3Server]:
    """moto's S3 server (in-memory objects) in a thread of this process, on a free port, its
    requests counted (what moto's ThreadedMotoServer runs, with a log of the requests)."""
    try:
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server
    except ImportError as exc:
        raise ServerUnavailable(f"moto's server is not installed ({exc}): pip install 'moto[s3]' flask") from exc
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    app = DomainDispatcherApplication(create_backend_app)
    requests: list[tuple[float, str]] = []

    def counted(environ, start_response):
        requests.append((time.time(), request_kind(environ)))
        return app(environ, start_response)

    server = make_server("127.0.0.1", 0, counted, threaded=True, request_handler=MotoRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="moto-s3", daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield S3Server(f"http://{host}:{port}", requests=requests)
    finally:
        server.shutdown()
        thread.join()


def wait_for_port(port: int, process: subprocess.Popen, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerUnavailable(f"{what} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise ServerUnavailable(f"{what} did not listen on 127.0.0.1:{port} within {timeout:.0f} s")


def stop(process: subprocess.Popen) -> None:
    """Terminate a process this code started, and wait for it (kill it if it lingers)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL what is left of the process group `process` leads (started with
    start_new_session=True): children that outlived it."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass  # nothing left


@contextmanager
def redis() -> Iterator[str]:
    """`redis-server` on a free port of 127.0.0.1, nothing saved to disk; yields its URL."""
    program = shutil.which("redis-server")
    if not program:
        raise ServerUnavailable("redis-server is not on PATH (Debian: apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [program, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=die_with_parent)  # noqa: PLW1509 (see die_with_parent)
    try:
        wait_for_port(port, process, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(process)


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """`values` set in os.environ for the block, the old values back after."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
