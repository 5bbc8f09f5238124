"""The site's HTML: a page of sections, each figure with its title, its denominator, its chart
(inline SVG) or table, and the SQL behind it. Plain strings and html.escape: nothing is fetched
when a page opens (no script, no stylesheet, no font from elsewhere).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field

from gongkai.warehouse.site.figures import Figure

CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",sans-serif;margin:0;color:#212121;background:#fafafa}
header{background:#263238;color:#eceff1;padding:1em 2em}header a{color:#b2ebf2}
header h1{margin:.2em 0;font-size:1.5em}header p{margin:.3em 0}
main{padding:1em 2em;max-width:1100px}
section{margin:1.5em 0}h2{border-bottom:2px solid #cfd8dc;padding-bottom:.2em}
figure{background:#fff;border:1px solid #e0e0e0;border-radius:4px;margin:1em 0;padding:.8em 1em}
figcaption h3{margin:.1em 0 .3em;font-size:1.05em}.denominator{color:#546e7a;font-size:.9em;margin:.2em 0 .6em}
.plot{overflow-x:auto}.empty{color:#8d6e63;font-style:italic}
details{margin-top:.6em}summary{cursor:pointer;color:#455a64;font-size:.9em}
pre{background:#eceff1;padding:.6em;overflow-x:auto;font-size:.85em}
table{border-collapse:collapse;font-size:.9em}th,td{padding:.25em .6em;border-bottom:1px solid #eceff1;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f5f5f5}
.null{color:#b0bec5}ul.divisions{columns:2}footer{color:#78909c;font-size:.85em;padding:1em 2em}
"""

# Columns a table shows as the report's links rather than as text.
LINK_COLUMNS = ("source_url", "sha256", "media")
YEAR_COLUMNS = ("year", "last_published", "first_year", "last_year")  # printed as 2023, not 2,023


@dataclass
class Block:
    """One figure on a page: its chart's SVG or its rows as a table, and the query it ran."""

    figure: Figure
    sql: str
    rows: list[dict]
    svg: str | None = None


@dataclass
class Page:
    title: str
    subtitle: str
    sections: list[tuple[str, list[Block]]] = field(default_factory=list)
    nav: list[tuple[str, str]] = field(default_factory=list)  # (label, href)
    footer: str = ""


def cell(column: str, value: object, division_href: Callable[[str], str | None]) -> str:
    if value is None:
        return '<td class="n null" title="NULL: not printed in the report">–</td>'
    if isinstance(value, float) and column in ("share", "rate", "denial_rate", "published_share"):
        return f'<td class="n">{100 * value:.1f}%</td>'
    if isinstance(value, float):
        return f'<td class="n">{value:,.2f}</td>'
    if isinstance(value, int) and column not in YEAR_COLUMNS:
        return f'<td class="n">{value:,}</td>'
    if column == "division" and (href := division_href(str(value))):
        return f'<td><a href="{html.escape(href)}">{html.escape(str(value))}</a></td>'
    return f"<td>{html.escape(str(value))}</td>"


def table(rows: list[dict], links: Callable[[dict], str], division_href: Callable[[str], str | None]) -> str:
    columns = [c for c in rows[0] if c not in LINK_COLUMNS]
    has_links = "source_url" in rows[0]
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns) + ("<th>report</th>" if has_links else "")
    body = []
    for row in rows:
        cells = "".join(cell(c, row[c], division_href) for c in columns)
        if has_links:
            cells += f"<td>{links(row)}</td>"
        body.append(f"<tr>{cells}</tr>")
    return f'<table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def block_html(block: Block, links: Callable[[dict], str], division_href: Callable[[str], str | None]) -> str:
    fig = block.figure
    kind = "chart" if block.svg else "table"
    if not block.rows:
        body = '<p class="empty">No data in this scope.</p>'
    elif block.svg:
        body = f'<div class="plot">{block.svg}</div>'
    else:
        body = table(block.rows, links, division_href)
    return (f'<figure class="{kind}" id="{fig.key}" data-rows="{len(block.rows)}">'
            f"<figcaption><h3>{html.escape(fig.title)}</h3>"
            f'<p class="denominator"><b>Of:</b> {html.escape(fig.denominator)}</p></figcaption>'
            f"{body}"
            f"<details><summary>SQL ({len(block.rows)} row{'s' if len(block.rows) != 1 else ''})</summary>"
            f"<pre><code>{html.escape(block.sql)}</code></pre></details></figure>")


def render(page: Page, links: Callable[[dict], str], division_href: Callable[[str], str | None],
           extra: str = "") -> str:
    nav = " · ".join(f'<a href="{html.escape(h)}">{html.escape(label)}</a>' for label, h in page.nav)
    sections = "".join(
        f'<section><h2>{html.escape(name)}</h2>{"".join(block_html(b, links, division_href) for b in blocks)}</section>'
        for name, blocks in page.sections)
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(page.title)}</title><style>{CSS}</style></head><body>"
            f"<header><h1>{html.escape(page.title)}</h1><p>{html.escape(page.subtitle)}</p>"
            f"{f'<p>{nav}</p>' if nav else ''}</header>"
            f"<main>{sections}{extra}</main><footer>{html.escape(page.footer)}</footer></body></html>")
