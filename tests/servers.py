"""Real servers on 127.0.0.1 as pytest fixtures: PostgreSQL, Redis and an S3 endpoint (moto's
server), started on free ports for the test session and stopped by it (benchmarks/servers).

Use them from a conftest (`from tests.servers import postgres, redis_url, s3, s3_server`); each
skips the test with the reason when its server program is missing on this machine
(`pg_ctl`, `redis-server`, the moto package).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest

from benchmarks import servers
from benchmarks.servers import Postgres, S3Server


@contextmanager
def skipped_if_unavailable(server: AbstractContextManager) -> Iterator:
    try:
        with server as started:
            yield started
    except servers.ServerUnavailable as reason:
        pytest.skip(str(reason))


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    with skipped_if_unavailable(servers.postgres()) as server:
        yield server


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    with skipped_if_unavailable(servers.redis()) as url:
        yield url


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    with skipped_if_unavailable(servers.s3()) as server:
        yield server


@pytest.fixture
def s3(s3_server: S3Server) -> Iterator[S3Server]:
    """The S3 server with its endpoint and credentials in the environment for the test."""
    with servers.environment(s3_server.env):
        yield s3_server


def new_bucket(server: S3Server) -> str:
    """A new empty bucket's URL (s3://name/)."""
    return server.create_bucket(f"gongkai-{uuid.uuid4().hex[:10]}")


def dagster_url(dsn: str) -> str:
    """A Postgres DSN as Dagster's storage takes it: SQLAlchemy 2.1 looks for psycopg 3 on a
    plain postgres(ql):// URL; the lock has psycopg2."""
    return "postgresql+psycopg2://" + dsn.split("://", 1)[1]
