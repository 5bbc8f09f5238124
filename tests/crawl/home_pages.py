"""Portals known only by their home page, in three CMS styles, on real HTTP servers.

- `trs`: a TRS/拓尔思 city portal on 127.0.0.1: 首页 (whose news block links one report) →
  政务公开 → 政府信息公开年报, a TRS list paginated by createPageHTML; robots.txt disallows its
  search and an old 年报 column.
- Hanweb/大汉 (www.xinxiang.example): 首页 → 政府信息公开 → 政府信息公开年报, a jpage column whose
  entries come from a POSTed ``dataproxy.jsp``; attachments on file.xinxiang.example (same
  site, its own robots.txt) and on cdn.elsewhere.example (another site: not fetched).
- A 政府信息公开平台 (www.weihui.example → xxgk.weihui.example): a directory tree with one
  年报 node per agency, one of them paginated with ?page=N.

The named hosts are served by one server on 127.0.0.1 acting as the crawler's HTTP proxy
(routes keyed by absolute URL), so the crawler sees real host names. Decoys everywhere:
通知 and 解读 columns and entries, 图解, 指南 and 制度 nodes.
"""

from __future__ import annotations

from dataclasses import dataclass

from .portal import REPORT_BODY, Host, Route, docx_bytes, html_page, pdf_bytes

HANWEB = "http://www.xinxiang.example"
HANWEB_FILES = "http://file.xinxiang.example"
ELSEWHERE = "http://cdn.elsewhere.example"
PLATFORM_HOME = "http://www.weihui.example"
PLATFORM = "http://xxgk.weihui.example"


def nav_page(title: str, links: list[tuple[str, str]], extra: str = "") -> bytes:
    items = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>'
        f'<body><ul class="nav">{items}</ul>{extra}</body></html>'
    ).encode()


def entries(items: list[tuple[str, str]], footer: str = "") -> bytes:
    rows = "".join(
        f'<li><a href="{href}" title="{t}" target="_blank">{t}</a><span>2024-01-20</span></li>'
        for href, t in items
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报</title></head>'
        f'<body><div class="side"><a href="/">首页</a></div><ul class="list">{rows}</ul>'
        f"{footer}</body></html>"
    ).encode()


@dataclass
class HomePortals:
    trs: Host
    proxy: Host  # serves the named hosts
    expected: dict[str, set[str]]  # portal → the report document URLs it must yield
    homes: dict[str, str]  # portal → home page URL
    lookalikes: list[str]  # URLs that must never be fetched
    outside: list[str]  # attachments on another site: never fetched
    robots_blocked: list[str]  # linked, but disallowed by robots.txt: never fetched

    def stop(self) -> None:
        self.trs.stop()
        self.proxy.stop()


