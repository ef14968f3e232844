"""The general office's review queue (Art. 10–11): submitted targets to negotiate and
negotiated ones awaiting confirmation."""

from django.urls import reverse

from targets import services
from targets.models import Target
from tests.conftest import qualitative_input

QUEUE = reverse("targets:review_queue")


def test_review_queue_is_for_the_general_office_only(
    login, staff_a, head_a, auditor, vice_mayor, plan_year
):
    for user in (staff_a, head_a, auditor, vice_mayor):
        assert login(user).get(QUEUE).status_code == 403


def test_queue_lists_submitted_and_negotiated_not_drafts(
    login, office, submitted, plan_year, aspect, dept_a, staff_a, head_a
):
    draft = services.target_create(
        by=staff_a, plan_year=plan_year, data=qualitative_input(aspect, dept_a)
    )
    other = services.target_create(
        by=staff_a, plan_year=plan_year, data=qualitative_input(aspect, dept_a, title="另一目标")
    )
    services.target_submit(target=other, by=head_a)
    services.target_negotiate(target=other, by=office)
    html = login(office).get(QUEUE).content.decode()
    assert submitted.code in html
    assert other.code in html
    assert draft.code not in html
    assert 'value="negotiate"' in html and 'value="confirm"' in html


def test_office_negotiates_from_the_queue(login, office, submitted):
    response = login(office).post(
        reverse("targets:bulk_transition"),
        {"action": "negotiate", "ids": [submitted.pk], "next": QUEUE},
    )
    assert response.status_code == 302 and response["Location"] == QUEUE
    submitted.refresh_from_db()
    assert submitted.state == Target.State.NEGOTIATED


def test_empty_queue_says_so(login, office, plan_year):
    assert "目前没有待审核的目标。" in login(office).get(QUEUE).content.decode()
