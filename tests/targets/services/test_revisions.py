"""Revisions: every change of content is kept as a full snapshot, so the negotiation is judged
against what was actually submitted and every earlier version stays readable (issue 2, point 4;
Art. 9 协商目标; Art. 14 全程记录)."""

from decimal import Decimal

from targets import services
from targets.models import Target, TargetDepartment, TargetRevision
from tests.conftest import quantitative_input


def revisions(target):
    return list(TargetRevision.objects.filter(target=target).order_by("number"))


def test_creation_stores_revision_one_with_the_full_content(draft, staff_a):
    (rev,) = revisions(draft)
    assert rev.number == 1 == draft.version
    assert rev.created_by == staff_a
    assert rev.snapshot == services.target_snapshot(draft)
    assert rev.snapshot["title"] == "全市地区生产总值增长6.5%"
    assert rev.snapshot["lead_department"] == "市发展改革委"
    assert [m["quarter"] for m in rev.snapshot["milestones"]] == [1, 2, 3, 4]


def test_each_content_change_adds_a_full_snapshot(draft, staff_a, head_a, aspect, dept_a, dept_b):
    services.target_update(
        target=draft, by=staff_a, data=quantitative_input(aspect, dept_a, title="增长7%")
    )
    services.target_update(
        target=draft,
        by=head_a,
        data=quantitative_input(
            aspect,
            dept_a,
            title="增长7%",
            departments=[
                services.DepartmentInput(
                    department=dept_b,
                    role=TargetDepartment.Role.COOPERATING,
                    task="保障资金",
                )
            ],
        ),
    )
    v1, v2, v3 = revisions(draft)
    assert [r.number for r in (v1, v2, v3)] == [1, 2, 3]
    assert Target.objects.get(pk=draft.pk).version == 3
    assert (v1.snapshot["title"], v2.snapshot["title"], v3.snapshot["title"]) == (
        "全市地区生产总值增长6.5%",
        "增长7%",
        "增长7%",
    )
    # Full snapshots, not diffs: unchanged fields are in every revision.
    assert v2.snapshot["indicator"] == v3.snapshot["indicator"] == "地区生产总值增速"
    assert v2.snapshot["departments"] == []
    assert v3.snapshot["departments"] == [
        {"department": "市财政局", "role": "cooperating", "task": "保障资金", "acceptance": ""}
    ]
    assert (v2.created_by, v3.created_by) == (staff_a, head_a)


def test_unchanged_save_creates_no_revision_and_keeps_the_version(draft, staff_a, aspect, dept_a):
    result = services.target_update(
        target=draft, by=staff_a, data=quantitative_input(aspect, dept_a), expected_version=1
    )
    assert result.version == 1
    assert Target.objects.get(pk=draft.pk).version == 1
    assert len(revisions(draft)) == 1


def test_same_number_written_differently_is_no_change(draft, staff_a, aspect, dept_a):
    """6.5 and 6.50 are one value: re-saving a form must not invent a revision."""
    services.target_update(
        target=draft,
        by=staff_a,
        data=quantitative_input(
            aspect, dept_a, target_value=Decimal("6.50"), weight=Decimal("3.00")
        ),
    )
    assert len(revisions(draft)) == 1


def test_milestones_are_unchanged_by_an_unchanged_save(draft, staff_a, aspect, dept_a):
    ids = list(draft.milestones.values_list("pk", flat=True))
    services.target_update(target=draft, by=staff_a, data=quantitative_input(aspect, dept_a))
    assert list(draft.milestones.values_list("pk", flat=True)) == ids


def test_earlier_revisions_stay_readable_after_return_and_resubmit(
    submitted, office, staff_a, head_a, aspect, dept_a
):
    """Art. 9: the office judges the resubmission against what was first submitted."""
    services.target_return(target=submitted, by=office, comment="目标值偏低")
    services.target_update(
        target=submitted,
        by=staff_a,
        data=quantitative_input(aspect, dept_a, target_value=Decimal("7.2")),
    )
    services.target_submit(target=submitted, by=head_a)
    services.target_negotiate(target=submitted, by=office)
    v1, v2 = revisions(submitted)
    assert v1.snapshot["target_value"] == "6.5"
    assert v2.snapshot["target_value"] == "7.2"
    # Transitions are not content changes: they add no revision.
    assert Target.objects.get(pk=submitted.pk).version == 2
    assert submitted.comments.get().body == "目标值偏低"
