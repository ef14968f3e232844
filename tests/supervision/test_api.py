"""The supervision API (/api/v1/supervision/…): the same services and rules as the pages, in the
OpenAPI schema; errors as JSON with Chinese messages."""

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from supervision.deadlines import today

from .conftest import pdf

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/supervision/orders/"
FINDINGS = "/api/v1/supervision/findings/"


def as_user(user):
    client = APIClient()
    client.force_authenticate(user=User.objects.get(pk=user.pk))
    return client


def test_the_order_journey_through_the_api(supervisor, staff_a, executing, dept_a):
    office = as_user(supervisor)
    created = office.post(
        ORDERS,
        {
            "plan_year": executing.plan_year_id,
            "kind": "key",
            "title": "重点督办",
            "requirement": "十日内报告。",
            "departments": [dept_a.pk],
            "targets": [executing.pk],
            "days": 10,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    order = created.json()
    assert (order["state"], order["colour"], order["targets"][0]["code"]) == (
        "issued",
        "red",
        executing.code,
    )
    pk = order["id"]
    department = as_user(staff_a)
    replied = department.post(
        f"{ORDERS}{pk}/reply/", {"body": "已报告。", "evidence": pdf()}, format="multipart"
    )
    assert replied.json()["state"] == "replied"
    assert replied.json()["replies"][0]["evidence_name"] == "办理情况.pdf"
    back = office.post(f"{ORDERS}{pk}/send-back/", {"comment": ""}, format="json")
    assert back.status_code == 400 and back.json()["errors"]["comment"] == ["请填写退回理由。"]
    assert (
        office.post(f"{ORDERS}{pk}/send-back/", {"comment": "请补充。"}, format="json").json()[
            "state"
        ]
        == "reopened"
    )
    department.post(f"{ORDERS}{pk}/reply/", {"body": "已补充。"}, format="multipart")
    assert office.post(f"{ORDERS}{pk}/close/", {}, format="json").json()["state"] == "closed"
    again = office.post(f"{ORDERS}{pk}/close/", {}, format="json")
    assert again.status_code == 409 and "已办结" in again.json()["detail"]
    late = department.post(f"{ORDERS}{pk}/reply/", {"body": "再补充"}, format="multipart")
    assert late.status_code == 400 and "已办结，不能再答复" in late.json()["detail"]


def test_department_may_not_issue_or_close_and_other_departments_get_404(
    order, staff_a, staff_b, executing, dept_a
):
    assert as_user(staff_a).post(ORDERS, {}, format="json").status_code == 403
    assert (
        as_user(staff_a)
        .post(f"{ORDERS}{order.pk}/extend/", {"reason": "x", "days": 3}, format="json")
        .status_code
        == 403
    )
    assert as_user(staff_b).post(f"{ORDERS}{order.pk}/reply/", {"body": "x"}).status_code == 404
    assert as_user(staff_b).get(ORDERS).json()["count"] == 0


def test_a_target_the_user_cannot_read_is_not_accepted(supervisor, dept_a, executing, staff_b):
    body = {
        "plan_year": executing.plan_year_id,
        "kind": "routine",
        "title": "督办",
        "requirement": "要求",
        "departments": [dept_a.pk],
        "targets": [99999],
        "days": 5,
    }
    response = as_user(supervisor).post(ORDERS, body, format="json")
    assert response.status_code == 400 and "targets" in response.json()["errors"]


def test_bulk_issue_and_the_extension_through_the_api(supervisor, executing):
    office = as_user(supervisor)
    response = office.post(
        f"{ORDERS}bulk-issue/",
        {"ids": [executing.pk], "kind": "key", "requirement": "赶超", "days": 5},
        format="json",
    )
    assert response.json()["count"] == 1
    pk = response.json()["orders"][0]["id"]
    missing = office.post(
        f"{ORDERS}bulk-issue/",
        {"ids": [99999], "kind": "key", "requirement": "x", "days": 5},
        format="json",
    )
    assert missing.status_code == 404
    no_reason = office.post(f"{ORDERS}{pk}/extend/", {"reason": "", "days": 3}, format="json")
    assert no_reason.status_code == 400 and no_reason.json()["errors"]["reason"] == [
        "请填写延期理由。"
    ]
    assert (
        office.post(
            f"{ORDERS}{pk}/extend/", {"reason": "等待数据", "days": 3}, format="json"
        ).status_code
        == 200
    )


def test_the_finding_journey_through_the_api(supervisor, staff_a, executing, dept_a):
    office = as_user(supervisor)
    missing = office.post(
        FINDINGS,
        {
            "plan_year": executing.plan_year_id,
            "source": "audit",
            "title": "问题",
            "description": "描述",
            "days": 10,
        },
        format="json",
    )
    assert missing.status_code == 400
    assert missing.json()["errors"]["responsible_department"] == ["请指定问题的责任单位。"]
    created = office.post(
        FINDINGS,
        {
            "plan_year": executing.plan_year_id,
            "source": "audit",
            "title": "资金拨付慢",
            "description": "审计发现专项资金拨付滞后。",
            "responsible_department": dept_a.pk,
            "targets": [executing.pk],
            "days": 30,
        },
        format="json",
    )
    pk = created.json()["id"]
    department = as_user(staff_a)
    assert (
        department.post(f"{FINDINGS}{pk}/file-plan/", {"body": "整改方案"}).json()["state"]
        == "plan_filed"
    )
    reported = department.post(
        f"{FINDINGS}{pk}/report-rectified/",
        {"body": "已拨付", "evidence": pdf()},
        format="multipart",
    )
    assert reported.json()["state"] == "rectified"
    assert department.post(f"{FINDINGS}{pk}/verify/", {}).status_code == 403
    assert office.post(f"{FINDINGS}{pk}/verify/", {"comment": "通过"}).json()["state"] == "verified"
    assert department.get(FINDINGS, {"state": "verified"}).json()["count"] == 1


def test_inspections_and_inputs_through_the_api(supervisor, executing, dept_a):
    office = as_user(supervisor)
    inspection = office.post(
        "/api/v1/supervision/inspections/",
        {
            "plan_year": executing.plan_year_id,
            "kind": "year_end",
            "title": "年终考核",
            "departments": [dept_a.pk],
            "started_on": today().isoformat(),
            "inspectors": "考核组",
        },
        format="json",
    )
    assert inspection.status_code == 201
    pk = inspection.json()["id"]
    assert (
        office.post(
            f"/api/v1/supervision/inspections/{pk}/report/", {"report": "完成良好。"}, format="json"
        ).json()["report"]
        == "完成良好。"
    )
    item = office.post(
        "/api/v1/supervision/external-inputs/",
        {
            "plan_year": executing.plan_year_id,
            "source": "media",
            "reference": "示范日报5月3日",
            "received_on": today().isoformat(),
            "summary": "报道项目进度滞后。",
            "departments": [dept_a.pk],
            "targets": [executing.pk],
        },
        format="json",
    )
    assert item.status_code == 201
    finding = office.post(
        f"/api/v1/supervision/external-inputs/{item.json()['id']}/to-finding/",
        {"title": "进度滞后", "responsible_department": dept_a.pk, "days": 20},
        format="json",
    )
    assert finding.status_code == 201 and finding.json()["source"] == "external_input"


def test_the_schema_lists_the_supervision_endpoints(client):
    schema = client.get("/api/schema/").content.decode()
    for path in [
        "/api/v1/supervision/orders/{id}/send-back/",
        "/api/v1/supervision/orders/bulk-issue/",
        "/api/v1/supervision/findings/{id}/report-rectified/",
        "/api/v1/supervision/external-inputs/import-hotline/",
        "/api/v1/supervision/accountability/{id}/",
        "/api/v1/supervision/inspections/{id}/report/",
    ]:
        assert path in schema, path
