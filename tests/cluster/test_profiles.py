"""Profiles are chosen by configuration: GONGKAI_PROFILE or --profile, never by code."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gongkai.pipelines.definitions import definitions
from gongkai.pipelines.resources import profile_named

GONGKAI = shutil.which("gongkai", path=str(Path(sys.executable).parent)) or "gongkai"


def test_the_local_profile_is_the_default_and_runs_steps_in_process(monkeypatch):
    monkeypatch.delenv("GONGKAI_PROFILE", raising=False)
    assert profile_named().instance_config == "dagster.yaml"
    assert definitions().resolve_job_def("gongkai_main").executor_def.name == "multi_or_in_process_executor"


def test_gongkai_profile_cluster_gives_the_celery_executor_and_the_postgres_instance(monkeypatch):
    monkeypatch.setenv("GONGKAI_PROFILE", "cluster")
    assert profile_named().instance_config == "dagster.cluster.yaml"
    job = definitions().resolve_job_def("gongkai_main")
    assert job.executor_def.name == "celery"


def test_an_unknown_profile_is_named_in_the_error(monkeypatch):
    monkeypatch.setenv("GONGKAI_PROFILE", "clutser")
    with pytest.raises(ValueError, match="unknown profile 'clutser'.*local, cluster"):
        profile_named()


def test_a_cluster_run_without_its_servers_says_which_variables_are_missing(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGKAI_")}
    done = subprocess.run([GONGKAI, "run", "--profile", "cluster"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "gongkai run: the cluster profile needs GONGKAI_POSTGRES_URL, GONGKAI_CELERY_BROKER, "
        "GONGKAI_LAKE_CATALOG, GONGKAI_LAKE_DATA (see README: Running at national scale)")
