"""Done means (issue 21): walk every public URL and JSON field of the demo city and prove that
nothing outside the documented field list appears — no draft, no narrative the office did not
approve, no evidence, no supervision or evaluation internals — and that a draft's id answers 404.
"""

import io
import json
import re
from xml.etree import ElementTree

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from evaluation.models import ScoreEntry, ScoreSheet
from execution.models import CompletionReport, ProgressReport, ReportEvidence, WarningExplanation
from portal.fields import (
    ASPECT_FIELDS,
    COMMENT_FIELDS,
    DEPARTMENT_FIELDS,
    LEAD_FIELDS,
    MILESTONE_FIELDS,
    PERIOD_FIELDS,
    PUBLIC_STATES,
    REPORT_API_FIELDS,
    REPORT_FIELDS,
    REPORT_INDICATOR_FIELDS,
    TARGET_FIELDS,
)
from portal.models import PublicComment, PublicReport, PublicSummary, PublicTarget
from supervision.models import ExternalInput, Finding, SupervisionOrder
from targets.models import Target, TargetComment

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="(/gongkai/[^"#?]*)"')


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test import override_settings

    media = override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    )
    with django_db_blocker.unblock(), media:
        call_command("seed_demo", stdout=io.StringIO())
        call_command("seed_public_demo", stdout=io.StringIO())
        yield
        call_command("flush", interactive=False, verbosity=0)


def _texts(*querysets_and_fields):
    for qs, fields in querysets_and_fields:
        for row in qs.values_list(*fields):
            yield from (t for t in row if t)


def forbidden_texts() -> set[str]:
    """Internal texts long enough to be recognised, that no public record contains."""
    public = json.dumps(
        list(PublicTarget.objects.values_list("data", flat=True)), ensure_ascii=False
    )
    public += "".join(PublicSummary.objects.filter(state="approved").values_list("text", flat=True))
    public += json.dumps(
        list(PublicReport.objects.values_list("data", flat=True)), ensure_ascii=False
    )
    for text, answer in PublicComment.objects.filter(state="published").values_list(
        "text", "answer"
    ):
        public += text + answer
    hidden_targets = Target.objects.exclude(
        pk__in=PublicTarget.objects.filter(state="published").values("target_id")
    )
    texts = set(
        _texts(
            (hidden_targets, ["title", "content"]),
            (Target.objects.all(), ["content", "measures"]),
            (TargetComment.objects.all(), ["body"]),
            (
                ProgressReport.objects.all(),
                [
                    "narrative",
                    "problems",
                    "next_steps",
                    "verification_reason",
                    "verification_comment",
                    "return_comment",
                ],
            ),
            (ReportEvidence.objects.all(), ["display_name"]),
            (WarningExplanation.objects.all(), ["explanation", "remedy"]),
            (CompletionReport.objects.all(), ["summary", "evidence_name"]),
            (SupervisionOrder.objects.all(), ["title", "requirement"]),
            (Finding.objects.all(), ["title", "description"]),
            (ExternalInput.objects.all(), ["summary"]),
            (ScoreSheet.objects.all(), ["summary"]),
            (PublicSummary.objects.exclude(state="approved"), ["text"]),
            (ScoreEntry.objects.all(), ["comment"]),
            # A comment waiting for moderation or withheld, and why it was withheld.
            (PublicComment.objects.exclude(state="published"), ["text", "reason"]),
        )
    )
    return {t for t in texts if len(t) >= 8 and t not in public}


def crawl(client) -> dict[str, object]:
    seen, queue = {}, ["/gongkai/"]
    while queue:
        url = queue.pop()
        if url in seen or url.startswith("/gongkai/manage"):
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        seen[url] = response
        if response["Content-Type"].startswith("text/html"):
            queue.extend(HREF.findall(response.content.decode()))
    return seen


def body_text(response) -> str:
    kind = response["Content-Type"]
    if "spreadsheetml" in kind:
        sheet = load_workbook(io.BytesIO(response.content)).active
        return "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    return response.content.decode("utf-8-sig")


