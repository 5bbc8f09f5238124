"""Page chrome of the two demo portals: a TRS-built city site and a county CMS site.

Only the markup that crawlers meet: list pages with their pagers, article pages with metadata,
report bodies or attachment links. Everything else (menus, footers) is kept short but present,
so a parser has to find the report inside a real-looking page.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from urllib.parse import quote


@dataclass
class ListItem:
    title: str
    href: str  # as the list page prints it (relative on TRS, absolute path on the county CMS)
    date: str  # YYYY-MM-DD


def _e(s: str) -> str:
    return html.escape(s, quote=True)


# --- city: TRS WCM ---------------------------------------------------------------------------

CITY = "清河市人民政府"


def city_head(title: str, charset: str) -> str:
    meta = ('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">' if charset == "gbk"
            else '<meta charset="utf-8">')
    return (f"<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\">\n<html>\n<head>\n{meta}\n"
            f"<title>{_e(title)}</title>\n<meta name=\"SiteName\" content=\"{CITY}\">\n"
            "<meta name=\"ColumnName\" content=\"政府信息公开年报\">\n"
            "<script src=\"/js/jquery.min.js\"></script>\n</head>\n<body>\n"
            f"<div class=\"header\"><a href=\"/index.html\"><img src=\"/images/logo.png\" alt=\"{CITY}\"></a></div>\n"
            "<div class=\"nav\"><a href=\"/index.html\">首页</a> | <a href=\"/xxgk/index.html\">政府信息公开</a> | "
            "<a href=\"/hdjl/index.html\">互动交流</a></div>\n")


_CITY_FOOT = (f"<div class=\"footer\">主办：{CITY}办公室 &nbsp; 网站标识码：3299990001 &nbsp; "
              "<a href=\"https://beian.miit.gov.cn\">示ICP备00000001号</a></div>\n</body>\n</html>\n")


def city_list_page(items: list[ListItem], page: int, pages: int) -> str:
    lis = "\n".join(f"<li><a href=\"{_e(i.href)}\" target=\"_blank\" title=\"{_e(i.title)}\">{_e(i.title)}</a>"
                    f"<span>{i.date}</span></li>" for i in items)
    return (city_head("政府信息公开年报", "utf-8")
            + "<div class=\"position\">当前位置：<a href=\"/index.html\">首页</a> &gt; <a href=\"../index.html\">"
              "政府信息公开</a> &gt; 政府信息公开年报</div>\n"
            + f"<div class=\"list\"><ul>\n{lis}\n</ul></div>\n"
            + "<div class=\"page\"><script>\nvar currentPage = " + str(page) + ";\nvar countPage = " + str(pages)
            + ";\ncreatePageHTML(" + f"{pages}, {page}, \"index\", \"html\");\n</script></div>\n"
            + _CITY_FOOT)


def city_article(title: str, date: str, publisher: str, body: str, charset: str, index_no: str) -> str:
    return (city_head(title, charset)
            + "<div class=\"position\">当前位置：<a href=\"/index.html\">首页</a> &gt; <a href=\"../../index.html\">"
              "政府信息公开</a> &gt; <a href=\"../index.html\">政府信息公开年报</a></div>\n"
            + "<table class=\"xxgk_table\"><tr><td>索引号：</td><td>" + index_no + "</td><td>发布机构：</td><td>"
            + _e(publisher) + "</td></tr><tr><td>名称：</td><td colspan=\"3\">" + _e(title)
            + "</td></tr><tr><td>发布日期：</td><td>" + date + "</td><td>主题分类：</td><td>政务公开</td></tr></table>\n"
            + f"<h1 class=\"title\">{_e(title)}</h1>\n<div class=\"info\">发布时间：{date} &nbsp; 来源：{_e(publisher)}</div>\n"
            + "<div class=\"TRS_Editor\"><div class=\"Custom_UnionStyle\">\n" + body + "\n</div></div>\n"
            + _CITY_FOOT)


def attachment_body(lead: str, links: list[tuple[str, str]]) -> str:
    """A body that only links files: (href, link text). Hrefs with Chinese are percent-encoded."""
    out = [f"<p style=\"text-indent:2em\">{_e(lead)}</p>"]
    for href, text in links:
        out.append(f"<p>附件：<a href=\"{_e(quote(href, safe='/:._-'))}\" appendix=\"true\" "
                   f"otheroperation=\"false\">{_e(text)}</a></p>")
    return "\n".join(out)


# --- county: a CMS with ?page=N lists ---------------------------------------------------------

COUNTY = "清河县人民政府"


def county_page(title: str, inner: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{_e(title)}_{COUNTY}</title>\n<meta name=\"keywords\" content=\"政府信息公开年度报告\">\n"
            "</head>\n<body>\n<div id=\"top\"><span>欢迎访问" + COUNTY + "门户网站</span></div>\n"
            "<div id=\"menu\"><a href=\"/\">首页</a><a href=\"/zfxxgk/index.html\">政府信息公开</a>"
            "<a href=\"/zfxxgk/bmnb/index.html\">部门年报</a></div>\n"
            + inner + "\n<div id=\"foot\">" + COUNTY + "办公室主办 版权所有</div>\n</body>\n</html>\n")


def county_list_page(items: list[ListItem], page: int, pages: int) -> str:
    rows = "\n".join(f"<tr><td class=\"bt\"><a href=\"{_e(i.href)}\" title=\"{_e(i.title)}\">{_e(i.title)}</a></td>"
                     f"<td class=\"rq\">{i.date}</td></tr>" for i in items)
    nav = [f"<span>共{pages}页</span>"]
    if page > 1:
        nav.append("<a href=\"index.html\">首页</a>")
        nav.append(f"<a href=\"index.html?page={page - 1}\">上一页</a>" if page > 2 else "<a href=\"index.html\">上一页</a>")
    for p in range(1, pages + 1):
        href = "index.html" if p == 1 else f"index.html?page={p}"
        nav.append(f"<b>{p}</b>" if p == page else f"<a href=\"{href}\">{p}</a>")
    if page < pages:
        nav.append(f"<a href=\"index.html?page={page + 1}\">下一页</a>")
        nav.append(f"<a href=\"index.html?page={pages}\">尾页</a>")
    return county_page("部门政府信息公开年报",
                       "<div class=\"crumb\">您的位置：首页 &gt; 政府信息公开 &gt; 部门年报</div>\n"
                       f"<table class=\"list\">\n{rows}\n</table>\n<div class=\"pages\">{' '.join(nav)}</div>")


def county_article(title: str, date: str, dept: str, body: str) -> str:
    return county_page(title,
                       f"<div class=\"crumb\">您的位置：首页 &gt; 政府信息公开 &gt; 部门年报 &gt; {_e(dept)}</div>\n"
                       f"<div class=\"article\"><h2>{_e(title)}</h2>\n"
                       f"<div class=\"meta\">发布日期：{date}　信息来源：{_e(dept)}　"
                       "字号：[<a href=\"javascript:doZoom(16)\">大</a> <a href=\"javascript:doZoom(14)\">中</a>]</div>\n"
                       f"<div id=\"zoom\">\n{body}\n</div></div>")
