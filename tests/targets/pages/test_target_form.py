"""Creating and editing a target through the page form (Art. 6–9, 12): bad input gets a clear
Chinese message next to the field and nothing is saved."""

import datetime

from django.urls import reverse

from audit.models import AuditEvent
from targets import services
from targets.models import Milestone, Target, TargetRevision
from tests.targets.conftest import form_data

NEW = reverse("targets:target_create")


def test_create_quantitative_target_with_milestones_redirects_to_detail(
    login, staff_a, aspect, dept_a, dept_b
):
    """Art. 6: a quantitative target with indicator, unit, target value; quarterly node targets."""
    data = form_data(
        aspect,
        dept_a,
        **{
            "q2-due_date": "2027-05-31",
            "departments-0-department": str(dept_b.pk),
            "departments-0-role": "cooperating",
            "departments-0-task": "保障重大项目资金",
        },
    )
    response = login(staff_a).post(NEW, data)
    target = Target.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("targets:target_detail", args=[target.pk])
    assert target.kind == "quantitative" and target.unit == "%"
    assert list(target.milestones.values_list("quarter", flat=True)) == [1, 2, 3, 4]
    assert str(target.milestones.get(quarter=2).due_date) == "2027-05-31"
    assert target.departments.get().task == "保障重大项目资金"
    assert target.state == "draft" and target.created_by == staff_a


def test_empty_milestone_and_department_rows_are_not_saved(login, staff_a, aspect, dept_a):
    data = form_data(aspect, dept_a, **{"q3-description": "", "q3-expected_value": ""})
    login(staff_a).post(NEW, data)
    target = Target.objects.get()
    assert list(target.milestones.values_list("quarter", flat=True)) == [1, 2, 4]
    assert not target.departments.exists()


