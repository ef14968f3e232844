"""The bulk progress-entry grid (issue 19 item 4): a department fills a period's reports for all
its targets on one page and saves them as drafts in one step; a bad row blocks nothing else and
loses nothing typed (Shanghai Art. 14: the department reports each target's progress; Art. 16:
a cooperating department its own task)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from execution.models import ProgressReport, ReportEvidence
from targets.models import TargetDepartment

from .conftest import PDF
from .daily import executing_targets, reports_of

pytestmark = pytest.mark.django_db
URL = "/execution/grid/"


@pytest.fixture
def targets(executing_year, aspect, dept_a, staff_a):
    return executing_targets(
        3, plan_year=executing_year, aspect=aspect, lead=dept_a, created_by=staff_a
    )


def management(n):
    return {
        "form-TOTAL_FORMS": str(n),
        "form-INITIAL_FORMS": str(n),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }


def row(i, target, **values):
    data = {f"form-{i}-target": str(target.pk)}
    data.update({f"form-{i}-{k}": v for k, v in values.items()})
    return data


def test_grid_lists_every_target_to_report(client, staff_a, targets):
    client.force_login(staff_a)
    response = client.get(URL)
    assert response.status_code == 200
    assert [r.target.pk for _f, r in response.context["grid"]] == [t.pk for t in targets]
    assert response.context["period"].start.isoformat() == "2027-04-01"
    assert client.get(URL, {"period": "2027-01-01"}).context["period"].start.isoformat() == (
        "2027-01-01"
    )


def test_one_bad_row_blocks_nothing_and_loses_nothing(client, staff_a, targets):
    """Row 0 (quantitative) misses its value; rows 1 and 2 are saved; row 0 keeps its text."""
    client.force_login(staff_a)
    data = management(3)
    data |= row(0, targets[0], narrative="第一行写了很多字", problems="问题一")
    data |= row(1, targets[1], percent_complete="30", narrative="第二行")
    data |= row(2, targets[2], actual_value="12.5", narrative="第三行", next_steps="下一步")
    data["form-2-files"] = SimpleUploadedFile("三.pdf", PDF, content_type="application/pdf")
    response = client.post(URL + "?period=2027-01-01", data)
    assert response.status_code == 400
    saved = ProgressReport.objects.filter(period_start="2027-01-01").order_by("target__code")
    assert [r.target_id for r in saved] == [targets[1].pk, targets[2].pk]
    assert all(r.state == "draft" for r in saved)
    assert ReportEvidence.objects.filter(report__target=targets[2]).count() == 1
    forms = response.context["formset"].forms
    assert forms[0].errors["actual_value"] == ["定量目标须填写累计完成值。"]
    assert forms[0]["narrative"].value() == "第一行写了很多字"
    assert forms[0]["problems"].value() == "问题一"
    # The saved rows now carry their report, so saving again edits instead of filing twice.
    assert forms[1]["report"].value() == str(saved[0].pk)
    data["form-0-actual_value"] = "8"
    data["form-1-report"] = str(saved[0].pk)
    data["form-1-version"] = str(saved[0].version)
    data["form-2-report"] = str(saved[1].pk)
    data["form-2-version"] = str(saved[1].version)
    del data["form-2-files"]
    response = client.post(URL + "?period=2027-01-01", data)
    assert response.status_code == 302
    assert ProgressReport.objects.filter(period_start="2027-01-01").count() == 3
    # One audit row per report created (the one-by-one service's trail).
    assert AuditEvent.objects.filter(action__endswith="progressreport.create").count() == 3


def test_unreadable_number_is_that_rows_error(client, staff_a, targets):
    client.force_login(staff_a)
    data = management(2)
    data |= row(0, targets[0], actual_value="很多", narrative="甲")
    data |= row(1, targets[1], percent_complete="40", narrative="乙")
    response = client.post(URL + "?period=2027-01-01", data)
    assert response.status_code == 400
    assert response.context["formset"].forms[0].errors["actual_value"]
    assert list(
        ProgressReport.objects.filter(period_start="2027-01-01").values_list("target", flat=True)
    ) == [targets[1].pk]


def test_blank_rows_are_left_alone(client, staff_a, targets):
    client.force_login(staff_a)
    data = management(3) | row(0, targets[0]) | row(1, targets[1]) | row(2, targets[2])
    response = client.post(URL + "?period=2027-01-01", data)
    assert response.status_code == 302
    assert ProgressReport.objects.count() == 0


def test_edits_a_draft_and_hides_filed_reports(client, staff_a, head_a, dept_a, targets):
    (draft,) = reports_of(targets[:1], department=dept_a, state="draft", created_by=staff_a)
    reports_of(targets[1:2], department=dept_a, state="submitted", created_by=staff_a)
    client.force_login(staff_a)
    response = client.get(URL, {"period": "2027-01-01"})
    assert [r.target.pk for _f, r in response.context["grid"]] == [targets[0].pk, targets[2].pk]
    data = management(1) | row(
        0,
        targets[0],
        report=str(draft.pk),
        version=str(draft.version),
        actual_value="30",
        percent_complete="25",
        narrative="改写后的进展",
    )
    assert client.post(URL + "?period=2027-01-01", data).status_code == 302
    draft.refresh_from_db()
    assert draft.narrative == "改写后的进展" and draft.version == 2


def test_another_departments_target_or_report_is_refused_per_row(
    client, staff_b, staff_a, dept_a, targets
):
    """B may not file on A's targets (Art. 16: only lead and cooperating departments)."""
    (a_draft,) = reports_of(targets[:1], department=dept_a, state="draft", created_by=staff_a)
    client.force_login(staff_b)
    data = management(2)
    data |= row(0, targets[1], percent_complete="10", narrative="冒填")
    data |= row(1, targets[0], report=str(a_draft.pk), version="1", narrative="改别人的")
    response = client.post(URL + "?period=2027-01-01", data)
    assert response.status_code == 400
    forms = response.context["formset"].forms
    assert forms[0].non_field_errors() and forms[1].non_field_errors()
    assert ProgressReport.objects.count() == 1
    a_draft.refresh_from_db()
    assert a_draft.narrative == "一季度进展顺利。"


