"""Supervision's events tell the people concerned through notifications.notify (issue 7 item 3;
Shanghai Art. 18): orders to the addressed departments, replies to the issuer, findings to the
responsible department — in the event's transaction, with an idempotent key, and never to a
department the order or finding is not addressed to."""

import pytest

from notifications.models import Notification
from supervision import services
from workflow.errors import NotPermitted

from .conftest import pdf

pytestmark = pytest.mark.django_db


def told(kind):
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


def test_an_issued_order_tells_the_addressed_department_only(
    order, staff_a, head_a, staff_b, head_b, vice_mayor, outsider
):
    assert told("supervision_order_issued") == ["head_a", "staff_a"]
    note = Notification.objects.filter(kind="supervision_order_issued").first()
    assert order.code in note.title and note.url == f"/supervision/orders/{order.pk}/"


def test_a_reply_tells_the_issuer(order, staff_a, supervisor, supervisor2):
    services.order_reply(order=order, by=staff_a, body="已制定措施。", evidence=pdf())
    assert told("supervision_order_replied") == ["supervisor"]


def test_sending_back_and_closing_tell_the_departments_each_time(
    replied, supervisor, staff_a, head_a
):
    services.order_send_back(order=replied, by=supervisor, comment="措施不具体")
    assert told("supervision_order_sent_back") == ["head_a", "staff_a"]
    assert "措施不具体" in Notification.objects.filter(kind="supervision_order_sent_back")[0].body
    services.order_reply(order=replied, by=staff_a, body="补充措施。")
    services.order_close(order=replied, by=supervisor)
    assert told("supervision_order_closed") == ["head_a", "staff_a"]
    # A second round's send-back is a new event: told again, under a new key.
    services.order_send_back(order=replied, by=supervisor, comment="再补充")
    assert told("supervision_order_sent_back") == ["head_a", "head_a", "staff_a", "staff_a"]


def test_findings_tell_the_responsible_department(
    finding, supervisor, staff_a, head_a, staff_b, head_b
):
    assert told("finding_assigned") == ["head_a", "staff_a"]
    services.finding_file_plan(finding=finding, by=staff_a, body="方案")
    services.finding_report_rectified(finding=finding, by=staff_a, body="已整改", evidence=pdf())
    services.finding_reject(finding=finding, by=supervisor, comment="证据不足")
    assert told("finding_rejected") == ["head_a", "staff_a"]
    services.finding_report_rectified(finding=finding, by=staff_a, body="补充", evidence=pdf())
    services.finding_verify(finding=finding, by=supervisor)
    assert told("finding_verified") == ["head_a", "staff_a"]
    assert not Notification.objects.filter(recipient__in=[staff_b, head_b]).exists()


def test_a_refused_step_writes_no_notification(order, staff_b):
    before = Notification.objects.count()
    with pytest.raises(NotPermitted):  # B is not addressed
        services.order_reply(order=order, by=staff_b, body="越权答复")
    assert Notification.objects.count() == before
