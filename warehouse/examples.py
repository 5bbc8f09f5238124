"""The README's example questions (warehouse/examples.sql), for the README, the benchmark and
the tests. ``python -m warehouse.examples`` prints the README section in Markdown."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Example:
    name: str
    question: str
    sql: str


@cache
def examples() -> tuple[Example, ...]:
    text = resources.files("gongkai.warehouse").joinpath("examples.sql").read_text(encoding="utf-8")
    out = []
    for block in re.split(r"^-- name: ", text, flags=re.MULTILINE)[1:]:
        name, rest = block.split("\n", 1)
        match = re.match(r"-- question: (.+)\n", rest)
        if not match:
            raise ValueError(f"example {name}: no '-- question:' line")
        sql = rest[match.end():].strip()
        if not sql.endswith(";"):
            raise ValueError(f"example {name}: the SQL must end with ';'")
        out.append(Example(name.strip(), match.group(1).strip(), sql))
    return tuple(out)


def markdown() -> str:
    """The examples as README Markdown: the question in bold, then the SQL."""
    parts = []
    for i, ex in enumerate(examples(), 1):
        parts.append(f"{i}. **{ex.question}**\n\n```sql\n{ex.sql}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    print(markdown())
