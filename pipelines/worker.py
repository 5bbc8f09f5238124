"""The Celery app of the cluster profile's workers, built as the `celery` executor builds its own
(dagster-celery's tasks and queue), with the broker at GONGKAI_CELERY_BROKER.

    gongkai celery-worker                           # or, the same:
    celery -A gongkai.pipelines.worker worker -Q dagster --prefetch-multiplier 1 --concurrency 1

A worker runs the steps it is handed with the run's own config; it needs what the steps need:
GONGKAI_POSTGRES_URL (the Dagster instance), the AWS_* variables of the object store, and the
sources file at the path the run names.

The step task is dagster-celery's (`dagster_celery.tasks.create_task`, same name and
arguments, so any launcher's executor reaches it) with one change: the worker process keeps one
Dagster instance, its Postgres connections held (`instance.instance_of`), where
dagster-celery builds a new instance (three storages, each inspecting its tables) for every step
and opens a connection for every event. The job's definition is already built once per process
(Dagster caches the last one rebuilt), and Celery's pool processes live across tasks.
"""

from __future__ import annotations

import os

from dagster._core.definitions.reconstruct import ReconstructableJob
from dagster._core.events import EngineEventData
from dagster._core.execution.api import create_execution_plan, execute_plan_iterator
from dagster._grpc.types import ExecuteStepArgs
from dagster._serdes import serialize_value, unpack_value
from dagster_celery.config import TASK_EXECUTE_PLAN_NAME
from dagster_celery.core_execution_loop import DELEGATE_MARKER
from dagster_celery.executor import CeleryExecutor
from dagster_celery.make_app import make_app
from dagster_celery.tasks import create_execute_job_task, create_resume_job_task

from gongkai.pipelines.instance import instance_of
from gongkai.pipelines.settings import CELERY_BROKER

broker = os.environ.get(CELERY_BROKER)
if not broker:
    raise SystemExit(f"{CELERY_BROKER} is not set: the Celery broker's URL, e.g. redis://redis:6379/0")

app = make_app(CeleryExecutor.for_cli(broker=broker, backend=broker).app_args())

@app.task(bind=True, name=TASK_EXECUTE_PLAN_NAME)
def execute_plan(self, execute_step_args_packed: dict, executable_dict: dict) -> list[str]:
    """Run the steps of a run the executor sent; their events back, serialised."""
    args = unpack_value(execute_step_args_packed, as_type=ExecuteStepArgs)
    instance = instance_of(args.instance_ref)
    job = ReconstructableJob.from_dict(executable_dict)
    run = instance.get_run_by_id(args.run_id)
    if run is None:
        raise RuntimeError(f"could not load run {args.run_id}")
    plan = create_execution_plan(job, run.run_config, step_keys_to_execute=args.step_keys_to_execute,
                                 known_state=args.known_state)
    step_keys = ", ".join(args.step_keys_to_execute or [])
    events = [instance.report_engine_event(
        f"Executing steps {step_keys} in celery worker", run,
        EngineEventData({"step_keys": step_keys, "Celery worker": self.request.hostname},
                        marker_end=DELEGATE_MARKER),
        CeleryExecutor, step_key=plan.step_handle_for_single_step_plans().to_key())]
    events += execute_plan_iterator(execution_plan=plan, job=job, dagster_run=run,
                                    instance=instance, retry_mode=args.retry_mode,
                                    run_config=run.run_config)
    return [serialize_value(event) for event in events]


execute_job = create_execute_job_task(app)
resume_job = create_resume_job_task(app)
