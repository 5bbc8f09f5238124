"""Skip markers for tests that need an external binary (a fresh machine without root has none)."""

from __future__ import annotations

import shutil

import pytest

from gongkai.assets.read.ocr_engine import ocr_missing

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice (soffice) is not installed: .doc/.wps are not read without it",
)
needs_ocr = pytest.mark.skipif(
    ocr_missing() is not None, reason=f"OCR unavailable: {ocr_missing()}",
)
