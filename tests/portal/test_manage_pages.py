"""The general office's publishing pages (issue 21 item 1): who may, and what a refusal reads."""

import pytest
from django.urls import reverse

from portal.models import PublicSummary, PublicTarget

pytestmark = pytest.mark.django_db


def test_the_office_publishes_the_year_from_its_page(client, a_draft, target, office):
    client.force_login(office)
    page = client.get(reverse("portal:manage")).content.decode()
    assert "公开2027年度清单" in page
    response = client.post(reverse("portal:year_publish", args=[2027]), follow=True)
    assert "2027年度已公开1个目标" in response.content.decode()
    assert PublicTarget.objects.get().target_id == target.pk


def test_the_office_withdraws_a_target_with_a_reason_only(client, published, target, office):
    client.force_login(office)
    url = reverse("portal:target_withdraw", args=[target.pk])
    response = client.post(url, {"comment": ""}, follow=True)
    assert "请写明撤回公开的理由" in response.content.decode()
    assert PublicTarget.objects.get().state == "published"
    client.post(url, {"comment": "口径调整"})
    assert PublicTarget.objects.get().state == "withdrawn"


@pytest.mark.parametrize("persona", ["staff_a", "head_a", "auditor"])
def test_others_may_not_publish(client, request, target, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("portal:year_publish", args=[2027]))
    assert response.status_code == 403
    response = client.post(reverse("portal:target_publish", args=[target.pk]))
    assert response.status_code == 403
    assert not PublicTarget.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, target):
    response = client.post(reverse("portal:year_publish", args=[2027]))
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]


def test_a_department_proposes_and_the_office_approves(client, dept_a, staff_a, office):
    client.force_login(staff_a)
    client.post(
        reverse("portal:summary_propose"),
        {"department": dept_a.pk, "year": "2027", "quarter": "1", "text": "一季度综述"},
    )
    summary = PublicSummary.objects.get()
    assert (
        client.post(reverse("portal:summary_decide", args=[summary.pk, "approve"])).status_code
        == 403
    )
    client.force_login(office)
    client.post(reverse("portal:summary_decide", args=[summary.pk, "approve"]))
    summary.refresh_from_db()
    assert summary.state == "approved"
