"""The Dagster code location: merges each stage's assets with the shared jobs and resources."""

import dagster as dg

from assets.crawl.defs import crawled_documents
from assets.report.defs import parsed_reports
from assets.sources.defs import report_sources
from pipelines.jobs import main_job, reparse_job
from pipelines.resources import CrawlPoliteness, GongkaiStorage
from pipelines.schedules import nightly_crawl, weekly_sweep
from warehouse.defs import warehouse_reports

defs = dg.Definitions(
    assets=[report_sources, crawled_documents, parsed_reports, warehouse_reports],
    jobs=[main_job, reparse_job],
    schedules=[nightly_crawl, weekly_sweep],
    resources={"storage": GongkaiStorage(), "politeness": CrawlPoliteness()},
)
