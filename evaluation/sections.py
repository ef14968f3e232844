"""The evaluation's section on a target's page (targets.extensions): joint-liability
deductions taken on the target (Baoshan 条块连坐) and the improvement suggestions the target
carries (Zhongshan Art. 25: results feed next year)."""

from accounts.access import access_for
from targets.extensions import may_have

from .models import TargetDeduction
from .selectors import visible_feedback


def evaluation_section(request, target):
    user = request.user
    access = access_for(user)
    # The target page's probes (apps.py): most targets carry no suggestion and no deduction.
    feedback = []
    if may_have(target, "evaluation_feedback"):
        feedback = list(
            visible_feedback(user)
            .filter(linked_targets=target)
            .order_by("-scheme__plan_year__year")
        )
    deductions = []
    if may_have(target, "target_deductions") and (
        access.reads_everything or target.lead_department_id in access.member_departments
    ):
        deductions = list(
            TargetDeduction.objects.filter(target=target).select_related(
                "scheme", "scheme__plan_year"
            )
        )
    if not feedback and not deductions:
        return None
    return {"improvements": feedback, "deductions": deductions}
