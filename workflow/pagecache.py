"""Whole pages from the cache while the data has not changed (issue 20).

The pages people open most (target list, target page, the three dashboards) cost 30–80 ms of
CPU each to build, most of it queries and template for figures that change a few times an hour.
``cached_page`` keeps each page's HTML in the shared cache, with the generations of the tables
its build read (``workflow.generations.kept_build``: it is served again only while none of them
has moved), under a key made of:

- the reader (user id): what a page shows depends on who reads it (departments, roles, the
  actions offered), so no page is ever shared between two users;
- the code: a stamp of the deployed source, templates and translations (a new release never
  serves a page its old templates built);
- the language, the scheme, host and full path with its query string, the htmx header, and
  today's date (deadlines and "overdue" are counted in days, ``execution.clock``).

Besides the tables its queries read, a page depends on the reader's account and access
(``accounts_user``, memberships, portfolio: ``READER_TABLES`` and ``accounts.access``), which
the middleware reads before the view runs.

What differs per response is not cached: the CSRF tokens are cut out and a fresh masked token
is put back on every hit (each response still carries its own mask, as Django's ``get_token``
gives it); a request with messages to show (after a redirect) is rendered, not cached. Only
plain 200 HTML answers to GET are kept, each for ``TTL`` seconds at most.
"""

import functools
import hashlib
import os
import re
from pathlib import Path

from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from rest_framework.response import Response

from . import generations

TTL = 300
SENTINEL = "__mubiao_csrf_token__"
# Where a masked token (64 letters and digits) is written: the forms' hidden field and the
# htmx header on <body>.
_TOKEN = re.compile(r'(?:name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")([A-Za-z0-9]{64})"')
_FIELD = 'name="csrfmiddlewaretoken"'


# What "today" is for the pages: execution's clock (``set_today`` from its ``ready()``), which
# tests and the demo may freeze; this app imports no later one.
_today = timezone.localdate


def set_today(today) -> None:
    global _today
    _today = today


_CODE_SUFFIXES = (".py", ".html", ".mo", ".json")
_NOT_CODE = {"node_modules", "tests", "media", "staticfiles", "__pycache__"}


@functools.cache
def code_stamp() -> str:
    """Sizes and modification times of the project's code, templates and translations, read once
    per process (a few milliseconds): every worker of one release gets the same stamp."""
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR)
    uploads = Path(settings.MEDIA_ROOT).resolve()
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in _NOT_CODE and not d.startswith(".") and Path(folder, d).resolve() != uploads
        )
        for name in sorted(files):
            if name.endswith(_CODE_SUFFIXES):
                stat = os.stat(os.path.join(folder, name))
                digest.update(f"{folder}/{name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def _key(request, name: str) -> str:
    parts = "\n".join(
        [
            name,
            code_stamp(),
            # One Redis may serve several databases (a staging copy, the benchmark's).
            connection.settings_dict["NAME"],
            str(request.user.pk),
            translation.get_language() or "",
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            request.headers.get("HX-Request", ""),
            _today().isoformat(),
        ]
    )
    return f"page:{name}:{hashlib.sha256(parts.encode()).hexdigest()}"


# Read by the middleware before the view (the reader, the session's user), so no query of the
# build names it: every page shows its reader's name and what the reader's roles allow.
READER_TABLES = ("accounts_user",)


def _without_tokens(html: str) -> str | None:
    if SENTINEL in html:
        # Someone typed it (a title…): putting a token there on a hit would change the page.
        return None
    tokens = set(_TOKEN.findall(html))
    for token in tokens:
        html = html.replace(token, SENTINEL)
    # Every form's token must have been found, or the page is not kept.
    if html.count(_FIELD) != html.count(f'{_FIELD} value="{SENTINEL}"'):
        return None
    return html


def cached_page(view):
    """Serve ``view``'s GET answers from the cache (see the module's docstring). Put it inside
    ``login_required``: only signed-in readers' pages are kept."""
    name = f"{view.__module__}.{view.__qualname__}"

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if (
            request.method != "GET"
            or not request.user.is_authenticated
            or len(get_messages(request))
        ):
            return view(request, *args, **kwargs)

        built = []

        def build():
            generations.depends_on(*READER_TABLES)
            response = view(request, *args, **kwargs)
            built.append(response)
            if (
                response.status_code == 200
                and not response.streaming
                and response.get("Content-Type", "").startswith("text/html")
                and not response.cookies
            ):
                html = _without_tokens(response.content.decode(response.charset))
                if html is not None:
                    # The headers the view set (the middleware adds its own on every answer).
                    return (dict(response.headers), html), True
            return None, False

        kept, _ = generations.kept_build(_key(request, name), build, TTL)
        if built:
            return built[0]
        headers, html = kept
        return HttpResponse(html.replace(SENTINEL, get_token(request)), headers=headers)

    return wrapper


def cached_list(method):
    """The same for an API list (a DRF viewset's ``list``): its data kept under the same key as
    a page (reader, language, full path with its filters, today, code), with the generations
    of the tables it read. Only 200
    answers are kept; the renderer writes the kept rows afresh on every hit (orjson: well under
    a millisecond for a page), so the format asked for and the headers stay per request."""

    @functools.wraps(method)
    def wrapper(self, request, *args, **kwargs):
        name = f"{type(self).__module__}.{type(self).__qualname__}.list"
        built = []

        def build():
            generations.depends_on(*READER_TABLES)
            response = method(self, request, *args, **kwargs)
            built.append(response)
            return response.data, response.status_code == 200

        data, _ = generations.kept_build(_key(request, name), build, TTL)
        if built:
            return built[0]
        return Response(data)

    return wrapper
