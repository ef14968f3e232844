"""The evaluation's section on a target's page (targets.extensions): joint-liability
deductions taken on the target (Baoshan 条块连坐) and the improvement suggestions the target
carries (Zhongshan Art. 25: results feed next year)."""

from accounts.access import access_for

from .models import TargetDeduction
from .selectors import visible_feedback


def evaluation_section(request, target):
    user = request.user
    access = access_for(user)
    feedback = list(
        visible_feedback(user).filter(linked_targets=target).order_by("-scheme__plan_year__year")
    )
    deductions = []
    if access.reads_everything or target.lead_department_id in access.member_departments:
        deductions = list(
            TargetDeduction.objects.filter(target=target).select_related(
                "scheme", "scheme__plan_year"
            )
        )
    if not feedback and not deductions:
        return None
    return {"improvements": feedback, "deductions": deductions}
