"""Sources: the portals gongkai crawls, as declared in a TOML file (``sources/*.toml``)."""

from gongkai.assets.sources.config import Source, SourceError, load_sources

__all__ = ["Source", "SourceError", "load_sources"]
