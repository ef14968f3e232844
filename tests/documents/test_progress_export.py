"""Excel export of progress for a period (issue 8 item 3): a department's (or, for the office
side, every department's) progress reports of one period, one row each with the reported and
verified values side by side (Shanghai Art. 14), read through execution's selector, through the
same background-job path as the other exports, and re-checked on download."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from accounts.models import Membership
from documents import services as document_services
from documents.models import DocumentJob
from execution import clock
from execution.services import progress as reports
from targets.models import PlanYear
from tests.documents.conftest import job_file
from tests.evaluation.conftest import executing_target
from workflow.errors import NotFoundForUser, NotPermitted, ValidationFailed

pytestmark = pytest.mark.django_db

Q1 = datetime.date(2027, 1, 1)
Q2 = datetime.date(2027, 4, 1)


def rows_of(content: bytes) -> list[list]:
    ws = load_workbook(io.BytesIO(content)).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


@pytest.fixture
def period_reports(
    plan_year, aspect, dept_a, dept_b, staff_a, head_a, staff_b, head_b, office, settings, tmp_path
):
    """Q1: A's report 6.1 verified at 5.9; B's report 7.2 filed, not yet verified; A's second
    target only a draft. Q2: A's report 6.3 filed (another period)."""
    settings.MEDIA_ROOT = tmp_path
    a1 = executing_target(plan_year, aspect, dept_a, staff=staff_a, head=head_a, office=office)
    a2 = executing_target(
        plan_year, aspect, dept_a, staff=staff_a, head=head_a, office=office, title="第二项目标"
    )
    b1 = executing_target(plan_year, aspect, dept_b, staff=staff_b, head=head_b, office=office)
    PlanYear.objects.filter(pk=plan_year.pk).update(status=PlanYear.Status.EXECUTING)

    def report(target, staff, head, start, value, *, on, submit=True):
        with clock.frozen(on):
            r = reports.progress_report_create(
                target=target,
                by=staff,
                period_start=start,
                data=reports.ReportInput(actual_value=Decimal(value), narrative=f"进展{value}"),
            )
            return reports.progress_report_submit(report=r, by=head) if submit else r

    a_q1 = report(a1, staff_a, head_a, Q1, "6.1", on=datetime.date(2027, 4, 5))
    with clock.frozen(datetime.date(2027, 4, 6)):
        reports.progress_report_verify(
            report=a_q1, by=office, verified_value=Decimal("5.9"), reason="以统计局核定数为准"
        )
    report(b1, staff_b, head_b, Q1, "7.2", on=datetime.date(2027, 4, 12))
    report(a2, staff_a, head_a, Q1, "4.4", on=datetime.date(2027, 4, 5), submit=False)
    report(a1, staff_a, head_a, Q2, "6.3", on=datetime.date(2027, 7, 5))
    return {"a1": a1, "a2": a2, "b1": b1}


def export(generate, user, period=Q1, department=None):
    return generate(
        user, "progress_xlsx", year=period.year, period=period.isoformat(), department=department
    )


def test_the_office_exports_every_departments_reports_of_the_period(
    period_reports, office, generate
):
    job = export(generate, office)
    rows = rows_of(job_file(job))
    assert "2027年第1季度进展报告汇总" in rows[0][0]
    header = rows[1]
    body = {row[header.index("编号")]: row for row in rows[2:]}
    a1, b1 = period_reports["a1"], period_reports["b1"]
    # Q1 only, filed only: A's draft (4.4) and A's Q2 report (6.3) are not there.
    assert set(body) == {a1.code, b1.code}
    a_row = body[a1.code]
    assert a_row[header.index("填报值")] == 6.1
    assert a_row[header.index("审核值")] == 5.9
    assert a_row[header.index("审核值调整理由")] == "以统计局核定数为准"
    assert a_row[header.index("状态")] == "已审核"
    assert a_row[header.index("逾期报送")] == "否"
    b_row = body[b1.code]
    assert b_row[header.index("填报值")] == 7.2
    assert b_row[header.index("审核值")] is None  # not verified yet
    assert b_row[header.index("逾期报送")] == "是"  # filed 12 April, due 10 April
    job.refresh_from_db()
    assert job.result["rows"] == 2
    assert job.filename.endswith("-全市-进展报告.xlsx")


def test_a_department_exports_its_own_reports_only(period_reports, head_a, generate, dept_a):
    rows = rows_of(job_file(export(generate, head_a, department=dept_a.pk)))
    codes = [row[1] for row in rows[2:]]
    assert codes == [period_reports["a1"].code]


def test_a_vice_mayor_exports_the_portfolio_departments(
    period_reports, vice_mayor, dept_a, generate
):
    rows = rows_of(job_file(export(generate, vice_mayor, department=dept_a.pk)))
    assert [row[1] for row in rows[2:]] == [period_reports["a1"].code]


def test_who_may_not(period_reports, staff_a, staff_b, outsider, other_vice_mayor, dept_a, dept_b):
    """Another department's export is absent (404); the whole city is only for the office
    side and the city leaders (403); nothing is queued."""

    def ask(user, **params):
        return document_services.document_request(
            by=user, kind="progress_xlsx", params={"year": 2027, "period": "2027-01-01", **params}
        )

    with pytest.raises(NotFoundForUser):
        ask(staff_a, department=dept_b.pk)
    with pytest.raises(NotFoundForUser):
        ask(staff_b, department=dept_a.pk)
    with pytest.raises(NotFoundForUser):
        ask(other_vice_mayor, department=dept_a.pk)
    with pytest.raises(NotPermitted):
        ask(staff_a)
    with pytest.raises(NotPermitted):
        ask(outsider)
    assert not DocumentJob.objects.exists()


def test_a_period_outside_the_year_or_missing_is_refused(period_reports, office):
    for params in (
        {"year": 2027, "period": "2027-02-01"},
        {"year": 2027, "period": "2026-01-01"},
        {"year": 2027},
        {"year": 2027, "period": "第一季度"},
    ):
        with pytest.raises(ValidationFailed):
            document_services.document_request(by=office, kind="progress_xlsx", params=params)
    assert not DocumentJob.objects.exists()


def test_download_is_rechecked(period_reports, staff_a, head_a, dept_a, generate):
    """Who left the department since asking may no longer download its reports."""
    job = export(generate, head_a, department=dept_a.pk)
    job.refresh_from_db()
    assert document_services.download_allowed(head_a, job)
    assert not document_services.download_allowed(staff_a, job)  # not the requester
    Membership.objects.filter(user=head_a, department=dept_a).delete()
    fresh = type(head_a).objects.get(pk=head_a.pk)  # a new request: roles read again
    assert not document_services.download_allowed(fresh, job)


def test_the_documents_page_offers_and_requests_the_export(
    period_reports, client, office, staff_b, django_capture_on_commit_callbacks
):
    client.force_login(office)
    page = client.get("/documents/")
    assert 'data-document="progress_xlsx"' in page.content.decode()
    assert "2027年第2季度" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/documents/request/",
            {"kind": "progress_xlsx", "period": "2027-01-01", "department": ""},
        )
    job = DocumentJob.objects.get(kind="progress_xlsx")
    assert response.status_code == 302 and response.url == f"/documents/jobs/{job.pk}/"
    download = client.get(f"/documents/jobs/{job.pk}/download/")
    assert download.status_code == 200
    client.force_login(staff_b)
    assert client.get(f"/documents/jobs/{job.pk}/download/").status_code == 404
    forbidden = client.post(
        "/documents/request/", {"kind": "progress_xlsx", "period": "2027-01-01"}
    )
    assert forbidden.status_code == 403
