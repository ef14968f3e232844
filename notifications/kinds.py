"""Kinds of notification. Each user chooses per kind whether it also comes by e-mail
(``EmailPreference``); the in-app notification always arrives.

Apps register their kinds from ``AppConfig.ready()`` (targets registers ``target_returned``);
the reminder kinds belong to this app.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

DEADLINE = "deadline"  # N working days before, and on the day (002 五.6 到期提醒)
OVERDUE = "overdue"  # the day after, to those who owe it
ESCALATION = "escalation"  # overdue for longer: the department head, then the general office


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    email_default: bool = True
    order: int = 100


_kinds: dict[str, Kind] = {}


def register_kind(key: str, label, *, email_default: bool = True, order: int = 100) -> None:
    """Declare a kind of notification. Registering a key again replaces it."""
    _kinds[key] = Kind(key=key, label=label, email_default=email_default, order=order)


def get_kind(key: str) -> Kind:
    try:
        return _kinds[key]
    except KeyError:
        raise LookupError(f"notification kind {key!r} is not registered") from None


def all_kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda k: (k.order, k.key))


def register_builtin_kinds() -> None:
    register_kind(DEADLINE, _("到期提醒"), order=10)
    register_kind(OVERDUE, _("逾期提醒"), order=20)
    register_kind(ESCALATION, _("逾期督促（上报部门负责人或目标办）"), order=30)
