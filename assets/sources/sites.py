"""Which hosts belong to one site: ``file.huaian.gov.cn`` and ``www.huaian.gov.cn`` do.

A report page's attachments often sit on a file host or a 信息公开 platform of the same
registrable domain; those are fetched under the same manners without an `allow` entry.
The registrable domain is the public suffix plus one label. gongkai crawls Chinese portals, so
the suffixes kept here are the ones they use (``gov.cn`` and its siblings, and the provinces'
``js.cn`` …, as the Public Suffix List has them); any other name counts its last two labels.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

_CN_SECOND_LEVEL = frozenset(
    ("gov", "com", "net", "org", "edu", "ac", "mil")
    # provinces, as in the Public Suffix List's cn section
    + ("bj", "sh", "tj", "cq", "he", "sx", "nm", "ln", "jl", "hl", "js", "zj", "ah", "fj", "jx")
    + ("sd", "ha", "hb", "hn", "gd", "gx", "hi", "sc", "gz", "yn", "xz", "sn", "gs", "qh", "nx")
    + ("xj", "tw", "hk", "mo")
)


def registrable_domain(host: str) -> str | None:
    """``file.huaian.gov.cn`` → ``huaian.gov.cn``; None for an IP address or a bare suffix."""
    host = host.lower().rstrip(".")
    if host.startswith("["):  # [::1]:8080
        return None
    host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    labels = host.split(".")
    size = 3 if labels[-1] == "cn" and len(labels) >= 2 and labels[-2] in _CN_SECOND_LEVEL else 2
    if len(labels) < size:
        return None
    return ".".join(labels[-size:])


def same_site(url: str, hosts: frozenset[str] | set[str]) -> bool:
    """`url` is on one of `hosts`, or on another host of the same registrable domain."""
    netloc = urlsplit(url).netloc.lower()
    if netloc in hosts:
        return True
    domain = registrable_domain(netloc)
    return domain is not None and any(registrable_domain(h) == domain for h in hosts)
