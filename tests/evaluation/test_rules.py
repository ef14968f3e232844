"""The rules of the evaluation, each with its clear Chinese message and nothing half-written:
scores out of range, a sheet for a department outside the scheme, weights that do not add up
to 100, an edit after scoring opened, publishing with sheets missing without a reason, a low
score without a comment, raters and auditors, and every step in the audit trail."""

import contextlib
from decimal import Decimal

import pytest

from audit.models import AuditEvent
from evaluation import services
from evaluation.models import (
    EvaluationResult,
    EvaluationScheme,
    Indicator,
    ScoreEntry,
    ScoreSheet,
    ScoringBody,
)
from evaluation.scoring import compute_results
from tests.evaluation.conftest import fill, make_scheme
from workflow.errors import Conflict, NotFoundForUser, NotPermitted, ValidationFailed

pytestmark = pytest.mark.django_db

MODELS = (EvaluationScheme, Indicator, ScoreSheet, ScoreEntry, EvaluationResult, AuditEvent)


@contextlib.contextmanager
def nothing_written():
    before = {m.__name__: m.objects.count() for m in MODELS}
    sheets = list(ScoreSheet.objects.values().order_by("pk"))
    yield
    assert {m.__name__: m.objects.count() for m in MODELS} == before
    assert list(ScoreSheet.objects.values().order_by("pk")) == sheets


@pytest.fixture
def draft_scheme(plan_year, city, office, government):
    return make_scheme("zhongshan_2012", year=plan_year, by=office, departments=list(city.values()))


@pytest.fixture
def scoring(draft_scheme, office):
    return services.scheme_open_scoring(scheme=draft_scheme, by=office)


def self_sheet(scheme, dept):
    return ScoreSheet.objects.get(scheme=scheme, department=dept, is_self=True)


def entries_for(sheet, **overrides):
    out = {}
    for leaf in services.sheet_leaves(sheet):
        out[leaf.pk] = services.EntryInput(
            points=overrides.get(leaf.name, leaf.max_points), comment=""
        )
    return out


def test_points_above_the_maximum_are_refused_and_nothing_saved(scoring, city, staff_a):
    sheet = self_sheet(scoring, city["A"])
    with nothing_written(), pytest.raises(ValidationFailed) as exc:
        services.sheet_save(
            sheet=sheet, by=staff_a, entries=entries_for(sheet, 完成重点任务="10.5"), submit=False
        )
    assert "“完成重点任务”的得分须在0至10分之间。" in str(exc.value.field_errors)


@pytest.mark.parametrize("value", ["-1", "abc", "3.125", "NaN"])
def test_negative_non_numeric_and_three_decimal_points_are_refused(value, scoring, city, staff_a):
    sheet = self_sheet(scoring, city["A"])
    with nothing_written(), pytest.raises(ValidationFailed):
        services.sheet_save(sheet=sheet, by=staff_a, entries=entries_for(sheet, 行政成本=value))


def test_a_low_score_needs_a_comment_to_be_submitted(scoring, city, staff_a):
    """Below 60% of the maximum (the template's setting) the rater must say why."""
    sheet = self_sheet(scoring, city["A"])
    with nothing_written(), pytest.raises(ValidationFailed) as exc:
        services.sheet_save(
            sheet=sheet,
            by=staff_a,
            entries=entries_for(sheet, 行政成本="2.5"),
            summary="总结",
            submit=True,
        )
    assert "得分低于满分的60%，须填写评分说明" in str(exc.value.field_errors)


def test_self_evaluation_needs_its_summary_report(scoring, city, staff_a):
    sheet = self_sheet(scoring, city["A"])
    with pytest.raises(ValidationFailed) as exc:
        services.sheet_save(sheet=sheet, by=staff_a, entries=entries_for(sheet), submit=True)
    assert exc.value.field_errors["summary"] == ["提交自评前须填写自评总结报告。"]


def test_other_bodies_submit_only_after_the_self_evaluation(scoring, city, staff_b):
    """Shanghai Art. 25: assessment builds on the department's own evaluation. (The template
    sends 市财政局's sheets to the city's 市财政局 — department B here.)"""
    sheet = ScoreSheet.objects.get(scheme=scoring, department=city["A"], body__name="市财政局")
    assert sheet.body.rater_department == city["B"]
    with nothing_written(), pytest.raises(ValidationFailed) as exc:
        services.sheet_save(sheet=sheet, by=staff_b, entries=entries_for(sheet), submit=True)
    assert "尚未提交自评" in str(exc.value.field_errors)


