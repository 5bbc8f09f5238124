"""Data flows one way, and so do imports: a stage may import the stages before it, never one after.

sources → crawl → read → report → warehouse → demo → pipelines; `assets.files`, the store's
`assets.storage` and the form (`assets.form`) sit below them all. Every `import` in the package is read with `ast`, those
inside functions too.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# Installed name → folder in the repo (pyproject.toml's package-dir).
PACKAGES = {"gongkai.assets": "assets", "gongkai.warehouse": "warehouse",
            "gongkai.pipelines": "pipelines", "gongkai.demo": "demo"}
# Lowest first; a module may import its own layer and those below it.
FLOW = [
    ("gongkai.assets.form", "gongkai.assets.files", "gongkai.assets.storage"),
    ("gongkai.assets.sources",),
    ("gongkai.assets.crawl",),
    ("gongkai.assets.read",),
    ("gongkai.assets.report",),
    ("gongkai.warehouse",),
    ("gongkai.demo",),
    ("gongkai.pipelines",),
]
# Upward imports known today, each with the change that removes it. An entry that no longer
# occurs fails the test, so the list only shrinks.
KNOWN: set[tuple[str, str]] = set()


def layer(module: str) -> int | None:
    for i, prefixes in enumerate(FLOW):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return i
    return None


def module_files(root: Path, packages: dict[str, str]) -> dict[str, Path]:
    files = {}
    for name, folder in packages.items():
        for path in sorted((root / folder).rglob("*.py")):
            parts = path.relative_to(root / folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            files[".".join((name, *parts))] = path
    return files


def imported(module: str, path: Path) -> set[str]:
    """The modules `path` imports, relative imports resolved against `module`."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module
            if layer(target) is None:  # `from gongkai.assets import crawl`: the module is the name
                names.update(f"{target}.{alias.name}" for alias in node.names)
            else:
                names.add(target)
    return names


def upward_imports(root: Path, packages: dict[str, str]) -> set[tuple[str, str]]:
    found = set()
    for module, path in module_files(root, packages).items():
        own = layer(module)
        for target in imported(module, path):
            theirs = layer(target)
            if own is not None and theirs is not None and theirs > own:
                found.add((module, target))
    return found


def test_no_module_imports_a_stage_later_in_the_flow():
    found = upward_imports(REPO, PACKAGES)
    assert found - KNOWN == set(), "upward imports (module, what it imports)"
    assert KNOWN - found == set(), "fixed: remove these from KNOWN"


def test_every_package_module_belongs_to_a_stage():
    unplaced = [m for m in module_files(REPO, PACKAGES) if layer(m) is None]
    # only the namespace roots themselves (gongkai.assets, its __init__) sit outside the flow
    assert unplaced == ["gongkai.assets"]


def test_an_upward_import_is_found_in_any_of_its_forms(tmp_path):
    (tmp_path / "assets" / "crawl").mkdir(parents=True)
    (tmp_path / "assets" / "crawl" / "__init__.py").write_text("")
    (tmp_path / "assets" / "crawl" / "fine.py").write_text(
        "from gongkai.assets.sources import Source\nfrom . import store\n")
    (tmp_path / "assets" / "crawl" / "absolute.py").write_text(
        "def later():\n    from gongkai.pipelines.resources import local\n")
    (tmp_path / "assets" / "crawl" / "relative.py").write_text("from ..report import spec\n")
    (tmp_path / "assets" / "crawl" / "plain.py").write_text("import gongkai.warehouse.loader\n")
    (tmp_path / "assets" / "crawl" / "by_name.py").write_text("from gongkai.assets import report\n")
    assert upward_imports(tmp_path, {"gongkai.assets": "assets"}) == {
        ("gongkai.assets.crawl.absolute", "gongkai.pipelines.resources"),
        ("gongkai.assets.crawl.relative", "gongkai.assets.report"),
        ("gongkai.assets.crawl.plain", "gongkai.warehouse.loader"),
        ("gongkai.assets.crawl.by_name", "gongkai.assets.report"),
    }
