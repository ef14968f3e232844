"""The demo city's supervision year (Shanghai Art. 18–22), built through the supervision services:
orders of each kind and state (some overdue), two inspections whose findings stand in every
rectification state, hotline and deputies' inputs linked to targets, and accountability records
for three departments (Zhongshan Art. 20).

Idempotent: nothing is added to a plan year that already has supervision orders.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Department, User
from supervision import services
from supervision.deadlines import today
from supervision.models import Finding, SupervisionOrder
from targets.models import PlanYear, Target

# A one-page PDF standing in for a department's scanned reply (佐证材料).
EVIDENCE_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _evidence(name):
    return SimpleUploadedFile(name, EVIDENCE_PDF, content_type="application/pdf")


def _staff(dept):
    return User.objects.get(username=f"{dept.code}_staff")


def _head(dept):
    return User.objects.get(username=f"{dept.code}_head")


def _age(model, obj, *, days_ago: int, deadline_days_ago: int) -> None:
    """The demo's history happened earlier in the year: move an issued record's dates back (the
    services only ever accept deadlines from today on), so that some are overdue."""
    fields = {"deadline": today() - datetime.timedelta(days=deadline_days_ago)}
    if model is SupervisionOrder:
        fields["issued_on"] = today() - datetime.timedelta(days=days_ago)
    model.objects.filter(pk=obj.pk).update(**fields)


def seed_supervision(year: PlanYear) -> int:
    """Supervision records for ``year``'s executing targets; returns how many orders it made."""
    if SupervisionOrder.objects.filter(plan_year=year).exists():
        return 0
    targets = list(
        Target.objects.filter(
            plan_year=year, state=Target.State.EXECUTING, level=Target.Level.DEPARTMENT
        )
        .select_related("lead_department")
        .order_by("code")
    )
    # One target per lead department, the demo's first login (市发展改革委) first, so its home
    # has an order to answer and a problem to rectify.
    targets.sort(key=lambda target: (target.lead_department.code != "fgw", target.code))
    seen, picked = set(), []
    for target in targets:
        if target.lead_department_id not in seen and target.lead_department.code != "dcs":
            seen.add(target.lead_department_id)
            picked.append(target)
    if len(picked) < 6:
        return 0
    supervisor = User.objects.get(username="supervisor")
    office = User.objects.get(username="office")
    t = picked

    def order(by, kind, target, requirement, days, leader="", **extra):
        return services.order_issue(
            by=by,
            plan_year=year,
            kind=kind,
            title=f"关于“{target.title}”的督办",
            requirement=requirement,
            departments=[target.lead_department],
            targets=[target],
            days=days,
            responsible_leader=leader,
            **extra,
        )

    # 1. Key order, overdue: no reply after the deadline (shown in red).
    o1 = order(
        supervisor,
        "key",
        t[0],
        "进度明显滞后，请于7日内报送滞后原因、赶超措施和时间表。",
        7,
        "分管副市长",
    )
    _age(SupervisionOrder, o1, days_ago=20, deadline_days_ago=13)
    # 2. Special order, replied with evidence, awaiting the issuer.
    o2 = order(supervisor, "special", t[1], "请报告一季度节点目标完成情况及佐证材料。", 10)
    services.order_reply(
        order=o2,
        by=_staff(t[1].lead_department),
        body="一季度节点目标已完成，附现场照片和验收记录。",
        evidence=_evidence("一季度节点完成情况.pdf"),
    )
    # 3. Routine order, closed.
    o3 = order(office, "routine", t[2], "请按月报送工作进展。", 15)
    services.order_reply(
        order=o3, by=_head(t[2].lead_department), body="已建立月报制度，首期月报已报送。"
    )
    services.order_close(order=o3, by=office, comment="答复符合要求，予以办结。")
    # 4. Key order, sent back for more (reopened).
    o4 = order(
        supervisor, "key", t[3], "群众反映强烈，请专题研究并报告整改方案。", 10, "常务副市长"
    )
    services.order_reply(order=o4, by=_staff(t[3].lead_department), body="已召开专题会研究。")
    services.order_send_back(
        order=o4, by=supervisor, comment="未报送具体整改方案和完成时限，请补充。"
    )
    # 5. Routine order about a matter, to two departments, one of them has answered.
    o5 = services.order_issue(
        by=office,
        plan_year=year,
        kind="routine",
        title="市政府常务会议议定事项落实情况",
        matter="第35次常务会议议定：加快推进重大项目审批提速。",
        requirement="请各承办部门报送落实情况。",
        departments=[
            t[4].lead_department,
            t[5].lead_department,
            # The demo's first login (市发展改革委) has an order to answer too.
            *Department.objects.filter(code="fgw"),
        ],
        days=20,
    )
    services.order_reply(order=o5, by=_staff(t[4].lead_department), body="已压减审批时限30%。")
    # 6. Special order, overdue after an extension.
    o6 = order(supervisor, "special", t[5], "请报送半年目标完成情况。", 5)
    services.order_extend(order=o6, by=supervisor, reason="部门申请待统计数据发布后报送。", days=5)
    _age(SupervisionOrder, o6, days_ago=30, deadline_days_ago=2)

    # Inspections (Art. 18) and their findings, in every rectification state.
    start = today() - datetime.timedelta(days=25)
    special = services.inspection_open(
        by=supervisor,
        plan_year=year,
        kind="special",
        title="重大项目推进情况专项检查",
        departments=[x.lead_department for x in t[:3]],
        targets=t[:3],
        started_on=start,
        ended_on=start + datetime.timedelta(days=3),
        inspectors="督查室 吴强、目标办 周敏",
    )
    services.inspection_report(
        inspection=special,
        by=supervisor,
        report="检查组实地查看项目现场，查阅台账。总体推进有序，个别项目进度滞后、台账不全。",
    )
    spot = services.inspection_open(
        by=supervisor,
        plan_year=year,
        kind="spot_check",
        title="民生实事项目重点抽查",
        departments=[x.lead_department for x in t[3:6]],
        targets=t[3:6],
        started_on=start + datetime.timedelta(days=10),
        inspectors="督查室 吴强",
    )

    def finding(inspection, target, title, description, days):
        return services.finding_record(
            by=supervisor,
            plan_year=year,
            source=Finding.Source.INSPECTION,
            inspection=inspection,
            title=title,
            description=description,
            responsible_department=target.lead_department,
            responsible_leader=target.dept_leader_in_charge or "分管领导",
            days=days,
            targets=[target],
        )

    f_open = finding(
        special, t[0], "项目开工率低于序时进度", "抽查的10个项目中4个未按计划开工。", 30
    )
    _age(Finding, f_open, days_ago=0, deadline_days_ago=3)  # overdue, still open
    f_plan = finding(special, t[1], "工作台账不完整", "部分节点缺少佐证材料。", 30)
    services.finding_file_plan(
        finding=f_plan, by=_staff(t[1].lead_department), body="两周内补齐台账，明确专人负责。"
    )
    f_rect = finding(special, t[2], "资金拨付进度慢", "专项资金拨付率仅为45%。", 30)
    services.finding_file_plan(
        finding=f_rect, by=_staff(t[2].lead_department), body="加快资金拨付，每周通报。"
    )
    services.finding_report_rectified(
        finding=f_rect,
        by=_head(t[2].lead_department),
        body="拨付率已达85%。",
        evidence=_evidence("资金拨付明细.pdf"),
    )
    f_ok = finding(spot, t[3], "服务窗口排队时间长", "高峰期平均排队40分钟。", 20)
    services.finding_file_plan(
        finding=f_ok, by=_staff(t[3].lead_department), body="增设窗口，推行预约。"
    )
    services.finding_report_rectified(
        finding=f_ok, by=_staff(t[3].lead_department), body="平均排队时间降至12分钟。"
    )
    services.finding_verify(finding=f_ok, by=supervisor, comment="经复查，整改到位，予以销号。")
    f_no = finding(spot, t[4], "公示信息未及时更新", "网站公示信息滞后两个月。", 20)
    services.finding_file_plan(
        finding=f_no, by=_staff(t[4].lead_department), body="指定专人每周更新。"
    )
    services.finding_report_rectified(
        finding=f_no, by=_staff(t[4].lead_department), body="已更新。"
    )
    services.finding_reject(
        finding=f_no, by=supervisor, comment="复查发现仍有栏目未更新，请继续整改。"
    )

    fgw = Department.objects.filter(code="fgw").first()
    if fgw is not None:
        services.finding_record(
            by=office,
            plan_year=year,
            source=Finding.Source.LEADER,
            title="重大项目审批提速措施落实不到位",
            description="市领导调研指出：部分项目审批仍超过承诺时限。",
            responsible_department=fgw,
            responsible_leader="分管副主任",
            days=20,
        )

    # External inputs (Art. 22; 七.5): hotline work orders and deputies' proposals.
    inputs = [
        ("hotline", "12345-2027-004211", t[0], "市民反映项目工地夜间施工噪音扰民。"),
        ("hotline", "12345-2027-005873", t[3], "市民反映办事窗口排队时间过长。"),
        ("hotline", "12345-2027-006102", t[1], "企业反映补贴申报流程复杂。"),
        ("npc", "市人大代表建议第0087号", t[2], "建议加快专项资金拨付，提高资金使用效益。"),
        ("cppcc", "市政协提案第0154号", t[5], "关于进一步优化营商环境的提案。"),
        ("media", "示范日报2027年3月12日", t[4], "报道部分公示信息更新不及时。"),
    ]
    recorded = []
    for source, reference, target, summary in inputs:
        recorded.append(
            services.external_input_record(
                by=supervisor,
                plan_year=year,
                source=source,
                reference=reference,
                received_on=today() - datetime.timedelta(days=15),
                summary=summary,
                departments=[target.lead_department],
                targets=[target],
            )
        )
    services.external_input_to_finding(
        external_input=recorded[2],
        by=supervisor,
        title="补贴申报流程复杂",
        responsible_department=t[1].lead_department,
        days=30,
    )

    # Accountability records for three departments (Zhongshan Art. 20).
    for dept_code, category, reference, description in [
        (
            "yjj",
            "safety_accident",
            "示安委〔2027〕3号",
            "辖区发生一起较大生产安全责任事故，相关责任人被问责。",
        ),
        ("czj", "budget_performance", "示财监〔2027〕12号", "部分项目预算支出绩效评价结果为差。"),
        ("jtw", "audit", "示审报〔2027〕7号", "审计发现专项资金管理使用存在重大问题。"),
    ]:
        department = Department.objects.filter(code=dept_code).first()
        if department is None:
            continue
        services.accountability_record(
            by=supervisor,
            plan_year=year,
            department=department,
            category=category,
            occurred_on=today() - datetime.timedelta(days=40),
            reference=reference,
            description=description,
        )
    return SupervisionOrder.objects.filter(plan_year=year).count()
