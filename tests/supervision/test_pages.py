"""The supervision pages: thin over the same services (issue 9). Forms show the services'
Chinese messages next to the field; forbidden steps answer 403, unreadable records 404; the
target page shows the orders, findings and inputs about it, and the steps on its timeline."""

import datetime

import pytest
from django.urls import reverse

from supervision import services
from supervision.deadlines import today
from supervision.models import Finding, Inspection, SupervisionOrder

from .conftest import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.mark.parametrize(
    ("persona", "shown"),
    [
        ("supervisor", True),
        ("office", True),
        ("auditor", True),
        ("staff_a", True),
        ("vice_mayor", True),
        ("outsider", False),
    ],
)
def test_the_nav_offers_supervision_to_those_who_may_use_it(login, request, persona, shown):
    page = (
        login(request.getfixturevalue(persona)).get(reverse("targets:target_list")).content.decode()
    )
    assert (reverse("supervision:home") in page) is shown


def test_a_department_home_lists_orders_to_answer_and_problems_to_rectify(
    login, order, finding, staff_a, staff_b
):
    page = login(staff_a).get(reverse("supervision:home")).content.decode()
    assert "待答复的督办单" in page and order.title in page
    assert "待整改的问题" in page and finding.title in page
    page = login(staff_b).get(reverse("supervision:home")).content.decode()
    assert order.title not in page and finding.title not in page


def test_issuing_from_a_target_addresses_its_cooperating_departments_and_offers_its_items(
    login, supervisor, office, executing, dept_a, dept_b, dept_c, staff_a
):
    """Issue 19 item 8: the lead department and the cooperating ones are ticked (Art. 16: each
    answers for its own task), and only this target's open coordination items are offered."""
    from execution.services import coordination
    from targets.models import Target, TargetDepartment

    TargetDepartment.objects.create(target=executing, department=dept_c, role="cooperating")
    mine = coordination.coordination_item_raise(
        target=executing,
        by=staff_a,
        subject="用地指标",
        description="需协调。",
        departments=[dept_b],
        due_date=today() + datetime.timedelta(days=7),
        today=today(),
    )
    # Another target of the year with its own open item (copied rows: only the link matters).
    other = Target.objects.get(pk=executing.pk)
    other.pk, other.code = None, "2026-9999"
    other.save()
    elsewhere = type(mine).objects.get(pk=mine.pk)
    elsewhere.pk, elsewhere.target = None, other
    elsewhere.save()
    form = (
        login(supervisor)
        .get(reverse("supervision:order_create") + f"?target={executing.pk}")
        .context["form"]
    )
    assert form.initial["departments"] == [dept_a.pk, dept_c.pk]
    assert list(form.fields["coordination_items"].queryset) == [mine]
    # Without a target, every open item of the city is on offer.
    form = login(supervisor).get(reverse("supervision:order_create")).context["form"]
    assert set(form.fields["coordination_items"].queryset) == {mine, elsewhere}


def test_issuing_from_a_target_prefills_it_and_the_lead_department(
    login, supervisor, executing, dept_a
):
    client = login(supervisor)
    form = client.get(reverse("supervision:order_create") + f"?target={executing.pk}")
    assert form.context["form"].initial["targets"] == executing.code
    assert form.context["form"].initial["departments"] == [dept_a.pk]
    response = client.post(
        reverse("supervision:order_create"),
        {
            "plan_year": executing.plan_year_id,
            "kind": "key",
            "title": "重点督办",
            "targets": executing.code,
            "requirement": "十日内报告。",
            "departments": [dept_a.pk],
            "days": "10",
        },
    )
    order = SupervisionOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "supervision:order_detail", args=[order.pk]
    )
    assert list(order.targets.all()) == [executing]


