"""What WeasyPrint may read while it lays out a document (issue 17 item 6): our static files
and the fonts, nothing else. A PDF is rendered from HTML that holds text people typed; were a
tag ever to slip through, WeasyPrint's default fetcher would read any ``file:`` on the worker
(``/etc/passwd``, the ``.env``) into the document, or call any URL from inside the government
network (SSRF). Every other URL — ``http(s):``, ``ftp:``, ``data:``, a ``file:`` outside these
folders, one that leaves them through ``..`` or a symbolic link — is refused: WeasyPrint logs
it and leaves the image or stylesheet out."""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint.urls import URLFetcher

# Where Debian (fonts-noto-cjk) and a local administrator install fonts.
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts")


class RefusedURL(ValueError):
    pass


def allowed_roots() -> list[str]:
    roots = [*settings.STATICFILES_DIRS, settings.STATIC_ROOT, *FONT_DIRS]
    return [os.path.realpath(root) for root in roots if root]


def allowed_path(url: str) -> str | None:
    """The real path of ``url`` if it is a ``file:`` URL inside our static files or fonts."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = os.path.realpath(unquote(parts.path))
    for root in allowed_roots():
        if os.path.commonpath([root, path]) == root and Path(path).is_file():
            return path
    return None


class StaticOnlyFetcher(URLFetcher):
    """WeasyPrint's fetcher for ``file:`` only, and only inside ``allowed_roots``."""

    def __init__(self, **kwargs):
        super().__init__(allowed_protocols=("file",), allow_redirects=False, **kwargs)

    def fetch(self, url, headers=None):
        path = allowed_path(url)
        if path is None:
            raise RefusedURL(f"refused: {url[:200]}")
        return super().fetch(Path(path).as_uri(), headers)
