"""The Celery app of the cluster profile's workers, built as the `celery` executor builds its own
(dagster-celery's tasks and queue), with the broker at GONGKAI_CELERY_BROKER.

    gongkai celery-worker                           # or, the same:
    celery -A gongkai.pipelines.worker worker -Q dagster --prefetch-multiplier 1 --concurrency 1

A worker runs the steps it is handed with the run's own config; it needs what the steps need:
GONGKAI_POSTGRES_URL (the Dagster instance), the AWS_* variables of the object store, and the
sources file at the path the run names.
"""

from __future__ import annotations

import os

from dagster_celery.executor import CeleryExecutor
from dagster_celery.make_app import make_app
from dagster_celery.tasks import create_execute_job_task, create_resume_job_task, create_task

from gongkai.pipelines.settings import CELERY_BROKER

broker = os.environ.get(CELERY_BROKER)
if not broker:
    raise SystemExit(f"{CELERY_BROKER} is not set: the Celery broker's URL, e.g. redis://redis:6379/0")

app = make_app(CeleryExecutor.for_cli(broker=broker, backend=broker).app_args())
execute_plan = create_task(app)
execute_job = create_execute_job_task(app)
resume_job = create_resume_job_task(app)
