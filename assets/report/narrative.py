"""Figures the narrative states (收到申请 N 件, 行政复议 N 件, 主动公开 N 条, 信息处理费 N 元).

They are held against the tables as a soft check, and they are the only figures a pre-2019
report has. Only plainly worded statements are taken; anything vaguer is left to readers.
"""

from __future__ import annotations

import re

from assets.report.model import NarrativeFigure, Section

_NUM = r"(\d[\d,，]*(?:\.\d+)?)"
_FIGURES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("applications_received",
     re.compile(r"(?:收到|受理|接到)[^。；;\d]{0,24}?申请[^。；;\d]{0,10}?" + _NUM + r"\s*(?:件|起|个|份)")),
    ("review_cases", re.compile(r"行政复议(?:案件|申请)?(?:共)?\s*" + _NUM + r"\s*(?:件|起)")),
    ("litigation_cases", re.compile(r"行政诉讼(?:案件)?(?:共)?\s*" + _NUM + r"\s*(?:件|起)")),
    ("published_items",
     re.compile(r"主动公开(?:各类)?(?:政府)?信息[^。；;\d]{0,6}?" + _NUM + r"\s*余?\s*条")),
    ("processing_fee_yuan", re.compile(r"信息处理费[^。；;\d]{0,10}?" + _NUM + r"\s*元")),
)
_NONE_RECEIVED = re.compile(r"(?:未|没有)(?:收到|接到|受理)[^。；;]{0,20}?申请")
_SENTENCE = re.compile(r"[^。；;！!]+[。；;！!]?")


def find_figures(sections: list[Section]) -> list[NarrativeFigure]:
    out: list[NarrativeFigure] = []
    seen: set[str] = set()
    for section in sections:
        # Lines of a PDF or text file wrap mid-sentence: join them before reading sentences.
        for sentence in _SENTENCE.findall(section.text.replace("\n", "")):
            sentence = sentence.strip()
            for figure, rx in _FIGURES:
                m = rx.search(sentence)
                if m and figure not in seen:
                    value = float(m.group(1).replace(",", "").replace("，", ""))
                    out.append(NarrativeFigure(figure, value, sentence, section.section_id))
                    seen.add(figure)
            if "applications_received" not in seen and _NONE_RECEIVED.search(sentence):
                out.append(NarrativeFigure("applications_received", 0.0, sentence,
                                           section.section_id))
                seen.add("applications_received")
    return out
