"""A document job's steps — start, finish, fail, expire — go through the one transition path
(issue 15): each is the background worker's (no person moves a job, whatever their role), each
is recorded once in the audit trail with its own words, and two deliveries or two clean-ups at
once still make one document and one record (Shanghai measures Art. 14 全程记录: who had
which document, when; Art. 18: auditors read the full record)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from documents import services
from documents.models import DocumentJob
from tests.documents.conftest import queued_job
from tests.helpers import act_as
from workflow.errors import NotPermitted
from workflow.events import timeline
from workflow.transitions import available_transitions, transition_apply

State = DocumentJob.State

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["auditor", "office", "staff_a"])
def test_nobody_moves_a_job_by_hand(request, who, plan_year, auditor):
    """Not even its requester or the general office: a refused step changes nothing and
    writes no audit row; no page or API offers a step."""
    user = request.getfixturevalue(who)
    job = queued_job(auditor, state=State.RUNNING)
    before = AuditEvent.objects.count()
    assert available_transitions(job, user) == []
    with pytest.raises(NotPermitted):
        transition_apply(job, "fail", by=user, values={"error": "手工失败"})
    job.refresh_from_db()
    assert job.state == State.RUNNING and job.error == ""
    assert AuditEvent.objects.count() == before


def test_the_page_and_the_api_offer_no_step(client, plan_year, auditor):
    """The job's page only shows it; the API refuses to change it (405): the state stays."""
    job = queued_job(auditor, state=State.RUNNING)
    client.force_login(auditor)
    page = client.get(reverse("documents:job_detail", args=[job.pk])).content.decode()
    # The page's own forms are the language switch and the logout; no step is offered.
    assert page.count("<form") == 2 and "import_confirm" not in page
    api = APIClient()
    act_as(api, auditor)
    url = f"/api/v1/documents/{job.pk}/"
    for method in (api.patch, api.put):
        assert method(url, {"state": "failed"}, format="json").status_code == 405
    assert api.delete(url).status_code == 405
    job.refresh_from_db()
    assert job.state == State.RUNNING
    assert not AuditEvent.objects.for_object(job).exists()


def test_a_jobs_record_shows_its_own_steps(plan_year, submitted, auditor, generate):
    """Requested, started, finished — each step with its own label and states, the file
    named; then expired. The system, not a person, is the actor of the worker's steps."""
    job = generate(auditor, "target_dossier", target=submitted.pk)
    job.refresh_from_db()
    assert job.state == State.DONE
    services.purge_expired(now=timezone.now() + datetime.timedelta(hours=25))
    events = list(AuditEvent.objects.for_object(job))
    assert [e.action for e in events] == [
        "documents.documentjob.create",
        "documents.documentjob.start",
        "documents.documentjob.finish",
        "documents.documentjob.expire",
    ]
    shown = timeline(events, about=job)
    assert [item["label"] for item in shown] == ["创建", "开始生成", "生成完成", "过期删除"]
    assert (shown[1]["from_state"], shown[1]["to_state"]) == ("排队中", "生成中")
    assert (shown[2]["from_state"], shown[2]["to_state"]) == ("生成中", "已完成")
    assert events[1].actor is None and events[2].actor is None
    assert events[1].changes == {"attempts": [0, 1]}
    assert events[2].changes == {"filename": ["", job.filename]}
    assert [c["label"] for c in shown[2]["changes"]] == ["文件名"]


def test_a_stuck_job_fails_with_its_reason_on_record(plan_year, auditor):
    """A job still queued after the documents' TTL (re-sent all along, never run) is given up
    with a message (issue 18 item 2: not before — a request made while the broker was down is
    generated when it is back)."""
    job = queued_job(auditor)
    services.purge_expired(now=timezone.now() + datetime.timedelta(hours=3))
    job.refresh_from_db()
    assert job.state == State.QUEUED
    services.purge_expired(now=timezone.now() + datetime.timedelta(hours=25))
    [event] = AuditEvent.objects.with_action(DocumentJob, "fail")
    assert event.object_id == str(job.pk)
    assert (event.from_state, event.to_state) == (State.QUEUED, State.FAILED)
    assert timeline([event])[0]["label"] == "生成失败"
    assert "超时" in event.changes["error"][1]
    # A second clean-up finds it failed already: nothing more is written.
    services.purge_expired(now=timezone.now() + datetime.timedelta(hours=26))
    assert AuditEvent.objects.with_action(DocumentJob, "fail").count() == 1
