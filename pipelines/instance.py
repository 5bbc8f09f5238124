"""The Dagster instance of the cluster's long-lived processes (a Celery worker, a shard's run),
holding its Postgres connections.

dagster-postgres opens a new connection for every statement (SQLAlchemy's NullPool: an instance
"holds nothing open"), and Postgres starts a server process for each: about 110 connections per
step, the Postgres CPU of a backfill on par with the parse itself. A process that stores events
all day holds one connection per storage instead, as Dagster's own webserver does
(`optimize_for_webserver`).
"""

from __future__ import annotations

import dagster as dg
from dagster._core.instance.ref import InstanceRef
from dagster._serdes import serialize_value

POOL_RECYCLE_SECONDS = 3600  # connections renewed hourly (a restarted Postgres is reconnected)
MAX_OVERFLOW = 4  # connections beyond the held one, for threads of the process at once


def holding_connections(instance: dg.DagsterInstance) -> dg.DagsterInstance:
    """`instance`, its storages holding a connection open; the same instance on SQLite."""
    instance.optimize_for_webserver(statement_timeout=0, pool_recycle=POOL_RECYCLE_SECONDS,
                                    max_overflow=MAX_OVERFLOW)
    return instance


_per_process: dict[str, dg.DagsterInstance] = {}


def instance_of(ref: InstanceRef) -> dg.DagsterInstance:
    """This process's instance for `ref` (what a Celery task is handed), made once and kept,
    holding its connections: a worker's steps share it."""
    key = serialize_value(ref)
    if key not in _per_process:
        _per_process[key] = holding_connections(dg.DagsterInstance.from_ref(ref))
    return _per_process[key]
