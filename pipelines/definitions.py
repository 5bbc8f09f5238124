"""The Dagster code location: each stage's definitions merged with the jobs and schedules that
span them and the resources of the local profile. Nothing is defined here.

The stages are imported as modules: Dagster expects one Definitions object at module scope.
"""

import dagster as dg

from gongkai.assets.crawl import defs as crawl
from gongkai.assets.report import defs as report
from gongkai.assets.sources import defs as sources
from gongkai.pipelines.jobs import main_job, reparse_job
from gongkai.pipelines.resources import PROFILES
from gongkai.pipelines.schedules import nightly_crawl, weekly_sweep
from gongkai.warehouse import defs as warehouse

defs = dg.Definitions.merge(
    sources.defs,
    crawl.defs,
    report.defs,
    warehouse.defs,
    dg.Definitions(
        jobs=[main_job, reparse_job],
        schedules=[nightly_crawl, weekly_sweep],
        resources=PROFILES["local"](),
    ),
)
