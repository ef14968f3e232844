"""System check: the audit trail's retention may not be set under 180 days (等保 2.0 §8.1.4.3 d:
audit records are kept at least six months)."""

from django.conf import settings
from django.core.checks import Error, register

MINIMUM_RETENTION_DAYS = 180


@register()
def audit_retention(app_configs, **kwargs):
    days = getattr(settings, "AUDIT_RETENTION_DAYS", MINIMUM_RETENTION_DAYS)
    if days < MINIMUM_RETENTION_DAYS:
        return [
            Error(
                f"AUDIT_RETENTION_DAYS is {days}: audit events must be kept at least "
                f"{MINIMUM_RETENTION_DAYS} days (GB/T 22239-2019 §8.1.4.3).",
                id="audit.E001",
            )
        ]
    return []
