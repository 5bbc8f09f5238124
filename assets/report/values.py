"""The normal form of labels and titles used to match them. (Printed values are read by
`gongkai.assets.form.values`, the one value reader every medium shares.)"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"[\s\u3000\xa0]+")


_QUOTES = re.compile(r"[“”\"'‘’「」『』]")
_NON_WORD = re.compile(r"[^0-9A-Za-z\u3400-\u9fff]+")


@lru_cache(maxsize=4096)
def squash(text: str) -> str:
    """NFKC with every space removed: how titles and headings are compared."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=4096)
def label_key(text: str) -> str:
    """A label reduced to its words: width, brackets, numbering punctuation, quotes, spaces
    and line breaks don't count (（一） == (一), 1、 == 1., “三安全一稳定” == "三安全一稳定")."""
    t = unicodedata.normalize("NFKC", text)
    t = _QUOTES.sub("", t)
    return _NON_WORD.sub("", t)
