"""Skip markers for tests that need an external binary (a fresh machine without root has none)."""

from __future__ import annotations

import shutil

import pytest

from gongkai.assets.read.ocr import tesseract_missing

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice (soffice) is not installed: .doc/.wps are not read without it",
)
needs_tesseract = pytest.mark.skipif(
    tesseract_missing() is not None, reason=f"OCR unavailable: {tesseract_missing()}",
)
