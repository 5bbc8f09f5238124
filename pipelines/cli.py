"""The `gongkai` command line: run the pipeline, re-parse stored years, serve the demo, parse
files, query and export the warehouse, check sources files.

Each command lives in `pipelines/commands/` and is imported only when it runs: `--help`,
`parse`, `sql`, `export` and `check` never import Dagster. `run_pipeline` (below) is how the
pipeline commands hand their configuration to Dagster.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import warnings
from contextlib import contextmanager
from datetime import date
from importlib import resources
from pathlib import Path

from gongkai.pipelines import settings

log = logging.getLogger("gongkai")


@contextmanager
def quiet_framework():
    """Silence the labels Dagster puts on its own APIs that gongkai uses on purpose (BetaWarning,
    PreviewWarning: e.g. single-run backfills of year ranges): they say nothing to a user."""
    import dagster as dg

    with warnings.catch_warnings():
        for name in ("BetaWarning", "PreviewWarning", "SupersessionWarning"):
            category = getattr(dg, name, None)
            if isinstance(category, type) and issubclass(category, Warning):
                warnings.simplefilter("ignore", category)
        yield


def dagster_home(profile: str = "local") -> Path:
    """DAGSTER_HOME (default .dagster/ in the working directory; .dagster-cluster/ for the
    cluster profile), given the profile's instance config (shipped inside the package) unless it
    has one of its own."""
    from gongkai.pipelines.resources import PROFILES

    chosen = PROFILES[profile]
    home = Path(os.environ.get(settings.DAGSTER_HOME.env) or chosen.home).resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        packaged = resources.files("gongkai.pipelines").joinpath(chosen.instance_config)
        config.write_bytes(packaged.read_bytes())
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def run_pipeline(sources: Path, store: Path | str, warehouse: Path | str, years: list[int], *,
                 politeness: dict | None = None, verbose: bool = False,
                 job_name: str = "gongkai_main", profile: str = "local") -> bool:
    """Run a job (the main one, or `gongkai_reparse`) over a range of year partitions through
    Dagster (recorded in DAGSTER_HOME, visible in the UI): one run in this process on the local
    profile; on the cluster profile one run per shard, their steps on Celery workers."""
    import dagster as dg

    from gongkai.assets.sources.partitions import partition_range_tags
    from gongkai.pipelines.resources import PROFILES, local_run_config

    with quiet_framework():
        from gongkai.pipelines.definitions import definitions

    dagster_home(profile)
    # Absolute paths: the run's record (and the UI) says exactly which files it used.
    resources = local_run_config(sources.resolve(), absolute(store), absolute(warehouse)
                                 if PROFILES[profile].warehouse_file else None)
    if job_name == "gongkai_main":  # the only job that crawls
        resources["politeness"] = {"config": politeness or {}}
    run_config = {
        "resources": resources,
        # The run's full event log is in DAGSTER_HOME and the UI; the terminal gets
        # warnings, or everything with --verbose.
        "loggers": {"console": {"config": {"log_level": "DEBUG" if verbose else "WARNING"}}},
    }
    if profile == "local":
        # The shards the sources use (the demo's: one): every partition costs Dagster events,
        # and shards without sources have nothing to do.
        tags = {**partition_range_tags(years, used_shards(sources)), "gongkai/trigger": "cli"}
        with dg.DagsterInstance.get() as instance, quiet_framework():
            result = definitions(profile).resolve_job_def(job_name).execute_in_process(
                run_config=run_config, instance=instance, tags=tags, raise_on_error=False)
            return report_run(result)
    return run_shards(profile, job_name, run_config, years, used_shards(sources))


def used_shards(sources: Path) -> list[str] | None:
    """The shard keys of the sources file's sources; None (every shard) when it cannot be
    read: the run's first step then fails saying why, as any run does."""
    from gongkai.assets.sources.config import SourceError, load_sources
    from gongkai.assets.sources.shards import Shards

    try:
        return sorted(set(Shards(load_sources(sources)).by_source.values()))
    except SourceError:
        return None