def check_target_record(record: dict) -> None:
    assert set(record) == set(TARGET_FIELDS)
    assert set(record["aspect"]) == set(ASPECT_FIELDS)
    assert set(record["lead_department"]) == set(LEAD_FIELDS)
    for d in record["departments"]:
        assert set(d) == set(DEPARTMENT_FIELDS)
    for m in record["milestones"]:
        assert set(m) == set(MILESTONE_FIELDS)
    for p in record["periods"]:
        assert set(p) == set(PERIOD_FIELDS)


def test_every_public_url_shows_only_the_documented_fields(demo, client):
    pages = crawl(client)
    published = PublicTarget.objects.filter(state="published")
    # Every published target has its page, JSON and feed among the crawled URLs.
    for target_id in published.values_list("target_id", flat=True):
        for suffix in ("", "feed/"):
            assert f"/gongkai/targets/{target_id}/{suffix}" in pages
        assert f"/gongkai/api/targets/{target_id}/" in pages
    # The office published the demo's 2026 list: every confirmed target of it, nothing else.
    assert published.filter(year=2026).count() == (
        Target.objects.filter(plan_year__year=2026, state__in=PUBLIC_STATES).count()
    )
    assert published.filter(year=2026).count() > 0

    # The demo's self-evaluation reports for comment: each with its page and JSON; its
    # published comments and answers show, a withheld or pending one never does.
    report_ids = list(PublicReport.objects.values_list("pk", flat=True))
    assert len(report_ids) == 2
    for pk in report_ids:
        assert f"/gongkai/reports/{pk}/" in pages
        assert f"/gongkai/api/reports/{pk}/" in pages
    assert PublicComment.objects.filter(state="withheld").exists()
    assert PublicComment.objects.filter(state="pending").exists()
    shown = PublicComment.objects.filter(state="published").exclude(answer="").first()
    assert shown.answer in body_text(pages[f"/gongkai/reports/{shown.report_id}/"])

    forbidden = forbidden_texts()
    assert len(forbidden) > 100  # the demo has internals to leak
    for url, response in pages.items():
        text = body_text(response)
        leaked = [t for t in forbidden if t in text]
        assert leaked == [], (url, leaked[:3])
        if response["Content-Type"].startswith("application/atom"):
            ElementTree.fromstring(response.content)  # noqa: S314 (our own feed)

    for url, response in pages.items():
        if not url.startswith("/gongkai/api/"):
            continue
        data = response.json()
        if url.startswith("/gongkai/api/targets/"):
            check_target_record(data)
        elif url.endswith("/targets/"):
            for record in data:
                check_target_record(record)
        elif "/departments/" in url:
            assert set(data) == {"id", "name", "targets", "summaries"}
            for s in data["summaries"]:
                assert set(s) == {"year", "quarter", "text"}
        elif url.startswith("/gongkai/api/reports/"):
            assert set(data) == set(REPORT_API_FIELDS) | set(REPORT_FIELDS)
            assert set(data["department"]) == {"id", "name"}
            for indicator in data["indicators"]:
                assert set(indicator) == set(REPORT_INDICATOR_FIELDS)
            for comment in data["comments"]:
                assert set(comment) == set(COMMENT_FIELDS)
        elif url.endswith("/overview/"):
            assert set(data) == {
                "year",
                "targets",
                "by_status",
                "by_warning_level",
                "average_percent",
                "aspects",
                "departments",
            }


def test_a_drafts_id_answers_404_everywhere(demo, client):
    hidden = Target.objects.exclude(
        pk__in=PublicTarget.objects.filter(state="published").values("target_id")
    )
    draft = hidden.filter(state="draft").first()
    assert draft is not None
    for url in (
        f"/gongkai/targets/{draft.pk}/",
        f"/gongkai/targets/{draft.pk}/feed/",
        f"/gongkai/api/targets/{draft.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    year = draft.plan_year.year
    if not PublicTarget.objects.filter(year=year).exists():
        assert client.get(f"/gongkai/{year}/").status_code == 404
