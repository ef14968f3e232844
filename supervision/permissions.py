"""Who may do what in supervision — the one place these rules live (Shanghai Art. 18–22).

- The general office (目标办) and the supervision office (督查室) issue orders, open inspections,
  record findings, external inputs and accountability, and act on replies and rectification.
- Only a department an order or finding is addressed to replies or rectifies, through its staff
  and head.
- Reading is decided in ``supervision.selectors``: those two offices, auditors and administrators
  read everything; a department reads what is addressed to it; a vice-mayor what is addressed to
  the departments in the portfolio. Auditors change nothing.

Functions take ``(obj, user)`` so django-fsm-2 can use them as transition permissions.
"""

from accounts.access import Role, access_for

SUPERVISING_ROLES = (Role.GENERAL_OFFICE, Role.SUPERVISION)


def is_supervising(user) -> bool:
    """Art. 18: supervision is run by the general office, with the supervision office."""
    access = access_for(user)
    return any(access.has_role(r) for r in SUPERVISING_ROLES)


def may_issue(user) -> bool:
    return is_supervising(user)


def may_act_as_issuer(order, user) -> bool:
    """Closing, sending back and extending belong to the offices that issue orders."""
    return is_supervising(user)


def answering_departments(user) -> frozenset[int]:
    """The departments whose orders and findings this user answers (staff and head)."""
    return access_for(user).member_departments


def may_reply(order, user) -> bool:
    return bool(set(order.addressed_department_ids()) & answering_departments(user))


def may_rectify(finding, user) -> bool:
    return finding.responsible_department_id in answering_departments(user)


def may_verify(finding, user) -> bool:
    return is_supervising(user)


def may_report_inspection(inspection, user) -> bool:
    """The inspection's report is written by the offices that organise inspections (Art. 18)."""
    return is_supervising(user)


def may_extend(order, user) -> bool:
    """延期 (no transition: the state stays): the issuing offices, while the order is open."""
    return may_act_as_issuer(order, user) and order.state in order.OPEN_STATES
