"""The README is what users meet first: its examples and commands must stay true."""

from pathlib import Path

from gongkai.warehouse.examples import examples

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_holds_every_example_query_as_written():
    missing = [ex.name for ex in examples() if ex.sql not in README]
    assert not missing, "README is out of date with warehouse/examples.sql: run python -m warehouse.examples"


def test_readme_two_commands_are_the_makefile_targets():
    makefile = (Path(__file__).parents[1] / "Makefile").read_text(encoding="utf-8")
    assert "make demo" in README and "make test" in README
    assert "\ndemo: install" in makefile and "\ntest: install" in makefile
    assert "make test" in (Path(__file__).parents[1] / ".ci" / "run").read_text(encoding="utf-8")
