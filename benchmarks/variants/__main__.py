"""Write one generated report and its label, to reproduce a miss:

    .venv/bin/python -m benchmarks.variants SEED MEDIUM [FOLDER]    # e.g. 12 html /tmp/x
    .venv/bin/gongkai parse /tmp/x/html-00012.html

MEDIUM: html txt docx doc pdf scan. Writes FOLDER/<medium>-<seed>.<ext> and, beside it, a
labels.jsonl line (score with /work/shared/tools/score.py or benchmarks accuracy).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from benchmarks.variants import MEDIA, generate
from benchmarks.variants.media import Unavailable


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[1] not in MEDIA or not argv[0].isdigit():
        print(__doc__, file=sys.stderr)
        return 2
    folder = Path(argv[2] if len(argv) > 2 else ".")
    try:
        g = generate(int(argv[0]), argv[1])
    except Unavailable as exc:
        print(f"not made here: {exc}", file=sys.stderr)
        return 1
    folder.mkdir(parents=True, exist_ok=True)
    (folder / g.name).write_bytes(g.data)
    with (folder / "labels.jsonl").open("a", encoding="utf-8") as f:
        f.write(json.dumps(g.label, ensure_ascii=False) + "\n")
    print(folder / g.name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
