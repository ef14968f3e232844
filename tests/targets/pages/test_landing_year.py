"""Which year a page opens on, and the year switcher keeping the other filters (issue 19 item 6).

Departments and the general office draft next year's targets (Shanghai Art. 8–11) and land on
the year being drafted; auditors, the supervision office and leaders follow the year being
carried out (Art. 13–22) and land on it."""

import datetime

import pytest
from django.urls import reverse

from targets import services
from targets.models import Aspect, PlanYear, Target
from tests.conftest import qualitative_input

LIST = reverse("targets:target_list")
DOCUMENTS = reverse("documents:index")


@pytest.fixture
def executing_year(db):
    year = PlanYear.objects.create(year=2026, status=PlanYear.Status.EXECUTING)
    Aspect.objects.create(plan_year=year, number=1, name="经济发展（2026）")
    Aspect.objects.create(plan_year=year, number=2, name="民生保障（2026）")
    return year


def _heading(html) -> str:
    return html.split("<h1>", 1)[1].split("</h1>", 1)[0]


@pytest.mark.parametrize("persona", ["auditor", "supervisor", "vice_mayor"])
def test_readers_who_draft_nothing_land_on_the_executing_year(
    persona, request, login, plan_year, executing_year
):
    user = request.getfixturevalue(persona)
    html = login(user).get(LIST).content.decode()
    assert "2026" in _heading(html)
    assert "2027" not in _heading(html)


@pytest.mark.parametrize("persona", ["office", "staff_a", "head_a"])
def test_those_who_draft_land_on_the_year_being_drafted(
    persona, request, login, plan_year, executing_year
):
    user = request.getfixturevalue(persona)
    html = login(user).get(LIST).content.decode()
    assert "2027" in _heading(html)


def test_the_executing_year_is_the_newest_of_several(login, auditor, plan_year, executing_year):
    PlanYear.objects.create(year=2025, status=PlanYear.Status.EXECUTING)
    assert "2026" in _heading(login(auditor).get(LIST).content.decode())


def test_without_an_executing_year_readers_land_on_the_current_one(login, auditor, plan_year):
    assert "2027" in _heading(login(auditor).get(LIST).content.decode())


def test_an_asked_for_year_wins(login, auditor, plan_year, executing_year):
    assert "2027" in _heading(login(auditor).get(LIST, {"year": 2027}).content.decode())


def test_switching_year_keeps_the_other_filters(
    login, office, staff_a, head_a, dept_a, plan_year, executing_year
):
    """The aspect filter of 2026 names an aspect of 2026: switched to 2027 it becomes 2027's
    aspect of the same number, and the state and keyword filters still apply (before, the
    foreign aspect invalidated the form and every filter was dropped)."""
    second_2027 = plan_year.aspects.get(number=2)
    first_2027 = plan_year.aspects.get(number=1)
    wanted = services.target_create(
        by=staff_a,
        plan_year=plan_year,
        data=qualitative_input(second_2027, dept_a, title="物流枢纽建设"),
    )
    services.target_submit(target=wanted, by=head_a)
    wanted.refresh_from_db()
    other_aspect = services.target_create(
        by=staff_a,
        plan_year=plan_year,
        data=qualitative_input(first_2027, dept_a, title="物流园区招商"),
    )
    services.target_submit(target=other_aspect, by=head_a)
    other_aspect.refresh_from_db()
    draft = services.target_create(
        by=staff_a,
        plan_year=plan_year,
        data=qualitative_input(second_2027, dept_a, title="物流标准"),
    )
    aspect_2026 = executing_year.aspects.get(number=2)
    response = login(office).get(
        LIST, {"year": 2027, "aspect": aspect_2026.pk, "state": "submitted", "q": "物流"}
    )
    html = response.content.decode()
    assert wanted.code in html
    assert other_aspect.code not in html  # aspect kept (as 2027's number 2)
    assert draft.code not in html  # state kept (drafts of the office are not even listed anyway)
    assert f'<option value="{second_2027.pk}" selected>' in html
    assert 'value="submitted" selected' in html
    assert Target.objects.filter(plan_year=plan_year).count() == 3


def test_an_aspect_without_a_counterpart_is_dropped_alone(login, office, plan_year, executing_year):
    lone = Aspect.objects.create(plan_year=executing_year, number=9, name="只在2026")
    response = login(office).get(LIST, {"year": 2027, "aspect": lone.pk, "q": "不存在的词"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "没有符合筛选条件的目标。" in html  # the keyword still filters
    assert 'value="不存在的词"' in html


def test_documents_page_opens_on_the_executing_year_for_auditors(
    login, auditor, plan_year, executing_year
):
    with_frozen = datetime.date(2026, 11, 23)
    from execution import clock

    with clock.frozen(with_frozen):
        html = login(auditor).get(DOCUMENTS).content.decode()
    assert '<option value="2026" selected>' in html
    assert '<option value="2027" selected>' not in html


def test_documents_page_opens_on_the_drafting_year_for_the_office(
    login, office, plan_year, executing_year
):
    html = login(office).get(DOCUMENTS).content.decode()
    assert '<option value="2027" selected>' in html
