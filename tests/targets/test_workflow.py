"""The target's state machine on the one workflow core (issue 15): every step declared on
``Target`` with its permission and label, applied by ``workflow.transitions.transition_apply``.

- a step by someone without the permission is refused through the page (403, state unchanged,
  no audit row) and through the API (403), Shanghai Art. 10–11, 15: the head submits, the
  general office negotiates, returns, confirms and issues the task book;
- 办结 and 撤销 (Art. 12, 14) run only through execution's services, which call the target's
  hooks: refused the same way for anyone but the general office;
- two people ending one target at once: exactly one wins (Art. 14: one recorded decision);
- the target's timeline and history name each step with the target's own words.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditEvent
from targets import services
from targets.models import Target
from workflow.errors import NotPermitted

pytestmark = pytest.mark.django_db

# (page action, API path, fixture holding a target in the step's source state, who may not)
STEPS = [
    ("submit", "submit", "draft", "staff_a"),
    ("return", "return", "submitted", "head_a"),
    ("negotiate", "negotiate", "submitted", "head_a"),
    ("confirm", "confirm", "negotiated", "head_a"),
    ("start_execution", "start-execution", "confirmed", "head_a"),
]
BODIES = {"return": {"comment": "请补充"}, "confirm": {"approval_reference": "市政府第1次常务会议"}}


def _events(target) -> int:
    return AuditEvent.objects.for_object(target).count()


@pytest.mark.parametrize(("action", "path", "source", "who"), STEPS)
def test_a_step_without_the_permission_is_refused_on_the_page(
    request, login, action, path, source, who
):
    """Art. 10–11, 15: the page answers 403 with the reason; nothing moves, nothing recorded."""
    target = request.getfixturevalue(source)
    user = request.getfixturevalue(who)
    state, before = Target.objects.get(pk=target.pk).state, _events(target)
    response = login(user).post(
        reverse("targets:target_transition", args=[target.pk, action]), BODIES.get(action, {})
    )
    assert response.status_code == 403
    assert f"您无权对目标“{target.code}”执行此操作。" in response.content.decode()
    assert Target.objects.get(pk=target.pk).state == state
    assert _events(target) == before


@pytest.mark.parametrize(("action", "path", "source", "who"), STEPS)
def test_a_step_without_the_permission_is_refused_by_the_api(request, action, path, source, who):
    """Art. 10–11, 15: the API answers 403 with the same reason; nothing moves, nothing recorded."""
    target = request.getfixturevalue(source)
    user = request.getfixturevalue(who)
    state, before = Target.objects.get(pk=target.pk).state, _events(target)
    client = APIClient()
    client.force_authenticate(user=user)
    response = client.post(
        f"/api/v1/targets/{target.pk}/{path}/", BODIES.get(action, {}), format="json"
    )
    assert response.status_code == 403, response.json()
    assert response.json()["detail"] == f"您无权对目标“{target.code}”执行此操作。"
    assert Target.objects.get(pk=target.pk).state == state
    assert _events(target) == before


@pytest.mark.parametrize("hook", ["target_complete", "target_cancel"])
def test_ending_a_target_is_the_general_offices(executing, head_a, hook):
    """Art. 12, 14: 办结 and 撤销 are decided by the general office alone; a department head's
    attempt is refused before anything is written."""
    before = _events(executing)
    with pytest.raises(NotPermitted):
        getattr(services, hook)(target=executing, by=head_a)
    assert Target.objects.get(pk=executing.pk).state == Target.State.EXECUTING
    assert _events(executing) == before


def test_the_page_offers_what_the_transitions_allow(login, staff_a, head_a, office, submitted):
    """Art. 10–11: the actions on the page are the transitions the reader may take now."""
    url = reverse("targets:target_detail", args=[submitted.pk])
    offered = f'action="{reverse("targets:target_transition", args=[submitted.pk, "negotiate"])}"'
    assert offered in login(office).get(url).content.decode()
    assert offered not in login(head_a).get(url).content.decode()
    assert offered not in login(staff_a).get(url).content.decode()


def test_the_timeline_names_each_step_with_the_targets_own_words(login, office, returned, head_a):
    """Art. 14 全程记录: a return reads 退回修改 (the target's label, not another record's
    "reject"), and the API's history says the same."""
    services.target_submit(target=returned, by=head_a)
    services.target_negotiate(target=returned, by=office)
    html = login(office).get(reverse("targets:target_detail", args=[returned.pk])).content.decode()
    timeline = html.split('id="timeline"')[1]
    for label in ("报送", "退回修改", "协商一致"):
        assert f"<span>{label}</span>" in timeline
    client = APIClient()
    client.force_authenticate(user=office)
    history = client.get(f"/api/v1/targets/{returned.pk}/history/").json()
    shown = {e["action"]: e["action_display"] for e in history}
    assert shown["targets.target.return_to_department"] == "退回修改"
    assert shown["targets.target.negotiate"] == "协商一致"


def test_an_ended_target_shows_its_end_in_its_own_words(login, office, executing):
    """Art. 14: 办结 on the target's timeline when execution closes it."""
    services.target_complete(target=executing, by=office)
    html = login(office).get(reverse("targets:target_detail", args=[executing.pk])).content.decode()
    assert "<span>办结</span>" in html.split('id="timeline"')[1]