def test_quantitative_without_indicator_shows_chinese_error_and_writes_nothing(
    login, staff_a, aspect, dept_a
):
    """Art. 6: a quantitative target must be measurable — the message sits next to the field."""
    data = form_data(aspect, dept_a, indicator="", unit="", title="")
    response = login(staff_a).post(NEW, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "目标未保存，请更正标出的问题。" in html
    assert "定量目标须填写指标名称。" in html
    assert "定量目标须填写计量单位。" in html
    assert "请填写目标名称。" in html
    # The message is rendered inside the indicator's own field block.
    block = html.split('id="field-indicator"')[1].split('id="field-unit"')[0]
    assert "定量目标须填写指标名称。" in block
    assert not Target.objects.exists()
    assert not Milestone.objects.exists()
    assert not AuditEvent.objects.exists()
    assert not TargetRevision.objects.exists()


def test_an_empty_form_lists_every_missing_field_at_once(login, staff_a, aspect, dept_a):
    """Nothing chosen, not even the lead department (Art. 7): every problem is shown together,
    each next to its field, rather than one at a time."""
    data = form_data(aspect, dept_a, title="", content="")
    data.update(aspect="", lead_department="")
    response = login(staff_a).post(NEW, data)
    html = response.content.decode()
    assert response.status_code == 400
    for message in ["请填写目标名称。", "请填写目标内容。", "请选择本年度的目标方面。"]:
        assert message in html
    block = html.split('id="field-lead_department"')[1].split("</div>")[0]
    assert "每个目标必须有且只有一个牵头部门。" in block
    assert not Target.objects.exists()


def test_milestone_error_lands_on_its_quarter_row(login, staff_a, aspect, dept_a):
    """Milestones must fall within their quarter of the plan year; the error is shown on the
    row the person typed it in even when earlier rows were left empty."""
    data = form_data(
        aspect,
        dept_a,
        **{"q1-description": "", "q1-expected_value": "", "q3-due_date": "2027-01-15"},
    )
    html = login(staff_a).post(NEW, data).content.decode()
    row = html.split('id="milestone-q3"')[1].split('id="milestone-q4"')[0]
    assert "完成时限须在2027年第3季度内" in row
    assert not Target.objects.exists()


def test_department_row_error_lands_on_its_row(login, staff_a, aspect, dept_a, dept_b):
    """Art. 7, 16: a cooperating department is told its own task."""
    data = form_data(
        aspect,
        dept_a,
        **{"departments-1-department": str(dept_b.pk), "departments-1-role": "cooperating"},
    )
    html = login(staff_a).post(NEW, data).content.decode()
    row = html.split('id="department-row-1"')[1].split('id="department-row-2"')[0]
    assert "请写明该配合部门承担的任务。" in row
    assert not Target.objects.exists()


def test_number_that_is_not_a_number_is_refused(login, staff_a, aspect, dept_a):
    html = login(staff_a).post(NEW, form_data(aspect, dept_a, target_value="六点五")).content
    assert "输入一个数字。" in html.decode()
    assert not Target.objects.exists()


def test_staff_cannot_choose_another_department_as_lead(login, staff_a, aspect, dept_b):
    """Staff draft only their own department's targets."""
    response = login(staff_a).post(NEW, form_data(aspect, dept_b))
    assert response.status_code == 400
    assert not Target.objects.exists()


def test_city_target_form_is_for_the_general_office_only(login, staff_a, office, plan_year):
    """Art. 9: the overall city targets are assembled by the general office."""
    assert login(staff_a).get(NEW + "?level=city").status_code == 403
    html = login(office).get(NEW + "?level=city").content.decode()
    assert "新建市政府总体目标" in html


def test_office_creates_city_target_and_department_links_to_it(
    login, office, staff_a, aspect, dept_a
):
    """Art. 9: department targets decompose a city target (锁链式目标体系)."""
    login(office).post(NEW + "?level=city", form_data(aspect, dept_a, title="全市经济稳中求进"))
    city = Target.objects.get(level="city")
    client = login(staff_a)
    client.post(NEW, form_data(aspect, dept_a, parent=str(city.pk)))
    child = Target.objects.get(level="department")
    assert child.parent == city


def test_edit_saves_new_version(login, staff_a, draft, aspect, dept_a):
    url = reverse("targets:target_edit", args=[draft.pk])
    client = login(staff_a)
    assert 'name="expected_version"' in client.get(url).content.decode()
    response = client.post(url, form_data(aspect, dept_a, title="新标题", expected_version="1"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "新标题" and draft.version == 2


def test_edit_with_stale_version_asks_to_reload(login, staff_a, draft, aspect, dept_a):
    """Two editors: the second one's save is refused with a message, nothing overwritten."""
    url = reverse("targets:target_edit", args=[draft.pk])
    services.target_update(
        target=draft,
        by=staff_a,
        data=services.TargetInput(**{**_input_of(draft), "title": "他人修改"}),
    )
    response = login(staff_a).post(url, form_data(aspect, dept_a, expected_version="1"))
    html = response.content.decode()
    assert response.status_code == 409
    assert "请刷新页面后再编辑" in html
    draft.refresh_from_db()
    assert draft.title == "他人修改"


def _input_of(target):
    from tests.conftest import quantitative_input

    return vars(quantitative_input(target.aspect, target.lead_department))


def test_confirmed_target_edit_page_refuses(login, staff_a, confirmed, aspect, dept_a):
    """Art. 12: once confirmed, the content is locked — the page says so and offers no form."""
    url = reverse("targets:target_edit", args=[confirmed.pk])
    client = login(staff_a)
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 403
    assert "内容已锁定" in html
    assert 'id="target-form"' not in html
    client.post(url, form_data(aspect, dept_a, title="改不了"))
    confirmed.refresh_from_db()
    assert confirmed.title != "改不了"


def test_submitted_target_cannot_be_edited_by_staff(login, staff_a, submitted):
    response = login(staff_a).get(reverse("targets:target_edit", args=[submitted.pk]))
    assert response.status_code == 403


def test_office_cannot_edit_department_draft(login, office, draft):
    """Staff edit only their own department's drafts."""
    response = login(office).get(reverse("targets:target_edit", args=[draft.pk]))
    assert response.status_code == 403
    assert "您无权修改该目标。" in response.content.decode()


def _draft_with_due_dates(staff_a, plan_year, aspect, dept_a):
    from tests.conftest import quantitative_input

    milestones = [
        services.MilestoneInput(
            quarter=q,
            description=f"第{q}季度累计增速达到目标进度",
            due_date=due,
        )
        for q, due in zip(
            (1, 2, 3, 4),
            (
                datetime.date(2027, 2, 15),
                datetime.date(2027, 5, 20),
                datetime.date(2027, 8, 31),
                datetime.date(2027, 11, 30),
            ),
            strict=True,
        )
    ]
    return services.target_create(
        by=staff_a,
        plan_year=plan_year,
        data=quantitative_input(aspect, dept_a, milestones=milestones),
    )


def test_edit_form_fills_node_target_dates_as_iso(login, staff_a, plan_year, aspect, dept_a):
    """Issue 11: ``<input type="date">`` only takes 2027-02-15; the Chinese format 2027/02/15
    left it empty, and saving moved every custom due date to the quarter's last day."""
    target = _draft_with_due_dates(staff_a, plan_year, aspect, dept_a)
    html = login(staff_a).get(reverse("targets:target_edit", args=[target.pk])).content.decode()
    for due in ("2027-02-15", "2027-05-20", "2027-08-31", "2027-11-30"):
        assert f'type="date" name="q{int(due[5:7]) // 3 + 1}-due_date" value="{due}"' in html
    assert "2027/02/15" not in html
