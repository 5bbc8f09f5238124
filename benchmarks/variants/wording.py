"""Label wording as real reports print it: the demo's grids with their header texts varied.

Each document draws one style (bracket width, how leaves are numbered, a space after the number,
quote marks, the short （二）部分公开, 规范性文件 for 行政规范性文件, spaced column headers) and,
sometimes, one typo inside one long row label (a character substituted or dropped), as in
`2.其他法律行政止公开`. Values and layout are drawn elsewhere, so wording varies on its own.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace

from gongkai.demo.model import Cell, Grid, t2_grid, t3_grid, t4_grid

_LEAF = re.compile(r"^([1-8])\.")
_NUMBERED_LEAF = re.compile(r"^[1-8](?:\. ?|．|、)")  # a leaf label after rewording
_ITEM = re.compile(r"^（([一二三四五六七])）")
_TYPO_FILL = "的一是了不在有人这中大为上个国"  # common characters a slip of the IME types


def _style(rng: random.Random) -> dict:
    return {
        "half_brackets": rng.random() < 0.3,
        "leaf_mark": rng.choices([".", "．", "、", ". "], (60, 10, 20, 10))[0],
        "item_space": rng.random() < 0.2,
        "quotes": rng.choice(["“”", "“”", '""', "‘’"]),
        "short_partly": rng.random() < 0.15,
        "short_normative": rng.random() < 0.2,
        "spaced_columns": rng.random() < 0.2,
        "typo": rng.random() < 0.12,
    }


def _reword(text: str, s: dict) -> str:
    if s["short_partly"] and text.startswith("（二）部分公开"):
        text = "（二）部分公开"
    if s["short_normative"] and text == "行政规范性文件":
        text = "规范性文件"
    text = _LEAF.sub(lambda m: m.group(1) + s["leaf_mark"], text)
    if s["item_space"]:
        text = _ITEM.sub(lambda m: m.group(0) + " ", text)
    text = text.replace("“", s["quotes"][0]).replace("”", s["quotes"][1])
    if s["half_brackets"]:
        text = text.replace("（", "(").replace("）", ")")
    if s["spaced_columns"] and text in ("社会公益组织", "法律服务机构", "商业企业", "科研机构"):
        text = text[:2] + " " + text[2:]
    return text


def _typo(text: str, rng: random.Random) -> str:
    """One character substituted or dropped in the label's words (never in its number)."""
    head = _NUMBERED_LEAF.match(text)
    start = head.end() if head else 0
    i = rng.randrange(start + 1, len(text) - 1)
    if rng.random() < 0.5:
        return text[:i] + text[i + 1:]
    return text[:i] + rng.choice(_TYPO_FILL) + text[i + 1:]


def varied_grids(t2_form: str, t3_form: str, rng: random.Random) -> tuple[list[Grid], list[str]]:
    """The three tables with wording drawn from `rng`, and the wording quirks drawn."""
    s = _style(rng)
    grids = [t2_grid(t2_form), t3_grid(t3_form), t4_grid()]
    for g in grids:
        g.rows = [[replace(c, text=_reword(c.text, s)) if c.header else c for c in row] for row in g.rows]
    if s["typo"]:  # one long leaf label of t3 (a row the reader must place by similarity)
        t3 = grids[1]
        leaves = [(r, i) for r, row in enumerate(t3.rows) for i, c in enumerate(row)
                  if c.header and _NUMBERED_LEAF.match(c.text) and len(c.text) >= 8]
        r, i = rng.choice(leaves)
        cell: Cell = t3.rows[r][i]
        t3.rows[r][i] = replace(cell, text=_typo(cell.text, rng))
    return grids, [k for k, v in s.items() if v is True]