def test_a_rater_may_not_fill_another_raters_sheet(scoring, city, staff_a, staff_b, auditor):
    other = self_sheet(scoring, city["B"])
    with nothing_written(), pytest.raises(NotFoundForUser):
        services.sheet_save(sheet=other, by=staff_a, entries=entries_for(other))
    with nothing_written(), pytest.raises(NotPermitted):
        services.sheet_save(sheet=other, by=auditor, entries=entries_for(other))


def test_a_submitted_sheet_cannot_be_changed(scoring, city, staff_a):
    sheet = self_sheet(scoring, city["A"])
    services.sheet_save(
        sheet=sheet, by=staff_a, entries=entries_for(sheet), summary="总结", submit=True
    )
    with nothing_written(), pytest.raises(Conflict):
        services.sheet_save(sheet=sheet, by=staff_a, entries=entries_for(sheet))


def test_stale_version_is_refused(scoring, city, staff_a):
    sheet = self_sheet(scoring, city["A"])
    services.sheet_save(sheet=sheet, by=staff_a, entries=entries_for(sheet), expected_version=1)
    with nothing_written(), pytest.raises(Conflict):
        services.sheet_save(sheet=sheet, by=staff_a, entries=entries_for(sheet), expected_version=1)


def test_no_sheet_for_a_department_outside_the_scheme(scoring, office, supervisor):
    outside = supervisor.memberships.get().department
    body = scoring.bodies.first()
    with nothing_written(), pytest.raises(ValidationFailed) as exc:
        services.sheet_add(scheme=scoring, body=body, department=outside, by=office)
    assert "不是该方案的考评对象" in exc.value.message


def test_weights_must_add_up_to_100(plan_year, city, office, government):
    scheme = make_scheme("baoshan", year=plan_year, by=office, departments=[city["A"]])
    body = scheme.bodies.get(name="第三方评估")
    services.body_update(body=body, by=office, weight="25", rater_department=body.rater_department)
    with nothing_written(), pytest.raises(ValidationFailed) as exc:
        services.scheme_open_scoring(scheme=scheme, by=office)
    assert "各考评主体的权重合计须为100，现为105。" in exc.value.message


def test_each_level_must_sum_to_its_parent_before_scoring_opens(draft_scheme, office):
    leaf = draft_scheme.indicators.get(name="行政成本")
    services.indicator_save(
        scheme=draft_scheme,
        by=office,
        indicator=leaf,
        name=leaf.name,
        max_points="6",
        parent=leaf.parent,
        body=leaf.body,
    )
    errors = services.scheme_errors(draft_scheme)
    assert "指标“成本效益”的分值10与其下级指标分值之和11不一致。" in errors
    assert "百分制方案的一级指标分值合计须为100分，现为100分。" not in errors
    with pytest.raises(ValidationFailed):
        services.scheme_open_scoring(scheme=draft_scheme, by=office)


def test_no_scheme_edit_after_scoring_opened_a_new_version_instead(scoring, office):
    leaf = scoring.indicators.get(name="行政成本")
    with nothing_written(), pytest.raises(Conflict) as exc:
        services.indicator_save(
            scheme=scoring, by=office, indicator=leaf, name="x", max_points="5", body=leaf.body
        )
    assert "不能再修改" in exc.value.message
    with nothing_written(), pytest.raises(Conflict):
        services.scheme_update(scheme=scoring, by=office, deduction_cap="5")
    v2 = services.scheme_new_version(scheme=scoring, by=office)
    assert v2.version == 2 and v2.state == "draft"
    assert v2.indicators.count() == scoring.indicators.count()
    services.scheme_update(scheme=v2, by=office, deduction_cap="8")
    services.scheme_open_scoring(scheme=v2, by=office)
    scoring.refresh_from_db()
    assert scoring.state == "superseded"
    assert scoring.sheets.exists() and v2.sheets.exists()


def test_publishing_with_sheets_missing_needs_a_recorded_reason(scoring, city, office):
    fill(scoring, city["A"], {})
    services.scheme_lock(scheme=scoring, by=office)
    with nothing_written(), pytest.raises(ValidationFailed) as exc:
        services.scheme_publish(scheme=scoring, by=office)
    assert exc.value.message == "尚有36张评分表未提交；如仍要发布，须填写发布说明。"
    services.scheme_publish(scheme=scoring, by=office, reason="镇区评分因机构调整未能组织。")
    scoring.refresh_from_db()
    assert scoring.publish_reason == "镇区评分因机构调整未能组织。"
    result = EvaluationResult.objects.get(scheme=scoring, department=city["B"])
    assert result.final_score == Decimal("0.00") and len(result.detail["missing_sheets"]) == 12


