"""The Dagster code location: merges each stage's assets with the shared jobs and resources."""

import dagster as dg

from gongkai.assets.crawl.defs import crawled_documents
from gongkai.assets.report.defs import parsed_reports
from gongkai.assets.sources.defs import report_sources
from gongkai.pipelines.jobs import main_job, reparse_job
from gongkai.pipelines.resources import CrawlPoliteness, GongkaiStorage
from gongkai.pipelines.schedules import nightly_crawl, weekly_sweep
from gongkai.warehouse.defs import warehouse_reports

defs = dg.Definitions(
    assets=[report_sources, crawled_documents, parsed_reports, warehouse_reports],
    jobs=[main_job, reparse_job],
    schedules=[nightly_crawl, weekly_sweep],
    resources={"storage": GongkaiStorage(), "politeness": CrawlPoliteness()},
)
