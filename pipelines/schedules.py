"""Schedules: nightly over the current and previous year, weekly over every year.

Reports for year N appear from January of N+1 and get corrected later, so the nightly run
covers both; the weekly sweep catches late corrections to old years. Each tick is one run
over a range of year partitions, keyed by date so a tick is never run twice.
"""

import dagster as dg

from gongkai.assets.sources.partitions import FIRST_YEAR, partition_range_tags
from gongkai.pipelines.jobs import main_job


@dg.schedule(job=main_job, cron_schedule="0 2 * * *", execution_timezone="Asia/Shanghai",
             default_status=dg.DefaultScheduleStatus.STOPPED)
def nightly_crawl(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    year = context.scheduled_execution_time.year
    return dg.RunRequest(
        run_key=f"nightly-{context.scheduled_execution_time:%Y-%m-%d}",
        tags=partition_range_tags([year - 1, year]),
    )


@dg.schedule(job=main_job, cron_schedule="0 3 * * 0", execution_timezone="Asia/Shanghai",
             default_status=dg.DefaultScheduleStatus.STOPPED)
def weekly_sweep(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    year = context.scheduled_execution_time.year
    return dg.RunRequest(
        run_key=f"weekly-{context.scheduled_execution_time:%Y-%m-%d}",
        tags=partition_range_tags([FIRST_YEAR, year]),
    )
