"""Reads for late corrections (更正申请, Shanghai Art. 14): a request is read by whoever may read
its report (``visible_reports``); anyone else gets 404."""

from django.db.models import QuerySet

from ..models import ProgressCorrection
from .progress import visible_reports


def visible_corrections(user) -> QuerySet[ProgressCorrection]:
    return ProgressCorrection.objects.filter(report__in=visible_reports(user))


def correction_list(user) -> QuerySet[ProgressCorrection]:
    return visible_corrections(user).select_related(
        "report__target__plan_year",
        "report__target__lead_department",
        "department",
        "requested_by",
        "decided_by",
    )