def build_home_portals() -> HomePortals:
    trs, proxy = Host().start(), Host().start()
    expected: dict[str, set[str]] = {"trs": set(), "hanweb": set(), "platform": set()}
    lookalikes: list[str] = []

    # ---- TRS/拓尔思 ----------------------------------------------------------------------
    r = trs.routes
    r["/robots.txt"] = Route(
        b"User-agent: *\nDisallow: /jsearch/\nDisallow: /old/\nCrawl-delay: 0.01\n", "text/plain"
    )
    home = nav_page(
        "首页_卫辉市人民政府",
        [
            ("./", "首页"),
            ("./zwgk/", "政务公开"),
            ("./xwzx/", "新闻中心"),
            ("./tzgg/", "通知公告"),
            ("./jsearch/?q=年报", "年报搜索"),
            ("./old/xxgknb/", "政府信息公开年报（旧版）"),
        ],
        '<div class="news"><a href="./tzgg/202401/t20240105_1.html">'
        "关于做好2023年政府信息公开工作年度报告编制工作的通知</a>"
        # The 最新公开 block links this year's report: the home page still leads to the list.
        '<a href="./zwgk/xxgknb/202401/t20240120_1.html">'
        "卫辉市人民政府2023年政府信息公开工作年度报告</a></div>",
    )
    r["/"] = r["/index.html"] = Route(home)
    r["/zwgk/"] = Route(
        nav_page(
            "政务公开_卫辉市人民政府",
            [
                ("./zn/", "政府信息公开指南"),
                ("./zd/", "政府信息公开制度"),
                ("./zcjd/", "政策解读"),
                ("./xxgknb/", "政府信息公开年报"),
                ("./fdzdgknr/", "法定主动公开内容"),
            ],
        )
    )
    r["/tzgg/"] = Route(
        entries([("./202401/t20240105_1.html", "关于做好2023年政府信息公开工作年度报告编制工作的通知")])
    )
    r["/zwgk/zcjd/"] = Route(
        entries([("./202402/t20240201_1.html", "卫辉市2023年政府信息公开工作年度报告解读")])
    )
    footer = '<script>createPageHTML(2, {cur}, "index", "html");</script>'
    r["/zwgk/xxgknb/"] = r["/zwgk/xxgknb/index.html"] = Route(
        entries(
            [
                ("./202401/t20240120_1.html", "卫辉市人民政府2023年政府信息公开工作年度报告"),
                ("./202401/t20240121_2.html", "卫辉市教育局2023年政府信息公开工作年度报告"),
                ("./202401/t20240122_3.html", "卫辉市2023年政府信息公开工作年度报告图解"),
            ],
            footer.format(cur=0),
        )
    )
    r["/zwgk/xxgknb/index_1.html"] = Route(
        entries(
            [("./202301/t20230120_4.html", "卫辉市人民政府2022年政府信息公开工作年度报告")],
            footer.format(cur=1),
        )
    )
    t = "卫辉市人民政府2023年政府信息公开工作年度报告"
    r["/zwgk/xxgknb/202401/t20240120_1.html"] = Route(html_page(t, REPORT_BODY).encode())
    expected["trs"].add(trs.url("/zwgk/xxgknb/202401/t20240120_1.html"))
    t = "卫辉市教育局2023年政府信息公开工作年度报告"
    r["/zwgk/xxgknb/202401/t20240121_2.html"] = Route(
        html_page(t, '<p>附件：<a href="./P020240121.pdf">教育局年报.pdf</a></p>').encode()
    )
    r["/zwgk/xxgknb/202401/P020240121.pdf"] = Route(pdf_bytes("jyj"), "application/pdf")
    expected["trs"].add(trs.url("/zwgk/xxgknb/202401/P020240121.pdf"))
    r["/zwgk/xxgknb/202401/t20240122_3.html"] = Route(html_page("图解", "<img src=x>").encode())
    lookalikes.append(trs.url("/zwgk/xxgknb/202401/t20240122_3.html"))
    t = "卫辉市人民政府2022年政府信息公开工作年度报告"
    r["/zwgk/xxgknb/202301/t20230120_4.html"] = Route(html_page(t, REPORT_BODY).encode())
    expected["trs"].add(trs.url("/zwgk/xxgknb/202301/t20230120_4.html"))
    lookalikes += [
        trs.url("/tzgg/202401/t20240105_1.html"),
        trs.url("/zwgk/zcjd/"),
        trs.url("/tzgg/"),
    ]

    # ---- Hanweb/大汉 with a POSTed jpage dataproxy.jsp ------------------------------------
    p = proxy.routes
    p[f"{HANWEB}/robots.txt"] = Route(b"User-agent: *\nDisallow: /module/search/\n", "text/plain")
    p[f"{HANWEB_FILES}/robots.txt"] = Route(b"User-agent: *\nDisallow: /private/\n", "text/plain")
    p[f"{HANWEB}/"] = p[f"{HANWEB}/index.html"] = Route(
        nav_page(
            "新乡市人民政府",
            [
                ("/col/col100/index.html", "政府信息公开"),
                ("/col/col200/index.html", "新闻动态"),
                ("/module/search/index.jsp?q=年度报告", "年度报告检索"),
            ],
        )
    )
    p[f"{HANWEB}/col/col100/index.html"] = Route(
        nav_page(
            "政府信息公开_新乡市人民政府",
            [
                ("/col/col101/index.html", "政府信息公开指南"),
                ("/col/col102/index.html", "通知公告"),
                ("/col/col103/index.html", "政策解读"),
                ("/col/col4122/index.html", "政府信息公开年报"),
            ],
        )
    )
    jpage = (
        '<div id="35678"><script type="text/xml"><datastore><nextgroup><![CDATA['
        '<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&path=/&columnid=4122'
        '&unitid=35678&webname=新乡市人民政府&permissiontype=0"></a>]]></nextgroup>'
        "<recordset></recordset></datastore></script></div>"
        '<script src="/module/jslib/jquery/jpage/dataproxy.js"></script>'
        "<script>$('#35678').jpage({proxyUrl:'/module/web/jpage/dataproxy.jsp', perPage:2,"
        " ajaxParam:{col:1, appid:1, webid:1, path:'/', columnid:4122, sourceContentType:1,"
        " unitid:'35678', webname:'新乡市人民政府', permissiontype:0}});</script>"
    )
    p[f"{HANWEB}/col/col4122/index.html"] = Route(
        nav_page("政府信息公开年报_新乡市人民政府", [("/col/col100/index.html", "政府信息公开")], jpage)
    )
    records = [
        ("/art/2024/1/20/art_4122_1.html", "新乡市人民政府2023年政府信息公开工作年度报告"),
        ("/art/2024/1/21/art_4122_2.html", "新乡市2023年政府信息公开工作年度报告图解"),
        ("/art/2024/1/22/art_4122_3.html", "新乡市发展和改革委员会2023年政府信息公开工作年度报告"),
        ("/art/2023/1/20/art_4122_4.html", "新乡市人民政府2022年政府信息公开工作年度报告"),
        ("/art/2023/1/05/art_4122_5.html", "关于2022年政府信息公开工作年度报告的通知"),
    ]
    form = {"columnid": "4122", "unitid": "35678", "webid": "1"}
    for start in (1, 3, 5):
        chunk = records[start - 1 : start + 1]
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?><datastore><recordset>'
            + "".join(
                f'<record><![CDATA[<li><a href="{h}" title="{t}">{t}</a></li>]]></record>'
                for h, t in chunk
            )
            + "</recordset><totalrecord>5</totalrecord></datastore>"
        )
        p[
            f"{HANWEB}/module/web/jpage/dataproxy.jsp?startrecord={start}&endrecord={start + 1}"
            "&perpage=2"
        ] = Route(xml.encode(), "text/xml;charset=UTF-8", validators=False, method="POST", form=form)
    h1, h2, h3, h4, _ = (HANWEB + h for h, _ in records)
    p[h1] = Route(
        html_page(
            records[0][1],
            f'<p>附件：<a href="{HANWEB_FILES}/upload/2024/xx2023.pdf">年报全文.pdf</a></p>'
            f'<p><a href="{HANWEB_FILES}/private/xx2023-draft.pdf">年报（排版前）.pdf</a></p>',
        ).encode()
    )
    p[f"{HANWEB_FILES}/upload/2024/xx2023.pdf"] = Route(pdf_bytes("xx2023"), "application/pdf")
    p[f"{HANWEB_FILES}/private/xx2023-draft.pdf"] = Route(pdf_bytes("draft"), "application/pdf")
    expected["hanweb"].add(f"{HANWEB_FILES}/upload/2024/xx2023.pdf")
    p[h2] = Route(html_page(records[1][1], "<img src=x>").encode())
    lookalikes.append(h2)
    p[h3] = Route(html_page(records[2][1], REPORT_BODY).encode())
    expected["hanweb"].add(h3)
    p[h4] = Route(
        html_page(
            records[3][1],
            REPORT_BODY + f'<p>附件：<a href="{ELSEWHERE}/mirror/xx2022.pdf">年报.pdf</a></p>',
        ).encode()
    )
    p[f"{ELSEWHERE}/mirror/xx2022.pdf"] = Route(pdf_bytes("elsewhere"), "application/pdf")
    expected["hanweb"].add(h4)
    lookalikes.append(HANWEB + records[4][0])

    # ---- a 政府信息公开平台 directory tree on its own host of the site ---------------------
    p[f"{PLATFORM_HOME}/"] = Route(
        nav_page(
            "卫辉市人民政府",
            [(f"{PLATFORM}/index.html", "信息公开目录"), ("/zwfw/", "政务服务"), ("/hdjl/", "互动交流")],
        )
    )
    agencies = {"jyj": "卫辉市教育局", "czj": "卫辉市财政局", "mzj": "卫辉市民政局"}
    tree = ""
    for code, agency in agencies.items():
        nb = f"/{code}/nb/list.jsp?page=1" if code == "czj" else f"/{code}/nb/index.html"
        tree += (
            f"<li><span>{agency}</span><ul>"
            f'<li><a href="/{code}/zn/index.html">政府信息公开指南</a></li>'
            f'<li><a href="/{code}/zd/index.html">政府信息公开制度</a></li>'
            f'<li><a href="/{code}/fdzdgknr/index.html">法定主动公开内容</a></li>'
            f'<li><a href="{nb}">政府信息公开年报</a></li>'
            f'<li><a href="/{code}/tz/index.html">年报编制通知</a></li></ul></li>'
        )
    p[f"{PLATFORM}/index.html"] = Route(
        nav_page("卫辉市政府信息公开平台", [("/index.html", "信息公开目录")], f'<ul class="tree">{tree}</ul>')
    )
    for code, agency in agencies.items():
        p[f"{PLATFORM}/{code}/tz/index.html"] = Route(
            entries([(f"/{code}/tz/1.html", "关于报送2023年政府信息公开工作年度报告的通知")])
        )
        lookalikes.append(f"{PLATFORM}/{code}/tz/index.html")
        t = f"{agency}2023年政府信息公开工作年度报告"
        if code == "czj":
            nav1 = '<div class="pages"><a href="/czj/nb/list.jsp?page=2">下一页</a></div>'
            p[f"{PLATFORM}/czj/nb/list.jsp?page=1"] = Route(entries([("/czj/nb/1.html", t)], nav1))
            t2 = f"{agency}2022年政府信息公开工作年度报告"
            p[f"{PLATFORM}/czj/nb/list.jsp?page=2"] = Route(
                entries([("/czj/nb/2.html", t2), ("/czj/nb/3.html", f"{agency}2022年年报解读")])
            )
            p[f"{PLATFORM}/czj/nb/1.html"] = Route(html_page(t, REPORT_BODY).encode())
            p[f"{PLATFORM}/czj/nb/2.html"] = Route(
                html_page(t2, '<a href="/czj/nb/czj2022.docx">财政局年报.docx</a>').encode()
            )
            p[f"{PLATFORM}/czj/nb/czj2022.docx"] = Route(
                docx_bytes("财政局"), "application/octet-stream"
            )
            expected["platform"] |= {f"{PLATFORM}/czj/nb/1.html", f"{PLATFORM}/czj/nb/czj2022.docx"}
            continue
        p[f"{PLATFORM}/{code}/nb/index.html"] = Route(
            entries([(f"/{code}/nb/1.html", t), (f"/{code}/nb/2.html", f"{agency}2023年年报解读")])
        )
        p[f"{PLATFORM}/{code}/nb/1.html"] = Route(html_page(t, REPORT_BODY).encode())
        expected["platform"].add(f"{PLATFORM}/{code}/nb/1.html")
        lookalikes.append(f"{PLATFORM}/{code}/nb/2.html")

    return HomePortals(
        trs=trs,
        proxy=proxy,
        expected=expected,
        homes={"trs": trs.url("/"), "hanweb": f"{HANWEB}/", "platform": f"{PLATFORM_HOME}/"},
        lookalikes=lookalikes,
        outside=[f"{ELSEWHERE}/mirror/xx2022.pdf"],
        robots_blocked=[
            trs.url("/jsearch/?q=年报"),
            trs.url("/old/xxgknb/"),
            f"{HANWEB}/module/search/index.jsp?q=年度报告",
            f"{HANWEB_FILES}/private/xx2023-draft.pdf",
        ],
    )


