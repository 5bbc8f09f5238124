"""The Dagster code location: each stage's definitions merged with the jobs and schedules that
span them and the resources and executor of the profile (GONGKAI_PROFILE, default `local`).
Nothing is defined here.

The stages are imported as modules: Dagster expects one Definitions object at module scope.
"""

import dagster as dg

from gongkai.assets.crawl import defs as crawl
from gongkai.assets.report import defs as report
from gongkai.assets.sources import defs as sources
from gongkai.pipelines.jobs import main_job, reparse_job
from gongkai.pipelines.resources import profile_named
from gongkai.pipelines.schedules import nightly_crawl, weekly_sweep
from gongkai.warehouse import defs as warehouse


def definitions(profile: str | None = None) -> dg.Definitions:
    """The code location with the resources and executor of `profile`."""
    chosen = profile_named(profile)
    return dg.Definitions.merge(
        sources.defs,
        crawl.defs,
        report.defs,
        warehouse.defs,
        dg.Definitions(
            jobs=[main_job, reparse_job],
            schedules=[nightly_crawl, weekly_sweep],
            resources=chosen.resources(),
            executor=chosen.executor(),
        ),
    )


def job(profile: str, name: str) -> dg.JobDefinition:
    """One job of a profile's definitions: how another process (a Celery worker) rebuilds the
    job of a run it was handed (`dg.build_reconstructable_job`)."""
    return definitions(profile).resolve_job_def(name)


defs = definitions()
