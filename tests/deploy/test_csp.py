"""Content-Security-Policy (issue 17 item 6; GB/T 22239-2019 §8.1.4.4 入侵防范): every page is
served with a policy that allows no inline script, and no template carries one."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# WeasyPrint lays these out on the server; no browser runs them.
PDF_TEMPLATES = TEMPLATES / "documents" / "pdf"


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


def test_pages_carry_a_policy_without_inline_script(client, staff_a):
    client.force_login(staff_a)
    for url in (reverse("targets:target_list"), reverse("accounts:login")):
        directives = policy(client.get(url))
        assert directives["script-src"] == ["'self'"]
        assert directives["style-src"] == ["'self'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert directives["object-src"] == ["'none'"]


def test_the_api_docs_allow_generated_styles_but_no_inline_script(client, staff_a):
    client.force_login(staff_a)
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    directives = policy(response)
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" in directives["style-src"]
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", response.content.decode())


def _html_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        if PDF_TEMPLATES not in path.parents:
            yield path


def test_no_template_has_an_inline_script_or_event_handler():
    inline = []
    for path in _html_templates():
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:", text):
            inline.append(f"{path.relative_to(TEMPLATES)}: {match.group(0)}")
    assert inline == []
