"""The Dagster code location: each stage's definitions merged with the jobs and schedules that
span them and the resources of the local profile. Nothing is defined here."""

import dagster as dg

from gongkai.assets.crawl.defs import defs as crawl_defs
from gongkai.assets.report.defs import defs as report_defs
from gongkai.assets.sources.defs import defs as sources_defs
from gongkai.pipelines.jobs import main_job, reparse_job
from gongkai.pipelines.resources import PROFILES
from gongkai.pipelines.schedules import nightly_crawl, weekly_sweep
from gongkai.warehouse.defs import defs as warehouse_defs

defs = dg.Definitions.merge(
    sources_defs,
    crawl_defs,
    report_defs,
    warehouse_defs,
    dg.Definitions(
        jobs=[main_job, reparse_job],
        schedules=[nightly_crawl, weekly_sweep],
        resources=PROFILES["local"](),
    ),
)
