"""The negotiation thread of a target (协商, Art. 9): messages between the department and the
general office, visible to both. A transition's comment (a return's reasons, a submission's
note) joins the same thread, so the rules on a comment and on its author's department are here.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.access import Role, access_for
from accounts.models import Department, User
from audit.models import AuditEvent
from audit.services import audit_record
from workflow.errors import NotPermitted, ValidationFailed

from .. import permissions as perms
from ..models import Target, TargetComment

COMMENT_MAX_LENGTH = 2000


def _author_department(target: Target, user: User) -> Department | None:
    access = access_for(user)
    if target.lead_department_id in access.member_departments:
        return target.lead_department
    for dept_id, roles in access.dept_roles.items():
        if Role.GENERAL_OFFICE in roles:
            return Department.objects.get(pk=dept_id)
    return None


def _check_comment(comment: str) -> None:
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationFailed(
            _("意见不能超过%(n)s字。") % {"n": COMMENT_MAX_LENGTH},
            field_errors={"comment": [_("意见不能超过%(n)s字。") % {"n": COMMENT_MAX_LENGTH}]},
        )


@transaction.atomic
def target_comment_add(*, target: Target, by: User, body: str) -> TargetComment:
    """A message in the negotiation thread, visible to the department and the general office."""
    if not perms.may_comment(target, by):
        raise NotPermitted(_("您不能在该目标的协商记录中发表意见。"))
    body = (body or "").strip()
    if not body:
        message = _("请填写意见内容。")
        raise ValidationFailed(message, field_errors={"body": [message]})
    if len(body) > COMMENT_MAX_LENGTH:
        message = _("意见不能超过%(n)s字。") % {"n": COMMENT_MAX_LENGTH}
        raise ValidationFailed(message, field_errors={"body": [message]})
    comment = TargetComment.objects.create(
        target=target, author=by, author_department=_author_department(target, by), body=body
    )
    audit_record(actor=by, obj=target, action=AuditEvent.Action.COMMENT, comment=body)
    return comment
