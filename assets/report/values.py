"""The normal form of titles and headings used to match them. (Row labels are normalised by
`gongkai.assets.form.labels.label_key`; printed values are read by `gongkai.assets.form.values`,
the one value reader every medium shares.)"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"[\s\u3000\xa0]+")


@lru_cache(maxsize=4096)
def squash(text: str) -> str:
    """NFKC with every space removed: how titles and headings are compared."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))
