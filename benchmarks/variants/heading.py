"""The head of a generated report: its title as printed and what stands around it.

Drawn from the seed on its own (values, label wording and table layout are drawn elsewhere), one
axis at a time, so they combine freely: the title's words (年 or 年度, agency first or year first,
the year in Chinese numerals 二〇二三年, the agency named in it or not), how many lines it takes
and where they break, letter spacing (`2 0 2 3 年`, `淮 安 市 …`), a document number above it
(淮政办发〔2024〕3号), a publication date and a 发布机关 line under it, a running head naming the
agency, the agency and the date closing the report (落款), other years in the preamble (the
publication year, the year before), the title in a table cell, and what the file's own metadata
says (the title, nothing, or an editor's leftover). PDF only: the title's size and letter
spacing, the title in bold (方正小标宋 prints heavy), a red header (红头: the agency's name and
文件 in large red type over a red rule), or the title drawn as a picture.
"""

from __future__ import annotations

import html
import io
import random
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from benchmarks.variants.truth import Truth
from gongkai.demo.model import Cell, Grid
from gongkai.demo.narrative import Block

_DIGITS = "〇一二三四五六七八九"
_ZEROS = ("〇", "〇", "○", "零")
_AFTER_AGENCY = ("{year}年政府信息公开工作年度报告", "{year}年度政府信息公开工作年度报告",
                 "{year}年度政府信息公开工作报告", "{year}年政府信息公开年度报告")
_WITHOUT_AGENCY = ("{year}年政府信息公开工作年度报告", "{year}年度政府信息公开工作年度报告",
                   "{year}年度政府信息公开工作报告")
_EDITOR_LEFTOVERS = ("Microsoft Word - 附件1.docx", "附件2", "Untitled", "政府信息公开工作年度报告", "WPS文字",
                     "新建 Microsoft Word 文档")


@dataclass
class Head:
    title: str  # the title's words, unbroken and unspaced (the label's title)
    lines: list[str]  # the title as printed, line by line (spaces included)
    above: list[str] = field(default_factory=list)  # lines over the title (a document number)
    below: list[str] = field(default_factory=list)  # lines under it (date, 发布机关)
    closing: list[str] = field(default_factory=list)  # the report's last lines (落款)
    running_head: str | None = None  # printed at the top of every page (PDF and scans)
    in_table: bool = False  # the title set in a one-cell table
    as_image: bool = False  # PDF: the title drawn as a picture
    size: float = 17.0  # PDF: the title's font size (the body's is 11)
    char_space: float = 0.0  # PDF: letter spacing of the title, in points
    metadata_title: str | None = None  # what the file's metadata (PDF Title, DOCX title) says
    red_header: str | None = None  # 红头: XX市人民政府办公室文件 over a red rule, above everything
    bold: bool = False  # PDF: the title's strokes heavy
    axes: list[str] = field(default_factory=list)


def chinese_year(year: int, zero: str) -> str:
    """2023 → 二〇二三 (the zero as printed: 〇, ○ or 零)."""
    return "".join(_DIGITS[int(d)] for d in str(year)).replace("〇", zero)


def _spaced(text: str, rng: random.Random) -> str:
    gap = rng.choice([" ", " ", "  ", "　"])
    return gap.join(text)


def _break(title: str, agency_end: int, rng: random.Random) -> list[str]:
    """The title over one, two or three lines, broken where typesetters break it."""
    n = rng.choices((1, 2, 3), (50, 35, 15))[0]
    if n == 1 or len(title) < 12:
        return [title]
    year_end = title.find("年", agency_end) + 1
    if year_end < len(title) and title[year_end] == "度":
        year_end += 1
    cuts = [c for c in (agency_end, year_end) if 0 < c < len(title) - 4]
    if n == 2 or len(cuts) < 2:
        cut = rng.choice(cuts + [rng.randint(6, len(title) - 4)])
        return [title[:cut], title[cut:]]
    a, b = cuts
    return [title[:a], title[a:b], title[b:]]


