"""The same PDF gives the same report on every machine, whatever fonts it has installed
(assets.read.pdf_fonts): `gongkai parse` is run over PDFs that do not embed their CJK fonts
with the machine's own fonts, with no fonts at all, and with a CJK font installed, each in a
mount namespace of its own where the font folders are replaced."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gongkai.assets.read.pdf_fonts import metrics_font

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
# Text PDFs in STSong-Light, not embedded. Without CJK glyphs pdfium dropped the 业 of a
# label wrapped as 商业企/业 (pdf-borderless) and a 无 printed under another 无 in the next
# row (the demo portal's 2020 county report lost 24 cells).
PDFS = [FIXTURES / "corpus" / f"pdf-{name}.pdf" for name in (
    "borderless", "borderless-cut-2019", "ruled-cut-label", "ruled-repeat-header-2019")]
PDFS += sorted((ROOT / "demo" / "site").rglob("*.pdf"))
# where pdfium looks for fonts on Linux
FONT_DIRS = ["/usr/share/fonts", "/usr/share/X11/fonts/Type1", "/usr/share/X11/fonts/TTF",
             "/usr/local/share/fonts"]
# OS/2 code page bits of a simplified Chinese font
GB2312 = 1 << 18


def _namespaces_allowed() -> str | None:
    if not shutil.which("unshare"):
        return "no unshare command"
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs none /mnt"],
                           capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        return f"mount namespaces not permitted here: {probe.stderr.strip()}"
    return None


def _parse(pdfs: list[Path], mounts: list[str]) -> list[dict]:
    """`gongkai parse` over ``pdfs`` in a mount namespace where ``mounts`` were run first."""
    gongkai = Path(sys.executable).with_name("gongkai")
    script = " && ".join(mounts + ['exec "$@"'])
    out = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", str(gongkai), "parse",
                          *map(str, pdfs)], capture_output=True, text=True, cwd=ROOT, check=False,
                         timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    reports = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    assert len(reports) == len(pdfs), out.stdout[-2000:]
    return reports


def _hide_fonts() -> list[str]:
    return [f"mount -t tmpfs none {d}" for d in FONT_DIRS if os.path.isdir(d)]


def test_same_report_with_any_fonts_installed(tmp_path: Path) -> None:
    reason = _namespaces_allowed()
    if reason:
        pytest.skip(reason)
    if not os.path.isdir(FONT_DIRS[0]):
        pytest.skip(f"{FONT_DIRS[0]} missing: no font folder to replace")
    cjk = tmp_path / "fonts"
    cjk.mkdir()
    # A CJK font of the kind a user installs (pdfium looks for 'Noto Sans CJK SC' by name):
    # its glyphs have ink boxes, unlike the Latin fonts a bare machine has.
    (cjk / "NotoSansCJKsc-Regular.ttf").write_bytes(
        metrics_font("Noto Sans CJK SC", box=(40, -70, 960, 830), codepages=GB2312))
    pdfs = [p for p in PDFS if b"/FontFile" not in p.read_bytes()]  # no font embedded
    as_is = _parse(pdfs, [])
    no_fonts = _parse(pdfs, _hide_fonts())
    with_cjk = _parse(pdfs, _hide_fonts() + [f"mount --bind {cjk} {FONT_DIRS[0]}"])
    assert sum(bool(r["cells"]) for r in as_is) >= 10
    for a, b, c in zip(as_is, no_fonts, with_cjk):
        assert a == b == c, a["source"]
