"""问责记录 (Zhongshan Art. 20): five categories the evaluation reads for its deductions; entered
and corrected only by the supervision office or the general office, every change audited."""

import datetime

import pytest

from audit.models import AuditEvent
from supervision import services
from supervision.deadlines import today
from supervision.models import AccountabilityRecord
from workflow.errors import NotPermitted, ValidationFailed

from .conftest import nothing_written

pytestmark = pytest.mark.django_db


def record(by, plan_year, department, **overrides):
    values = {
        "by": by,
        "plan_year": plan_year,
        "department": department,
        "category": "safety_accident",
        "occurred_on": today(),
        "reference": "示监〔2027〕5号",
        "description": "发生一般安全责任事故。",
    }
    values.update(overrides)
    return services.accountability_record(**values)


def test_the_five_categories_of_article_20_are_data_the_evaluation_reads():
    assert AccountabilityRecord.Category.values == [
        "discipline",
        "safety_accident",
        "social_impact",
        "budget_performance",
        "audit",
    ]


@pytest.mark.parametrize("persona", ["supervisor", "office"])
def test_the_offices_record_accountability(request, persona, plan_year, dept_a):
    rec = record(request.getfixturevalue(persona), plan_year, dept_a)
    assert (
        AccountabilityRecord.objects.filter(
            plan_year=plan_year, department=dept_a, category="safety_accident"
        ).get()
        == rec
    )
    assert (
        AuditEvent.objects.for_object(rec).get().action == "supervision.accountabilityrecord.create"
    )


@pytest.mark.parametrize("persona", ["staff_a", "head_a", "auditor", "vice_mayor"])
def test_no_one_else_does(request, persona, plan_year, dept_a):
    with nothing_written(), pytest.raises(NotPermitted):
        record(request.getfixturevalue(persona), plan_year, dept_a)


def test_bad_records_are_refused(supervisor, plan_year, dept_a):
    with nothing_written(), pytest.raises(ValidationFailed) as caught:
        record(
            supervisor,
            plan_year,
            None,
            category="fine",
            reference="",
            occurred_on=today() + datetime.timedelta(days=3),
        )
    assert set(caught.value.field_errors) == {"department", "category", "reference", "occurred_on"}


def test_a_correction_needs_a_reason_and_keeps_before_and_after(
    supervisor, plan_year, dept_a, dept_b
):
    rec = record(supervisor, plan_year, dept_a)
    with nothing_written(), pytest.raises(ValidationFailed) as caught:
        services.accountability_correct(record=rec, by=supervisor, reason="", department=dept_b)
    assert caught.value.field_errors["reason"] == ["请填写更正理由。"]
    rec = services.accountability_correct(
        record=rec, by=supervisor, reason="录错部门", department=dept_b, category="audit"
    )
    assert (rec.department, rec.category) == (dept_b, "audit")
    event = AuditEvent.objects.for_object(rec).with_action(rec, "update").get()
    assert event.comment == "录错部门"
    assert event.changes["department"] == ["市发展改革委", "市财政局"]
    assert event.changes["category"] == ["安全事故", "审计结果"]


def test_the_api_records_and_corrects(client, supervisor, staff_a, plan_year, dept_a):
    client.force_login(supervisor)
    body = {
        "plan_year": plan_year.pk,
        "department": dept_a.pk,
        "category": "discipline",
        "occurred_on": today().isoformat(),
        "reference": "纪委通报〔2027〕1号",
        "description": "违反廉政规定。",
    }
    created = client.post(
        "/api/v1/supervision/accountability/", body, content_type="application/json"
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    bad = client.patch(
        f"/api/v1/supervision/accountability/{pk}/",
        {"category": "audit"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "更正理由" in bad.json()["errors"]["reason"][0]
    ok = client.patch(
        f"/api/v1/supervision/accountability/{pk}/",
        {"category": "audit", "reason": "类别录错"},
        content_type="application/json",
    )
    assert ok.json()["category"] == "audit"
    assert client.delete(f"/api/v1/supervision/accountability/{pk}/").status_code == 405
    client.force_login(staff_a)
    assert client.get("/api/v1/supervision/accountability/").json()["count"] == 1
    assert (
        client.patch(
            f"/api/v1/supervision/accountability/{pk}/",
            {"reason": "x"},
            content_type="application/json",
        ).status_code
        == 403
    )