def run_shards(profile: str, job_name: str, run_config: dict, years: list[int],
               shards: list[str] | None) -> bool:
    """One run per shard, all at once, each shard's years in its run: their steps spread over
    the Celery workers (a host is in one shard, so no two runs crawl the same host). Each run
    is launched from a process of its own (`run_shard`): Dagster's run launch is not made to
    share a process between threads."""
    import json
    import subprocess

    import dagster as dg

    from gongkai.assets.sources.partitions import report_shards

    shards = shards or report_shards.get_partition_keys()
    with dg.DagsterInstance.get():  # its tables made once, before the runs open it at once
        pass
    code = ("import json, sys; from gongkai.pipelines.cli import run_shard; "
            "sys.exit(0 if run_shard(**json.loads(sys.argv[1])) else 1)")
    launched = [subprocess.Popen([sys.executable, "-c", code, json.dumps({
        "profile": profile, "job_name": job_name, "run_config": run_config, "years": years,
        "shard": shard})]) for shard in shards]
    succeeded = sum(process.wait() == 0 for process in launched)
    print(f"{len(shards)} dagster runs, one per shard: {succeeded} succeeded, "
          f"{len(shards) - succeeded} failed; DAGSTER_HOME={os.environ['DAGSTER_HOME']}")
    return succeeded == len(shards)


def run_shard(profile: str, job_name: str, run_config: dict, years: list[int], shard: str) -> bool:
    """One shard's run of `job_name`, its steps on the profile's executor."""
    import dagster as dg

    from gongkai.assets.sources.partitions import partition_range_tags
    from gongkai.pipelines.instance import holding_connections

    # The workers rebuild the job from this recipe.
    job = dg.build_reconstructable_job("gongkai.pipelines.definitions", "job", (profile, job_name))
    tags = {**partition_range_tags(years, [shard]), "gongkai/trigger": "cli"}
    with dg.DagsterInstance.get() as instance, quiet_framework(), dg.execute_job(
            job, holding_connections(instance), run_config=run_config, tags=tags,
            raise_on_error=False) as result:
        return report_run(result, quiet=True)


def absolute(location: Path | str) -> str:
    """A path made absolute; a URL (s3://…) as it is."""
    text = str(location)
    return text if "://" in text else str(Path(text).resolve())


def report_run(result, quiet: bool = False) -> bool:
    """One line per failed step (the run's own failure event only repeats them), then the run
    (`quiet`: only a failed one)."""
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error
            while error.cause and (error.cls_name or "").startswith("Dagster"):
                error = error.cause  # Dagster's wrapper around our exception
            print(f"step {event.step_key} failed: {error.message.strip()}", file=sys.stderr)
    if not (quiet and result.success):
        print(f"dagster run {result.run_id} ({'success' if result.success else 'FAILED'}); "
              f"DAGSTER_HOME={os.environ['DAGSTER_HOME']}")
    return result.success


def storage_args(p: argparse.ArgumentParser, store: bool = True) -> None:
    p.add_argument("--warehouse", default=settings.WAREHOUSE.value(),
                   help="DuckDB file (default: %(default)s)")
    if store:
        p.add_argument("--store", default=settings.STORE.value(),
                       help="raw store and staging: a directory or an s3:// URL (default: %(default)s)")


def profile_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--profile", choices=("local", "cluster"), default=settings.PROFILE.value(),
                   help="local: this machine (the default); cluster: Postgres, Celery workers, "
                   "object storage, from the environment (see README) (default: %(default)s)")


def sources_arg(p: argparse.ArgumentParser, help: str) -> None:
    p.add_argument("--sources", default=settings.SOURCES.value(),
                   help=f"{help} (default: %(default)s)")


class Parser(argparse.ArgumentParser):
    """argparse, with a mistake reported on one line (and where to read more)."""

    def error(self, message: str) -> None:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