def test_only_the_office_runs_the_scheme(draft_scheme, staff_a, auditor, vice_mayor):
    for user in (staff_a, auditor, vice_mayor):
        with nothing_written(), pytest.raises(NotPermitted):
            services.scheme_open_scoring(scheme=draft_scheme, by=user)


def test_opening_twice_is_a_conflict(scoring, office):
    with nothing_written(), pytest.raises(Conflict):
        services.scheme_open_scoring(scheme=scoring, by=office)


def test_recomputing_a_published_scheme_gives_the_stored_numbers(scoring, city, office):
    for dept in city.values():
        fill(scoring, dept, {"领导评价": Decimal("8.75"), "服务对象满意度": Decimal("13.33")})
    services.scheme_lock(scheme=scoring, by=office)
    services.scheme_publish(scheme=scoring, by=office)
    stored = {r.department_id: (r.final_score, r.rank) for r in scoring.results.all()}
    again = {r.department_id: (r.final_rounded, r.rank) for r in compute_results(scoring)}
    assert stored == again == {d.pk: (Decimal("97.08"), 1) for d in city.values()}


def test_every_step_is_audited(scoring, city, staff_a, office):
    sheet = self_sheet(scoring, city["A"])
    services.sheet_save(
        sheet=sheet, by=staff_a, entries=entries_for(sheet), summary="总结", submit=True
    )
    events = AuditEvent.objects.for_timeline(scoring)
    assert {e.verb for e in events} >= {"open_scoring", "submit"}
    submit = events.get(action="evaluation.scoresheet.submit")
    assert submit.actor == staff_a and "履行法定职责" in submit.changes["entries"][1]


def test_objective_bodies_have_no_rater(plan_year, city, office, government):
    scheme = make_scheme("baoshan", year=plan_year, by=office, departments=[city["A"]])
    services.scheme_open_scoring(scheme=scheme, by=office)
    sheet = ScoreSheet.objects.get(scheme=scheme, body__kind=ScoringBody.Kind.OBJECTIVE)
    assert sheet.state == "submitted"
    with pytest.raises((NotFoundForUser, NotPermitted)):
        services.sheet_save(sheet=sheet, by=office, entries={})


def test_reminders_mail_the_raters_of_unsubmitted_sheets_after_commit(
    scoring, city, office, staff_a, staff_b, django_capture_on_commit_callbacks, mailoutbox
):
    """Shanghai 002 五.6 到期提醒: one reminder per unsubmitted sheet, to its raters, sent only
    once the transaction commits (through the one function send_sheet_reminder)."""
    fill(scoring, city["A"], {})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        reminded = services.scheme_remind(scheme=scoring, by=office, department_id=city["B"].pk)
    assert reminded == 13 and len(callbacks) == 13
    assert len(mailoutbox) == 13
    self_mail = [m for m in mailoutbox if "部门自评" in m.subject]
    assert len(self_mail) == 1 and self_mail[0].to == [staff_b.email]
    assert all("/evaluation/sheets/" in m.body for m in mailoutbox)
    with pytest.raises(NotPermitted):
        services.scheme_remind(scheme=scoring, by=staff_a)


def test_a_rater_named_on_a_body_fills_its_sheets(scoring, city, office, staff_a):
    """A third party (评估人) named on the public-survey body fills its sheets, sees no others."""
    from accounts.models import Department
    from evaluation.selectors import sheets_to_fill, visible_sheets
    from tests.conftest import Role, make_user

    firm = Department.objects.create(code="dcjg", name="某调查机构", kind="external")
    surveyor = make_user("surveyor", department=firm, role=Role.EVALUATOR)
    body = scoring.bodies.get(kind="public")
    body.raters.add(surveyor)
    sheets = ScoreSheet.objects.filter(scheme=scoring, body=body)
    assert set(visible_sheets(surveyor)) == set(sheets)
    assert set(sheets_to_fill(surveyor)) == set(sheets)
    services.sheet_save(
        sheet=self_sheet(scoring, city["A"]),
        by=staff_a,
        entries=entries_for(self_sheet(scoring, city["A"])),
        summary="总结",
        submit=True,
    )
    sheet = sheets.get(department=city["A"])
    services.sheet_save(sheet=sheet, by=surveyor, entries=entries_for(sheet), submit=True)
    assert ScoreSheet.objects.get(pk=sheet.pk).submitted_by == surveyor
    other = ScoreSheet.objects.filter(scheme=scoring, department=city["A"], body__kind="leaders")
    with pytest.raises(NotFoundForUser):
        services.sheet_save(sheet=other.get(), by=surveyor, entries={})
