"""Who reads what (issue 9): a department sees only the orders and findings addressed to it;
vice-mayors those of their portfolio; the offices and auditors everything; auditors change
nothing. Unreadable records are 404 in pages and API alike."""

import pytest
from django.urls import reverse

from supervision import selectors, services

from .conftest import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(order, finding, executing, supervisor, dept_a):
    inspection = services.inspection_open(
        by=supervisor,
        plan_year=executing.plan_year,
        kind="special",
        title="重大项目专项检查",
        departments=[dept_a],
        targets=[executing],
        started_on=executing.plan_year.quarter_bounds(1)[0],
        inspectors="督查室 吴强",
    )
    item = services.external_input_record(
        by=supervisor,
        plan_year=executing.plan_year,
        source="npc",
        reference="人大建议第12号",
        received_on=order.issued_on,
        summary="建议加快重大项目建设。",
        departments=[dept_a],
        targets=[executing],
    )
    record = services.accountability_record(
        by=supervisor,
        plan_year=executing.plan_year,
        department=dept_a,
        category="audit",
        occurred_on=order.issued_on,
        reference="审计报告〔2027〕3号",
        description="专项资金使用问题。",
    )
    return {
        "order": order,
        "finding": finding,
        "inspection": inspection,
        "input": item,
        "accountability": record,
    }


READERS = {
    "order": selectors.visible_orders,
    "finding": selectors.visible_findings,
    "inspection": selectors.visible_inspections,
    "input": selectors.visible_inputs,
    "accountability": selectors.visible_accountability,
}


@pytest.mark.parametrize(
    "persona", ["staff_a", "head_a", "supervisor", "office", "auditor", "vice_mayor"]
)
def test_those_concerned_read_every_record(request, records, persona):
    user = request.getfixturevalue(persona)
    for key, reader in READERS.items():
        assert list(reader(user)) == [records[key]], key


@pytest.mark.parametrize("persona", ["staff_b", "head_b", "other_vice_mayor", "outsider"])
def test_others_read_none(request, records, persona):
    user = request.getfixturevalue(persona)
    for key, reader in READERS.items():
        assert list(reader(user)) == [], key


PAGES = {
    "order": "supervision:order_detail",
    "finding": "supervision:finding_detail",
    "inspection": "supervision:inspection_detail",
    "input": "supervision:input_detail",
}
API = {
    "order": "/api/v1/supervision/orders/{}/",
    "finding": "/api/v1/supervision/findings/{}/",
    "inspection": "/api/v1/supervision/inspections/{}/",
    "input": "/api/v1/supervision/external-inputs/{}/",
    "accountability": "/api/v1/supervision/accountability/{}/",
}


@pytest.mark.parametrize("persona", ["staff_b", "other_vice_mayor", "outsider"])
def test_unreadable_records_are_404_on_pages_and_api(client, request, records, persona):
    client.force_login(request.getfixturevalue(persona))
    for key, name in PAGES.items():
        assert client.get(reverse(name, args=[records[key].pk])).status_code == 404, key
    for key, path in API.items():
        assert client.get(path.format(records[key].pk)).status_code == 404, key


def test_evidence_is_served_only_to_readers_as_an_attachment(
    client, order, staff_a, staff_b, supervisor
):
    reply = services.order_reply(order=order, by=staff_a, body="见附件", evidence=pdf())
    url = reverse("supervision:reply_evidence", args=[reply.pk])
    client.force_login(staff_b)
    assert client.get(url).status_code == 404
    client.force_login(supervisor)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_auditor_reads_everything_but_is_offered_nothing_and_may_not_post(
    client, records, auditor, replied
):
    client.force_login(auditor)
    page = client.get(reverse("supervision:order_detail", args=[replied.pk])).content.decode()
    assert 'data-action="close"' not in page and 'data-action="reply"' not in page
    assert (
        client.post(reverse("supervision:order_action", args=[replied.pk, "close"])).status_code
        == 403
    )
    assert client.post(f"/api/v1/supervision/orders/{replied.pk}/close/").status_code == 403
    assert client.get(reverse("supervision:order_create")).status_code == 403
    assert client.post("/api/v1/supervision/accountability/", {}).status_code == 403