def hand_written(portals: HomePortals) -> str:
    """The sources a user who knew every list page and endpoint would write."""
    return f"""
[[source]]
name = "卫辉市人民政府"
start = ["{portals.trs.url("/zwgk/xxgknb/")}"]

[[source]]
name = "新乡市人民政府"
start = ["{HANWEB}/col/col4122/index.html"]
list_url_template = "{HANWEB}/module/web/jpage/dataproxy.jsp?startrecord={{start}}&endrecord={{end}}&perpage={{size}}"
page_size = 2
list_method = "POST"
list_form = {{ col = "1", appid = "1", webid = "1", path = "/", columnid = "4122", sourceContentType = "1", unitid = "35678", webname = "新乡市人民政府", permissiontype = "0" }}

[[source]]
name = "卫辉市政府信息公开平台"
start = ["{PLATFORM}/jyj/nb/index.html", "{PLATFORM}/czj/nb/list.jsp?page=1", "{PLATFORM}/mzj/nb/index.html"]
"""


def from_home_pages(portals: HomePortals) -> str:
    return "".join(
        f'\n[[source]]\nname = "{name}"\nstart = ["{portals.homes[key]}"]\n'
        for key, name in (("trs", "卫辉市人民政府"), ("hanweb", "新乡市人民政府"),
                          ("platform", "卫辉市政府信息公开平台"))
    )
