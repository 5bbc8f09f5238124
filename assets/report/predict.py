"""Write one `Report.to_json()` line per labelled document, for the scorer:

    python -m assets.report.predict tests/fixtures/seeds/labels.jsonl preds.jsonl
    python /work/shared/tools/score.py tests/fixtures/seeds/labels.jsonl preds.jsonl
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

from assets.report.parse import parse_file

log = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("labels", type=Path, help="labels.jsonl (its `file` fields name the documents)")
    ap.add_argument("out", type=Path)
    a = ap.parse_args(argv)
    base = a.labels.parent
    with a.out.open("w", encoding="utf-8") as out:
        for line in a.labels.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            name = json.loads(line)["file"]
            t0 = time.perf_counter()
            report = parse_file(base / name)
            print(f"{name}: {time.perf_counter() - t0:.3f}s format={report.format_version} "
                  f"cells={sum(c.value is not None for c in report.cells)} error={report.error}")
            out.write(json.dumps(report.to_json(), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