def test_a_bad_order_form_shows_chinese_messages_and_saves_nothing(
    login, supervisor, executing, dept_a
):
    response = login(supervisor).post(
        reverse("supervision:order_create"),
        {
            "plan_year": executing.plan_year_id,
            "kind": "key",
            "title": "督办",
            "targets": "2027-9999",
            "requirement": "",
            "departments": [dept_a.pk],
            "deadline": "2020-01-01",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "没有编号为2027-9999的目标" in page
    assert SupervisionOrder.objects.count() == 0
    response = login(supervisor).post(
        reverse("supervision:order_create"),
        {
            "plan_year": executing.plan_year_id,
            "kind": "key",
            "title": "督办",
            "targets": executing.code,
            "requirement": "",
            "departments": [dept_a.pk],
            "deadline": "2020-01-01",
        },
    )
    page = response.content.decode()
    assert "请填写督办要求" in page and "已经过去" in page
    assert SupervisionOrder.objects.count() == 0


def test_departments_may_not_open_the_issuing_forms(login, staff_a):
    client = login(staff_a)
    for name in [
        "order_create",
        "order_bulk",
        "finding_create",
        "inspection_create",
        "input_create",
        "input_import",
        "accountability_create",
    ]:
        assert client.get(reverse(f"supervision:{name}")).status_code == 403, name


def test_reply_send_back_reply_close_through_the_pages(login, order, staff_a, supervisor):
    client = login(staff_a)
    page = client.get(reverse("supervision:order_detail", args=[order.pk])).content.decode()
    assert 'data-action="reply"' in page and 'data-action="close"' not in page
    response = client.post(reverse("supervision:order_reply", args=[order.pk]), {"body": ""})
    assert response.status_code == 400 and "请填写办理情况" in response.content.decode()
    client.post(
        reverse("supervision:order_reply", args=[order.pk]), {"body": "已落实。", "evidence": pdf()}
    )
    assert (
        "办理情况.pdf"
        in client.get(reverse("supervision:order_detail", args=[order.pk])).content.decode()
    )
    client = login(supervisor)
    response = client.post(
        reverse("supervision:order_action", args=[order.pk, "send_back"]), {"comment": ""}
    )
    assert response.status_code == 400 and "请填写退回理由" in response.content.decode()
    client.post(
        reverse("supervision:order_action", args=[order.pk, "send_back"]), {"comment": "请补充。"}
    )
    login(staff_a).post(reverse("supervision:order_reply", args=[order.pk]), {"body": "已补充。"})
    login(supervisor).post(
        reverse("supervision:order_action", args=[order.pk, "close"]), {"comment": ""}
    )
    order.refresh_from_db()
    assert (order.state, order.round) == ("closed", 2)
    response = login(staff_a).post(
        reverse("supervision:order_reply", args=[order.pk]), {"body": "再补充"}
    )
    assert response.status_code == 400 and "已办结" in response.content.decode()


def test_an_extension_without_a_reason_is_refused_on_the_page(login, order, supervisor):
    response = login(supervisor).post(
        reverse("supervision:order_extend", args=[order.pk]), {"days": "5", "reason": ""}
    )
    assert response.status_code == 400 and "请填写延期理由" in response.content.decode()
    response = login(supervisor).post(
        reverse("supervision:order_extend", args=[order.pk]), {"days": "5", "reason": "等待数据"}
    )
    assert response.status_code == 302


def test_other_departments_cannot_post_to_an_order(login, order, staff_b):
    assert (
        login(staff_b)
        .post(reverse("supervision:order_reply", args=[order.pk]), {"body": "x"})
        .status_code
        == 404
    )


def test_the_order_list_filters_and_shows_overdue_in_red(
    login, order, supervisor, executing, dept_a
):
    other = services.order_issue(
        by=supervisor,
        plan_year=executing.plan_year,
        kind="routine",
        title="常规事项",
        requirement="要求",
        departments=[dept_a],
        matter="事项",
        days=30,
    )
    SupervisionOrder.objects.filter(pk=order.pk).update(
        deadline=today() - datetime.timedelta(days=1)
    )
    client = login(supervisor)
    page = client.get(reverse("supervision:order_list")).content.decode()
    assert "is-overdue" in page and "order-kind--red" in page and "order-kind--blue" in page
    overdue = client.get(reverse("supervision:order_list") + "?overdue=on")
    assert [o.pk for o in overdue.context["page_obj"].object_list] == [order.pk]
    routine = client.get(reverse("supervision:order_list") + "?kind=routine")
    assert [o.pk for o in routine.context["page_obj"].object_list] == [other.pk]


def test_the_finding_journey_through_the_pages(login, finding, staff_a, supervisor):
    client = login(staff_a)
    client.post(
        reverse("supervision:finding_step", args=[finding.pk, "plan"]), {"plan-body": "整改方案。"}
    )
    client.post(
        reverse("supervision:finding_step", args=[finding.pk, "report"]),
        {"report-body": "已整改。", "report-evidence": pdf("整改报告.pdf")},
    )
    assert (
        login(staff_a)
        .post(reverse("supervision:finding_step", args=[finding.pk, "verify"]))
        .status_code
        == 403
    )
    response = login(supervisor).post(
        reverse("supervision:finding_step", args=[finding.pk, "reject"]), {"verify-comment": ""}
    )
    assert response.status_code == 400 and "请填写验收意见" in response.content.decode()
    login(supervisor).post(
        reverse("supervision:finding_step", args=[finding.pk, "verify"]), {"verify-comment": "通过"}
    )
    finding.refresh_from_db()
    assert finding.state == Finding.State.VERIFIED
    page = (
        login(supervisor)
        .get(reverse("supervision:finding_detail", args=[finding.pk]))
        .content.decode()
    )
    assert "整改报告.pdf" in page and "验收通过" in page


def test_a_finding_without_a_responsible_department_is_refused_on_the_page(
    login, supervisor, executing
):
    response = login(supervisor).post(
        reverse("supervision:finding_create"),
        {
            "plan_year": executing.plan_year_id,
            "source": "leader",
            "title": "问题",
            "description": "描述",
            "days": "10",
        },
    )
    assert response.status_code == 400 and "请指定问题的责任单位" in response.content.decode()
    assert Finding.objects.count() == 0


def test_an_inspection_with_its_report_and_a_finding_from_it(login, supervisor, executing, dept_a):
    client = login(supervisor)
    client.post(
        reverse("supervision:inspection_create"),
        {
            "plan_year": executing.plan_year_id,
            "kind": "spot_check",
            "title": "一季度重点抽查",
            "departments": [dept_a.pk],
            "targets": executing.code,
            "started_on": today().isoformat(),
            "inspectors": "吴强、周敏",
        },
    )
    inspection = Inspection.objects.get()
    client.post(
        reverse("supervision:inspection_report", args=[inspection.pk]), {"report": "总体推进有序。"}
    )
    form = client.get(reverse("supervision:finding_create") + f"?inspection={inspection.pk}")
    assert form.context["form"].initial["source"] == "inspection"
    client.post(
        reverse("supervision:finding_create"),
        {
            "plan_year": executing.plan_year_id,
            "source": "inspection",
            "inspection": inspection.pk,
            "title": "台账不全",
            "description": "项目台账缺少影像资料。",
            "responsible_department": dept_a.pk,
            "days": "15",
        },
    )
    page = client.get(
        reverse("supervision:inspection_detail", args=[inspection.pk])
    ).content.decode()
    assert "总体推进有序。" in page and "台账不全" in page


def test_an_input_and_accountability_through_the_pages(login, supervisor, executing, dept_a):
    client = login(supervisor)
    response = client.post(
        reverse("supervision:input_create"),
        {
            "plan_year": executing.plan_year_id,
            "source": "hotline",
            "reference": "12345-88",
            "received_on": today().isoformat(),
            "summary": "市民反映。",
            "departments": [dept_a.pk],
            "targets": executing.code,
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("supervision:accountability_create"),
        {
            "plan_year": executing.plan_year_id,
            "department": dept_a.pk,
            "category": "social_impact",
            "occurred_on": today().isoformat(),
            "reference": "示委〔2027〕9号",
            "description": "造成负面影响。",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("supervision:accountability_list")).content.decode()
    assert "社会负面影响" in page and "示委〔2027〕9号" in page


def test_the_target_page_shows_its_orders_findings_inputs_and_timeline(
    login, order, finding, executing, supervisor, staff_a, dept_a
):
    services.external_input_record(
        by=supervisor,
        plan_year=executing.plan_year,
        source="hotline",
        reference="12345-5",
        received_on=today(),
        summary="热线反映进度慢",
        departments=[dept_a],
        targets=[executing],
    )
    services.order_reply(order=order, by=staff_a, body="已报告原因。")
    page = (
        login(staff_a).get(reverse("targets:target_detail", args=[executing.pk])).content.decode()
    )
    assert 'id="supervision"' in page
    assert order.title in page and finding.title in page and "12345-5" in page
    timeline = page[page.index('id="timeline"') :]
    assert order.code in timeline and "已报告原因。" in timeline
    assert "下发督办单" not in page  # departments are not offered the issuing button
    assert (
        "下发督办单"
        in login(supervisor)
        .get(reverse("targets:target_detail", args=[executing.pk]))
        .content.decode()
    )


def test_the_target_page_of_an_unconcerned_reader_has_no_supervision_section(
    login, executing, vice_mayor
):
    page = (
        login(vice_mayor)
        .get(reverse("targets:target_detail", args=[executing.pk]))
        .content.decode()
    )
    assert 'id="supervision"' not in page


def test_bulk_issue_from_the_page(login, supervisor, executing):
    client = login(supervisor)
    page = client.get(reverse("supervision:order_bulk")).content.decode()
    assert executing.code in page
    response = client.post(
        reverse("supervision:order_bulk"),
        {"ids": [executing.pk], "kind": "key", "requirement": "限期赶超。", "days": "7"},
    )
    assert response.status_code == 302
    assert SupervisionOrder.objects.get().kind == "key"


def test_a_vice_mayor_home_shows_overdue_orders_of_the_portfolio_only(
    login, order, vice_mayor, other_vice_mayor
):
    SupervisionOrder.objects.filter(pk=order.pk).update(
        deadline=today() - datetime.timedelta(days=1)
    )
    page = login(vice_mayor).get(reverse("supervision:home")).content.decode()
    assert 'id="overdue-orders"' in page and order.title in page
    page = login(other_vice_mayor).get(reverse("supervision:home")).content.decode()
    assert 'id="overdue-orders"' in page and order.title not in page


def test_the_order_page_reads_in_english_after_switching(login, order, supervisor):
    from tests.i18n.test_translations import switch_to_english

    client = login(supervisor)
    url = reverse("supervision:order_detail", args=[order.pk])
    switch_to_english(client, url)
    html = client.get(url).content.decode()
    for english in [
        "Supervision order",
        "Key",
        "Issued",
        "Requirement",
        "Addressed departments",
        "Supervision",
    ]:
        assert english in html, english
    # Labels are English; what was written (the order, its audit record) stays as written.
    for chinese in ["督办要求", "承办部门", "已下发", "办理记录"]:
        assert chinese not in html, chinese
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
