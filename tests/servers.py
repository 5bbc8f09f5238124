"""Real servers on 127.0.0.1 for the tests that need them: PostgreSQL, Redis and an S3 endpoint
(moto's server). Each starts on a free port inside the test session and is stopped by it.

Use the fixtures (`postgres`, `redis_url`, `s3`) from a conftest (`from tests.servers import
postgres, redis_url, s3`); each skips the test with the reason when its server program is
missing on this machine (`initdb`/`pg_ctl`, `redis-server`, the moto package).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on 127.0.0.1:{port} within {timeout:.0f} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- PostgreSQL ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Postgres:
    host: str
    port: int
    user: str

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{database}"

    def create_database(self, name: str | None = None) -> str:
        """A new empty database; returns its name."""
        import psycopg2

        name = name or f"db_{uuid.uuid4().hex[:10]}"
        conn = psycopg2.connect(self.url())
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
        conn.close()
        return name


@contextmanager
def running_postgres() -> Iterator[Postgres]:
    """A throwaway cluster (`initdb` into a temp dir, trust auth) served by `pg_ctl` on a free
    port, listening on 127.0.0.1 only; stopped and deleted afterwards."""
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip("PostgreSQL's initdb/pg_ctl are not on PATH (apt-get install postgresql)")
    as_owner = server_owner()
    folder = Path(tempfile.mkdtemp(prefix="gongkai-pg-"))
    data, port, user = folder / "data", free_port(), "gongkai"
    if as_owner:  # the server's files belong to the user it runs as
        shutil.chown(folder, user=as_owner[-2])
    try:
        subprocess.run([*as_owner, initdb, "-D", str(data), "-U", user, "--auth=trust",
                        "-E", "UTF8", "--no-sync"], check=True, capture_output=True)
        options = f"-p {port} -c listen_addresses=127.0.0.1 -k {folder} -c fsync=off"
        subprocess.run([*as_owner, pg_ctl, "-D", str(data), "-o", options, "-l",
                        str(folder / "log"), "-w", "-t", "60", "start"],
                       check=True, capture_output=True)
        try:
            yield Postgres("127.0.0.1", port, user)
        finally:
            subprocess.run([*as_owner, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"],
                           check=False, capture_output=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def server_owner() -> list[str]:
    """PostgreSQL refuses to run as root (CI containers are root): the command prefix that runs
    it as the `postgres` user (or nobody) instead; nothing for an ordinary user."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if not runuser:
        pytest.skip("running as root without runuser: PostgreSQL cannot be started")
    import pwd

    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return [runuser, "-u", name, "--"]
    pytest.skip("running as root with no postgres/nobody user to start PostgreSQL as")


# --- Redis ---------------------------------------------------------------------------------


@contextmanager
def running_redis() -> Iterator[str]:
    """`redis-server` on a free port of 127.0.0.1, nothing saved to disk; yields its URL."""
    program = shutil.which("redis-server")
    if not program:
        pytest.skip("redis-server is not on PATH (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [program, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, process, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(process)


# --- S3 (moto) -----------------------------------------------------------------------------


@dataclass(frozen=True)
class S3:
    endpoint: str
    bucket: str

    @property
    def env(self) -> dict[str, str]:
        """What an S3 client (obstore, DuckDB's httpfs, boto3) reads to find this endpoint."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": "us-east-1",
            "AWS_ALLOW_HTTP": "true",
        }

    def url(self, prefix: str) -> str:
        return f"s3://{self.bucket}/{prefix.strip('/')}"


@contextmanager
def running_s3() -> Iterator[S3]:
    """moto's S3 server in a thread on a free port, with one empty bucket."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        pytest.skip("moto's server is not installed (pip install 'moto[s3]' flask flask-cors)")
    import urllib.request

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        bucket = f"gongkai-{uuid.uuid4().hex[:8]}"
        urllib.request.urlopen(urllib.request.Request(f"{endpoint}/{bucket}", method="PUT"))
        yield S3(endpoint, bucket)
    finally:
        server.stop()


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


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    with running_postgres() as server:
        yield server


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    with running_redis() as url:
        yield url


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3]:
    with running_s3() as server:
        yield server


@pytest.fixture
def s3(s3_server: S3) -> Iterator[S3]:
    """The S3 server with its endpoint and credentials in the environment for the test."""
    with environment(s3_server.env):
        yield s3_server
