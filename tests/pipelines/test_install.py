"""Installed as a user installs it (`pip install .`, not editable), gongkai puts only `gongkai*`
into site-packages and keeps its data in the working directory, never inside the package.

The new environment borrows the test environment's packages (a .pth line) so that only gongkai
itself is built and installed (`--no-deps`); pip builds it in isolation, as for a user, so it
fetches setuptools from the package index (or pip's cache).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
REPORT = REPO / "tests" / "fixtures" / "corpus" / "html-utf8-th-portal.html"  # 清河市生态环境局, 2023


def files_under(root: Path) -> dict[str, tuple[int, int]]:
    # Bytecode caches are Python's, not gongkai's (and pip compiles them at install anyway).
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("install")
    source = tmp / "source"
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(REPO / name, source / name)
    for folder in project["tool"]["setuptools"]["package-dir"].values():
        shutil.copytree(REPO / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(source)],
                   check=True, cwd=tmp)
    return {"venv": venv, "site": site, "work": tmp / "work"}


def gongkai(installed, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DAGSTER_HOME", "GONGKAI_SOURCES", "GONGKAI_STORE", "GONGKAI_WAREHOUSE",
                        "PYTHONPATH")}
    installed["work"].mkdir(exist_ok=True)
    return subprocess.run([str(installed["venv"] / "bin" / "gongkai"), *args], cwd=installed["work"],
                          env=env, capture_output=True, text=True, timeout=600, check=False)


def test_only_gongkai_lands_in_site_packages(installed):
    record = (installed["site"] / "gongkai-0.1.0.dist-info" / "RECORD").read_text(encoding="utf-8")
    top = {line.split(",")[0].split("/")[0] for line in record.splitlines() if not line.startswith("..")}
    assert top == {"gongkai", "gongkai-0.1.0.dist-info"}
    assert {p.name for p in installed["site"].iterdir()} == top | {"borrowed-dependencies.pth"}
    assert "gongkai/pipelines/dagster.yaml" in record  # the instance config DAGSTER_HOME gets


def test_commands_run_from_the_installed_package_and_write_only_the_working_directory(installed):
    before = files_under(installed["site"])
    work = installed["work"]

    assert gongkai(installed, "--help").returncode == 0
    parsed = gongkai(installed, "parse", str(REPORT))
    assert parsed.returncode == 0, parsed.stderr
    assert json.loads(parsed.stdout)["agency"] == "清河市生态环境局"

    work.mkdir(exist_ok=True)
    (work / "portals.toml").write_text('[[source]]\nname = "清河市"\nstart = ["http://qinghe.example/"]\n',
                                       encoding="utf-8")
    reparse = gongkai(installed, "reparse", "--years", "2023", "--sources", "portals.toml")
    assert reparse.returncode == 0, reparse.stderr
    assert f"DAGSTER_HOME={work / '.dagster'}" in reparse.stdout
    assert "telemetry" in (work / ".dagster" / "dagster.yaml").read_text(encoding="utf-8")
    assert (work / "warehouse" / "gongkai.duckdb").exists() and (work / "data" / "store").is_dir()
    queried = gongkai(installed, "sql", "SELECT count(*) AS n FROM report")
    assert queried.returncode == 0, queried.stderr

    assert files_under(installed["site"]) == before
    where = subprocess.run([str(installed["venv"] / "bin" / "python"), "-c",
                            "import gongkai.pipelines.cli as m; print(m.__file__)"],
                           cwd=work, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where).is_relative_to(installed["site"])
