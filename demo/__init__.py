"""The bundled demo portal: a generated static site of two government portals, its truth, and a
local server, so ``make demo`` can crawl, parse and load without the internet.

- ``demo/build.py``  regenerates ``demo/site/`` and ``demo/truth.jsonl`` (deterministic; output committed)
- ``demo/server.py`` serves the site: ``serve_demo()`` and ``render_sources()``
"""
