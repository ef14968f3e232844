"""The review queue's year-wide steps: confirm the whole negotiated set (Art. 10–11) and issue
every task book."""

from django.urls import reverse

from targets.models import Target

CONFIRM_ALL = reverse("targets:year_transition", args=[2027, "confirm"])
START_ALL = reverse("targets:year_transition", args=[2027, "start_execution"])


def test_queue_offers_confirming_the_negotiated_set(login, office, negotiated):
    html = login(office).get(reverse("targets:review_queue")).content.decode()
    assert 'id="confirm-year"' in html
    assert "本年度有1个已协商目标待确认" in html
    assert 'id="start-year"' not in html


def test_office_confirms_the_year_with_the_approval_reference(login, office, negotiated):
    response = login(office).post(CONFIRM_ALL, {"approval_reference": "市政府第12次常务会议"})
    assert response.status_code == 302
    target = Target.objects.get(pk=negotiated.pk)
    assert target.state == "confirmed"
    assert target.approval_reference == "市政府第12次常务会议"
    login(office).post(START_ALL, {})
    assert Target.objects.get(pk=negotiated.pk).state == "executing"


def test_without_the_reference_nothing_is_confirmed(login, office, negotiated):
    response = login(office).post(CONFIRM_ALL, {"approval_reference": ""}, follow=True)
    assert "请填写审定该目标的市政府会议或文件文号。" in response.content.decode()
    assert Target.objects.get(pk=negotiated.pk).state == "negotiated"


def test_department_head_cannot_confirm_the_year(login, head_a, negotiated):
    response = login(head_a).post(CONFIRM_ALL, {"approval_reference": "市政府第12次常务会议"})
    assert response.status_code == 403
    assert Target.objects.get(pk=negotiated.pk).state == "negotiated"


def test_unknown_year_or_action_is_404(login, office, negotiated):
    client = login(office)
    assert (
        client.post(reverse("targets:year_transition", args=[1999, "confirm"])).status_code == 404
    )
    assert client.post(reverse("targets:year_transition", args=[2027, "submit"])).status_code == 404
