"""What the PDF documents need outside Python is installed everywhere they are made (issue 8):
the image (Pango, HarfBuzz's subsetter, the Noto CJK fonts) and `make test` on a fresh machine
(plus poppler's pdftoppm for the rendering check); and the fonts the settings name exist here."""

import re
import shutil
import subprocess
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PDF_LIBS = ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0")


def test_the_image_installs_the_pdf_libraries_and_the_cjk_font():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for package in (*PDF_LIBS, "fonts-noto-cjk"):
        assert re.search(rf"apt-get install[^&]*\b{re.escape(package)}\b", dockerfile), package


def test_make_test_installs_what_the_pdf_tests_need():
    makefile = (ROOT / "Makefile").read_text()
    for package in (*PDF_LIBS, "poppler-utils", "fonts-noto-cjk"):
        assert package in makefile, package


def test_the_fonts_named_in_the_settings_are_installed():
    fc_list = shutil.which("fc-list")
    assert fc_list
    families = subprocess.run(  # noqa: S603
        [fc_list, ":", "family"], capture_output=True, text=True, check=True
    ).stdout
    for family in settings.DOCUMENTS_PDF_FONTS.values():
        assert family in families, family