def test_cooperating_department_fills_its_task_reports(client, staff_b, cooperating_target, dept_b):
    client.force_login(staff_b)
    response = client.get(URL, {"period": "2027-01-01"})
    ((_form, grid_row),) = response.context["grid"]
    assert grid_row.kind == "cooperating"
    data = management(1) | row(0, cooperating_target, narrative="资金已落实")
    assert client.post(URL + "?period=2027-01-01", data).status_code == 302
    report = ProgressReport.objects.get()
    assert report.kind == "cooperating" and report.department == dept_b
    assert TargetDepartment.objects.filter(department=dept_b).exists()


@pytest.mark.parametrize("who", ["office", "vice_mayor", "auditor", "outsider"])
def test_only_department_members_use_the_grid(client, request, targets, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    assert client.post(URL, management(0)).status_code == 403


# Session, user, access (2), the department, its departments, executing plan year, cooperating
# rows, targets, reports, header memberships, the header's unread count.
GRID_QUERIES = 12


@pytest.mark.parametrize("n", [10, 300])
def test_grid_query_count_is_fixed(
    client, django_assert_num_queries, executing_year, aspect, dept_a, staff_a, n
):
    targets = executing_targets(
        n, plan_year=executing_year, aspect=aspect, lead=dept_a, created_by=staff_a
    )
    reports_of(targets[: n // 2], department=dept_a, state="draft", created_by=staff_a)
    client.force_login(staff_a)
    with django_assert_num_queries(GRID_QUERIES):
        response = client.get(URL, {"period": "2027-01-01"})
    assert response.status_code == 200
    assert len(response.context["grid"]) == n


def test_a_tampered_grid_saves_nothing(client, staff_a, targets):
    client.force_login(staff_a)
    response = client.post(URL + "?period=2027-01-01", {"form-0-narrative": "无管理表单"})
    assert response.status_code == 400
    assert len(response.context["grid"]) == 3
    assert not ProgressReport.objects.exists()