class Version(argparse.Action):
    """`--version`: the installed gongkai's version, looked up only when asked (importlib.metadata
    costs every other command its start-up time)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print gongkai's version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            installed = version("gongkai")
        except PackageNotFoundError:
            installed = "unknown (not installed)"
        print(f"gongkai {installed}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    this_year = date.today().year
    parser = Parser(prog="gongkai", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action=Version)
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                parser_class=Parser)

    def command(name: str, handler: str, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(handler=handler)
        return p

    run = command("run", "pipeline:cmd_run", "crawl the sources, parse, load and check (the nightly job)")
    sources_arg(run, "sources TOML file or a directory of them")
    storage_args(run)
    profile_arg(run)
    run.add_argument("--years", default=f"{this_year - 1}-{this_year}",
                     help="year partitions to parse and load, e.g. 2019-2024 (default: %(default)s); "
                     "documents of other years are stored, and the summary says how to load them")

    reparse = command("reparse", "pipeline:cmd_reparse",
                      "re-parse and reload stored documents of some years, without crawling "
                      "(the gongkai_reparse job: backfills after a parser change)")
    sources_arg(reparse, "sources (for their division hints)")
    storage_args(reparse)
    profile_arg(reparse)
    reparse.add_argument("--years", required=True, help="year partitions, e.g. 2015-2018")

    demo = command("demo", "pipeline:cmd_demo", "`run` over the bundled demo portal, served on 127.0.0.1")
    storage_args(demo)
    profile_arg(demo)
    demo.add_argument("--years", default=f"2019-{this_year}", help="default: %(default)s")

    parse = command("parse", "parse:main", "read local report files; print one JSON object per file")
    parse.add_argument("paths", nargs="+", metavar="PATH",
                       help="files, or directories (walked for .html .pdf .docx .doc .wps .txt)")
    parse.add_argument("--out", help="write JSON Lines here instead of stdout")
    parse.add_argument("--jobs", type=int, default=0, metavar="N",
                       help="processes reading files at once (default: one per core)")

    sql = command("sql", "sql:main", "run SQL on the warehouse (read-only) and print every result")
    sql.add_argument("query", help="one or more statements, separated by ;")
    storage_args(sql, store=False)
    sql.add_argument("--format", choices=("table", "csv", "json", "markdown"), default="table",
                     help="table (default), csv, json (JSON Lines) or markdown; csv and json "
                     "write the last statement's result only")
    sql.add_argument("--max-rows", type=int, default=50,
                     help="rows a table or markdown result shows (default: %(default)s; 0: all)")
    sql.add_argument("--wait", type=float, default=30.0, help="seconds to wait while a load holds the file")
    sql.add_argument("--lake", metavar="CATALOG", help="read the cluster profile's DuckLake lake instead: "
                     "its catalog, postgres://user@host:5432/db (S3 settings from the AWS_* variables)")

    export = command("export", "export:main", "write the warehouse as Parquet: fact cells partitioned "
                     "by year (fact_cell/year=2023/…), report, agency, cell, check_result")
    export.add_argument("--parquet", required=True, metavar="DIR", help="directory to write")
    storage_args(export, store=False)
    export.add_argument("--wait", type=float, default=30.0, help="seconds to wait while a load holds the file")

    report = command("report", "report:main", "write the warehouse as a static HTML site (index.html and "
                     "a page per division) that opens from disk with no network")
    report.add_argument("--out", default="site", metavar="DIR", help="directory to write (default: %(default)s)")
    report.add_argument("--years", help="years to show, e.g. 2019-2024 (default: every loaded year)")
    report.add_argument("--division", help="one division and everything under it: a code (320800) or a name")
    storage_args(report)
    report.add_argument("--wait", type=float, default=30.0, help="seconds to wait while a load holds the file")

    check = command("check", "check:main", "validate sources files (as every run does first) and stop")
    sources_arg(check, "sources TOML file or a directory of them")

    worker = command("celery-worker", "worker:main", "a Celery worker of the cluster profile: runs the "
                     "steps of cluster runs (broker: GONGKAI_CELERY_BROKER)")
    worker.add_argument("--concurrency", type=int, default=1, help="steps at once (default: %(default)s)")
    worker.add_argument("--name", help="the worker's name, e.g. parse-1@%%h (default: Celery's)")
    worker.add_argument("--loglevel", default="INFO", help="default: %(default)s")

    discover = command("discover", "discover:main", "find a portal's 年报 list pages from its home "
                       "page; print them as a [[source]] block")
    discover.add_argument("url", help="the portal's home page")
    discover.add_argument("--name", help="the source's name (default: from the home page)")
    discover.add_argument("--pages", type=int, default=20, help="pages to read at most")
    discover.add_argument("--min-delay", type=float, default=1.0,
                          help="seconds between requests to a host (default: %(default)s)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    module, _, function = args.handler.partition(":")
    try:
        handler = getattr(importlib.import_module(f"gongkai.pipelines.commands.{module}"), function)
        return handler(args)
    except BrokenPipeError:
        # The reader went away (`gongkai parse … | head`): stop quietly, as `yes | head` does.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        message = user_error(exc)
        if message is None:
            raise
        print(f"gongkai {args.command}: {message}", file=sys.stderr)
        return getattr(exc, "exit_code", 2)


def user_error(exc: Exception) -> str | None:
    """The one line for a mistake the user can fix; None for a bug (which keeps its traceback)."""
    from gongkai.assets.sources.config import SourceError
    from gongkai.assets.sources.years import YearsError
    from gongkai.pipelines.commands import CommandError

    if isinstance(exc, (CommandError, SourceError, YearsError)):
        return str(exc)
    if isinstance(exc, OSError) and exc.filename is not None:
        return f"{exc.filename}: {exc.strerror or exc}"
    if isinstance(exc, OSError) or type(exc).__name__ == "WarehouseLocked":
        return str(exc)
    return None


if __name__ == "__main__":
    sys.exit(main())