def _doc_number(agency: str, year: int, rng: random.Random) -> str:
    office = rng.choice(["办发", "政办发", "办函", "发"])
    return f"{agency[0]}{office}〔{year + 1}〕{rng.randint(1, 60)}号"


def _date(year: int, rng: random.Random) -> tuple[str, str]:
    """A publication date early in the next year, in words and in ISO form."""
    m, d = rng.randint(1, 3), rng.randint(1, 28)
    return f"{year + 1}年{m}月{d}日", f"{year + 1}-{m:02d}-{d:02d}"


def draw_head(truth: Truth, rng: random.Random) -> Head:
    agency, year = truth.doc.agency, truth.doc.year
    axes = []
    chinese = rng.random() < 0.15
    printed_year = chinese_year(year, rng.choice(_ZEROS)) if chinese else str(year)
    axes += ["year_in_chinese_numerals"] if chinese else []
    named = rng.random() < 0.82
    if named:
        year_first = rng.random() < 0.15
        words = rng.choice(_AFTER_AGENCY).format(year=printed_year)
        if year_first:
            title = f"{printed_year}年{rng.choice(['', '度'])}{agency}政府信息公开工作年度报告"
            agency_end = title.index(agency) + len(agency)
        else:
            title = agency + ("关于" if rng.random() < 0.08 else "") + words
            agency_end = len(agency)
        axes += ["year_first"] if year_first else []
    else:
        title = rng.choice(_WITHOUT_AGENCY).format(year=printed_year)
        agency_end = 0
        axes.append("agency_not_in_title")
    lines = _break(title, agency_end, rng)
    axes += [f"title_lines_{len(lines)}"]
    spacing = rng.choices(("none", "all", "year", "agency"), (72, 10, 10, 8))[0]
    if spacing != "none":
        axes.append(f"title_spaced_{spacing}")
        for i, line in enumerate(lines):
            if spacing == "all" or (spacing == "agency" and named and agency in line):
                lines[i] = _spaced(line, rng) if spacing == "all" else line.replace(agency, _spaced(agency, rng))
            elif spacing == "year" and f"{printed_year}年" in line:
                lines[i] = line.replace(f"{printed_year}年", _spaced(f"{printed_year}年", rng))
    head = Head(title=title, lines=lines, axes=axes)
    if rng.random() < 0.2:
        head.above.append(_doc_number(agency, year, rng))
        axes.append("document_number_above")
    words, iso = _date(year, rng)
    if rng.random() < 0.3:
        head.below.append(rng.choice([f"（{words}）", f"发布日期：{iso}", f"发布时间：{words}"]))
        axes.append("date_under_title")
    # The agency, when the title does not name it, is named in a 发布机关 line, a running head or
    # the closing lines (at least one of them); sometimes there even when the title names it.
    where = set()
    if not named:
        where.add(rng.choice(["publisher_line", "running_head", "closing"]))
    for place, p in (("publisher_line", 0.08), ("running_head", 0.12), ("closing", 0.4)):
        if rng.random() < p:
            where.add(place)
    if "publisher_line" in where:
        head.below.insert(0, rng.choice([f"发布机关：{agency}", f"发布机构：{agency}", f"（{agency}）"]))
    if "running_head" in where:
        head.running_head = rng.choice([agency, f"{agency}政府信息公开工作年度报告"])
    if "closing" in where:
        head.closing = [agency, words]
    axes += [f"agency_in_{w}" for w in sorted(where)]
    head.in_table = rng.random() < 0.08
    head.as_image = rng.random() < 0.1
    head.size = rng.choice([11.0, 14.0, 16.0, 17.0, 18.0, 22.0, 26.0])
    head.char_space = rng.choice([0.0] * 7 + [3.0, 6.0, 10.0])
    head.metadata_title = rng.choices((title, None, rng.choice(_EDITOR_LEFTOVERS)), (45, 30, 25))[0]
    axes += ["title_in_table"] if head.in_table else []
    axes += ["metadata_title_" + ("none" if head.metadata_title is None else
                                  "true" if head.metadata_title == title else "junk")]
    # Drawn last, so the axes above stay what they were for each seed.
    if rng.random() < 0.15:
        office = "办公室" if agency.endswith("人民政府") and rng.random() < 0.5 else ""
        head.red_header = f"{agency}{office}文件"
        axes.append("red_header" + ("_office" if office else ""))
    head.bold = rng.random() < 0.3
    axes += ["title_bold"] if head.bold else []
    return head


