"""The prose of a report, as a list of blocks the renderers lay out in order.

Generated reports get full sections 一…六 whose figures agree with their tables (as real ones
mostly do); re-rendered seed reports keep their own text, cut around the tables.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

# ("title", text) | ("h", heading) | ("p", paragraph) | ("table", "t2" | "t3" | "t4")
Block = tuple[str, str]

S2_HEADING = "二、主动公开政府信息情况"
S3_HEADING = "三、收到和处理政府信息公开申请情况"
S4_HEADINGS = {"2021": "四、政府信息公开行政复议、行政诉讼情况",
               "2019": "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况"}

_PLATFORMS = ["政府门户网站", "政务微信公众号", "政务微博", "政务服务网", "“清河发布”客户端"]
_TOPICS = ["财政预决算", "重大建设项目", "公共资源配置", "社会公益事业", "安全生产", "生态环境保护",
           "教育招生", "医疗卫生", "就业创业", "乡村振兴", "优化营商环境", "防汛抗旱"]
_PROBLEMS = [
    ("政策解读形式较为单一，图解、视频等多元化解读占比不高。", "丰富解读形式，推行图文、音视频、问答等多样化解读，提升政策知晓度。"),
    ("部分栏目信息更新不够及时，个别信息发布不够规范。", "建立栏目更新台账，实行定期巡查和通报制度，确保信息发布及时准确。"),
    ("依申请公开答复规范化水平有待提高。", "加强业务培训，规范答复文书格式和法律依据引用，提升答复质量。"),
    ("工作人员业务能力与新形势新要求还有差距。", "定期组织政务公开业务培训，以训促学、以学促用。"),
    ("公众参与渠道利用不够充分，互动回应不够深入。", "畅通意见征集渠道，及时回应社会关切，做好舆情研判。"),
]


def _s1(agency: str, year: int, cells: dict, rng: random.Random, short: str) -> list[Block]:
    received = cells.get("t3|received_new|total") or 0
    handled = cells.get("t3|result.total|total") or 0
    forward = cells.get("t3|carried_forward|total") or 0
    granted = (cells.get("t3|result.granted|total") or 0) + (cells.get("t3|result.partly_granted|total") or 0)
    reviews = cells.get("t4|review|total") or 0
    suits = (cells.get("t4|litigation_direct|total") or 0) + (cells.get("t4|litigation_after_review|total") or 0)
    published = rng.randint(80, 4000)
    topics = "、".join(rng.sample(_TOPICS, 4))
    platforms = "、".join(rng.sample(_PLATFORMS, 3))
    if received or handled:
        apply = (f"{year}年，{short}共收到政府信息公开申请{received}件，办结{handled}件，"
                 f"其中予以公开或部分公开{granted}件，结转下年度继续办理{forward}件。"
                 "所有申请均在法定期限内答复，未发生逾期答复情况。")
    else:
        apply = f"{year}年，{short}未收到政府信息公开申请。"
    if reviews or suits:
        apply += f"全年因政府信息公开工作被申请行政复议{reviews}件，被提起行政诉讼{suits}件。"
    else:
        apply += "全年未发生因政府信息公开引起的行政复议、行政诉讼。"
    return [
        ("h", "一、总体情况"),
        ("p", (f"{year}年，{agency}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府"
              f"信息公开条例》和上级关于政务公开工作的部署要求，坚持以公开为常态、不公开为例外，持续深化"
              f"政务公开，不断提升政府工作透明度，切实保障人民群众的知情权、参与权、表达权和监督权。")),
        ("p", (f"（一）主动公开。全年通过{platforms}等平台主动公开政府信息{published}条，重点做好{topics}等"
              "领域信息公开工作。坚持政策文件与解读材料同步组织、同步审签、同步部署，及时回应社会关切。")),
        ("p", f"（二）依申请公开。严格落实依申请公开受理、登记、办理、答复、归档全流程管理。{apply}"),
        ("p", ("（三）政府信息管理。严格执行公开属性源头认定和“三审三校”制度，凡拟公开信息均经保密审查后发布；"
              "动态更新政府信息公开指南和目录，对已公开的行政规范性文件开展清理并及时公布清理结果。")),
        ("p", (f"（四）政府信息公开平台建设。持续优化{short}政府信息公开专栏，规范设置机构信息、法定主动公开内容、"
              "政府信息公开年报等栏目，加强政务新媒体内容审核和日常监管，确保平台安全平稳运行。")),
        ("p", ("（五）监督保障。将政务公开工作纳入年度目标考核，定期组织业务培训，开展网站和政务新媒体"
              "常态化检查，及时整改发现的问题，全年未发生因政务公开工作不到位引起的责任追究情况。")),
    ]


def generated_blocks(agency: str, year: int, fv: str, cells: dict, rng: random.Random,
                     title: str) -> list[Block]:
    short = f"{agency[-5]}政府" if agency.endswith("人民政府") else "本机关"
    preamble = (f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和"
                f"{'国办公开办函〔2021〕30号' if fv == '2021' else '国办公开办函〔2019〕60号'}文件要求，由{agency}"
                f"编制。全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开"
                f"行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。本报告中所列数据的统计期限"
                f"自{year}年1月1日起至{year}年12月31日止。如对本报告有疑问，请与{agency}办公室联系。")
    problems = rng.sample(_PROBLEMS, 2)
    fee_para = rng.choice([
        f"{year}年，{short}未收取信息处理费。",
        f"依据《政府信息公开信息处理费管理办法》，{year}年{short}未向申请人收取信息处理费。",
    ])
    return [("title", title), ("p", preamble), *_s1(agency, year, cells, rng, short),
            ("h", S2_HEADING), ("table", "t2"),
            ("h", S3_HEADING), ("table", "t3"),
            ("h", S4_HEADINGS[fv]), ("table", "t4"),
            ("h", "五、存在的主要问题及改进情况"),
            ("p", (f"{year}年，{short}政府信息公开工作取得了一定成效，但对照新要求和公众新期待，仍存在一些不足："
                  f"一是{problems[0][0]}二是{problems[1][0]}")),
            ("p", f"下一步，{short}将着力做好以下工作：一是{problems[0][1]}二是{problems[1][1]}"),
            ("h", "六、其他需要报告的事项"),
            ("p", fee_para + "本年度无其他需要报告的事项。")]


def aggregate_blocks(place: str, compiler: str, year: int, fv: str, cells: dict,
                     rng: random.Random, title: str) -> list[Block]:
    """A whole area's report (汇总): compiled by the government's general office from the
    reports of every county and department, its prose speaking of 全市各级行政机关."""
    blocks = generated_blocks(place, year, fv, cells, rng, title)
    preamble = (f"本报告由{compiler}根据《中华人民共和国政府信息公开条例》和"
                f"{'国办公开办函〔2021〕30号' if fv == '2021' else '国办公开办函〔2019〕60号'}文件要求，"
                f"汇总全市各县（区）人民政府、市政府各部门政府信息公开工作年度报告编制而成。本报告中所列"
                f"数据的统计期限自{year}年1月1日起至{year}年12月31日止。如对本报告有疑问，请与{compiler}联系。")
    area = "全市各级行政机关"
    return [("title", title), ("p", preamble)] + [
        (kind, text.replace("本机关", area)) for kind, text in blocks[2:]]


# --- seeds: the real text, cut around its tables -------------------------------------------

_S2 = re.compile(r"^二、\s*主动公开")
_S5 = re.compile(r"^(?:\[bookmark: _GoBack\])?(五、.*)")
_FOOTER = re.compile(r"^-\s*\d+\s*-$")


def _paragraphs(lines: list[str], joined: bool) -> list[str]:
    """Lines to paragraphs; `joined` for PDF text whose lines wrap mid-sentence (blank-line separated)."""
    if not joined:
        return [ln for ln in (x.strip() for x in lines) if ln and not _FOOTER.match(ln)]
    paras, cur = [], ""
    for ln in lines + [""]:
        ln = ln.strip()
        if not ln or _FOOTER.match(ln):
            if cur:
                paras.append(cur)
            cur = ""
        else:
            cur += ln
    return paras


def _as_blocks(paras: list[str]) -> list[Block]:
    heading = re.compile(r"^[一二三四五六]、")
    return [("h" if heading.match(p) and len(p) < 40 else "p", p.replace("**", "")) for p in paras]


def seed_blocks(path: Path, title: str | None, fv: str, joined: bool) -> list[Block]:
    """Preamble and s1 from the seed's text, our tables, then its own s5/s6."""
    lines = path.read_text(encoding="utf-8").splitlines()
    s2 = next(i for i, ln in enumerate(lines) if _S2.match(ln.strip()))
    s5 = next(i for i, ln in enumerate(lines) if _S5.match(ln.strip()) and i > s2)
    head = lines[:s2]
    if title:  # drop the (possibly wrapped) title lines: we print the title ourselves
        seen = ""
        for i, ln in enumerate(head):
            seen += re.sub(r"\s", "", ln)
            if seen and title.endswith(seen[-4:]) and "报告" in seen:
                head = head[i + 1:]
                break
    tail = lines[s5:]
    tail[0] = _S5.match(tail[0].strip()).group(1)
    blocks: list[Block] = [("title", title)] if title else []
    blocks += _as_blocks(_paragraphs(head, joined))
    blocks += [("h", S2_HEADING), ("table", "t2"), ("h", S3_HEADING), ("table", "t3"),
               ("h", S4_HEADINGS["2021"]), ("table", "t4")]
    return blocks + _as_blocks(_paragraphs(tail, joined))
