"""The auditor's page of the audit chain (审计链校验, issue 17 item 5): the chain head and the
first broken link, recomputed on request. Auditors and administrators only."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from audit.integrity import chain_head, verify_trail
from audit.models import AuditEvent
from workflow.errors import NotPermitted

from .access import Role, access_for


@login_required
def audit_chain(request):
    access = access_for(request.user)
    if not (access.is_superuser or access.roles & {Role.AUDITOR, Role.ADMIN}):
        raise NotPermitted(_("只有审计监察人员和系统管理员可以校验审计链。"))
    report = verify_trail()
    broken_event = (
        AuditEvent.objects.filter(pk=report.broken.event_id).first() if report.broken else None
    )
    return render(
        request,
        "accounts/audit_chain.html",
        {"report": report, "head": chain_head(), "broken_event": broken_event},
    )