def preamble(text: str, agency: str, year: int, rng: random.Random) -> tuple[str, list[str]]:
    """The preamble with other years in it (the year it was compiled, the year before) and,
    sometimes, without its statistics period or calling the agency 本机关."""
    axes = []
    if rng.random() < 0.3:
        text = text.replace(f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。", "")
        axes.append("no_statistics_period")
    extra = []
    if rng.random() < 0.35:
        extra.append(f"与{year - 1}年相比，依申请公开工作量有所变化。")
    if rng.random() < 0.35:
        extra.append(f"本报告于{year + 1}年1月编制完成，{year + 1}年将继续做好政务公开工作。")
    if rng.random() < 0.15:
        extra.append(f"本机关{year - 2}年、{year - 1}年年度报告可在本网站查阅。")
    if extra:
        axes.append("other_years_in_preamble")
    if rng.random() < 0.12:
        text = text.replace(f"由{agency}编制", "由本机关编制").replace(f"请与{agency}办公室", "请与本机关办公室")
        axes.append("preamble_says_benjiguan")
    return "".join(extra[:1]) + text + "".join(extra[1:]), axes


def head_grid(head: Head) -> Grid:
    """The title in a one-cell table (as a Word cover's frame holds it)."""
    g = Grid("head", 1)
    g.rows.append([Cell("".join(head.lines), header=True)])
    return g


def head_blocks(head: Head) -> list[Block]:
    """What replaces the title block for media that print blocks (HTML, DOCX, text)."""
    out: list[Block] = [("p", head.red_header)] if head.red_header else []
    out += [("p", t) for t in head.above]
    out += [("table", "head")] if head.in_table else [("title", t) for t in head.lines]
    return out + [("p", t) for t in head.below]


@lru_cache(maxsize=1)
def cjk_font_file() -> str | None:
    """A font file PIL can draw a title picture with (one that has distinct glyphs for 政 and
    府, not a fallback's empty boxes), or None: then no picture is drawn."""
    fc = shutil.which("fc-list")
    if fc is None:
        return None
    out = subprocess.run([fc, ":lang=zh", "-f", "%{file}\n"], capture_output=True, text=True, check=False)
    for path in sorted(set(out.stdout.split())):
        if not path.endswith((".ttc", ".ttf", ".otf")):
            continue
        font = ImageFont.truetype(path, 32)
        if font.getmask("政").getbbox() and bytes(font.getmask("政")) != bytes(font.getmask("府")):
            return path
    return None


def _picture(lines: list[str], size: float) -> Image.Image | None:
    font_file = cjk_font_file()
    if font_file is None:
        return None
    px = int(size * 4)  # drawn at 288 dpi, placed at the title's size
    font = ImageFont.truetype(font_file, px)
    width = max(int(font.getlength(line)) for line in lines) + px
    img = Image.new("L", (width, int(px * 1.5 * len(lines)) + px // 2), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text(((width - font.getlength(line)) / 2, px // 4 + i * px * 1.5), line, font=font, fill=0)
    return img


def _title_flowables():
    """Flowables for a red header and a bold title (built on first use: reportlab is imported
    only when a PDF is made)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Flowable

    from gongkai.demo.render_pdf import FONT

    class Lines(Flowable):
        """Lines centred in ``size`` points, ``bold`` (filled and stroked), in ``colour``, a
        rule under them when ``rule``; a line wider than the frame wraps by characters."""

        def __init__(self, lines: list[str], size: float, bold: bool, colour: str = "black",
                     char_space: float = 0.0, rule: bool = False):
            super().__init__()
            self.lines, self.size, self.bold, self.colour = lines, size, bold, colour
            self.char_space, self.rule = char_space, rule

        def _width(self, text: str) -> float:
            return stringWidth(text, FONT, self.size) + self.char_space * max(0, len(text) - 1)

        def _wrapped(self) -> list[str]:
            out = []
            for line in self.lines:
                cur = ""
                for ch in line:
                    if cur and self._width(cur + ch) > self.width:
                        out.append(cur)
                        cur = ""
                    cur += ch
                out.append(cur)
            return out

        def wrap(self, aW: float, aH: float) -> tuple[float, float]:
            self.width = aW
            return aW, self.size * 1.5 * len(self._wrapped()) + (12 if self.rule else 4)

        def draw(self) -> None:
            c = self.canv
            lines = self._wrapped()
            c.setFillColor(self.colour)
            c.setStrokeColor(self.colour)
            base = 12 if self.rule else 4
            for i, line in enumerate(lines):
                t = c.beginText((self.width - self._width(line)) / 2,
                                base + self.size * (0.3 + 1.5 * (len(lines) - 1 - i)))
                t.setFont(FONT, self.size)
                t.setCharSpace(self.char_space)
                if self.bold:
                    t.setTextRenderMode(2)  # fill, then stroke the outline: heavier strokes
                    c.setLineWidth(self.size * 0.035)
                t.textOut(line)
                c.drawText(t)
            if self.rule:
                c.setLineWidth(1.6)
                c.line(0, 4, self.width, 4)

    return Lines


def pdf_head(head: Head) -> tuple[list, list[str]]:
    """Flowables printing the head in a PDF (render_pdf's `head`), and the axes drawn."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Image as PdfImage
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    from gongkai.demo.render_pdf import FONT, SpacedTitle

    def para(text: str, size: float, align: int = 1) -> Paragraph:
        style = ParagraphStyle(f"head{size}", fontName=FONT, fontSize=size, leading=size * 1.4, alignment=align,
                               wordWrap="CJK")
        return Paragraph(html.escape(text, quote=False), style)

    axes = [f"title_size_{head.size:g}"]
    lines_flowable = _title_flowables()
    out: list = []
    if head.red_header:
        out.append(lines_flowable([head.red_header], 26, bold=True, colour="#d81e06", rule=True))
    out += [para(t, 11) for t in head.above]
    picture = _picture(head.lines, head.size) if head.as_image else None
    if picture is not None:
        buf = io.BytesIO()
        picture.save(buf, "PNG")
        buf.seek(0)
        out.append(PdfImage(buf, width=picture.width / 4, height=picture.height / 4))
        axes.append("title_as_image")
    elif head.in_table:
        out.append(Table([[para("".join(head.lines), head.size)]], colWidths=[440],
                         style=TableStyle([("GRID", (0, 0), (-1, -1), 0.6, "black")])))
    elif head.bold:
        out.append(lines_flowable(head.lines, head.size, bold=True, char_space=head.char_space))
        axes += ["title_letter_spaced"] if head.char_space else []
    elif head.char_space:
        out += [SpacedTitle(line, head.char_space) for line in head.lines]
        axes.append("title_letter_spaced")
    else:
        out += [para(line, head.size) for line in head.lines]
    out += [para(t, 11) for t in head.below] + [Spacer(1, 8)]
    return out, axes


__all__ = ["Head", "chinese_year", "draw_head", "head_blocks", "head_grid", "pdf_head", "preamble"]
