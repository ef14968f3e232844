"""Password rules of 身份鉴别 (GB/T 22239-2019 8.1.4.1 a: 身份标识具有唯一性，身份鉴别信息具有复杂度
要求并定期更换), as Django password validators: every way of setting a password — the password
change page, the admin, ``changepassword`` — runs them.

- ``ComplexityValidator``: characters from at least three of four classes (upper case, lower
  case, digits, symbols), and never the demo's shared password (``demo.seed`` sets that one
  without validation, so it exists only where ``seed_demo`` ran);
- ``PasswordReuseValidator``: none of the last ``remembered`` passwords again. Django calls its
  ``password_changed`` after every save of a new password, which is when the history grows.
"""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The demo city's shared password. Kept here as a refused value only; the demo sets it itself.
SHARED_DEMO_PASSWORDS = frozenset({"demo12345"})
CLASSES_REQUIRED = 3


def _classes(password: str) -> int:
    kinds = (
        any(c.isupper() for c in password),
        any(c.islower() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() or c in string.punctuation for c in password),
    )
    return sum(kinds)


class ComplexityValidator:
    def validate(self, password, user=None):
        if password in SHARED_DEMO_PASSWORDS:
            raise ValidationError(_("不能使用演示系统的公共密码。"), code="password_shared")
        if _classes(password) < CLASSES_REQUIRED:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字和符号中的至少三类。"),
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("密码须包含大写字母、小写字母、数字和符号中的至少三类。")


class PasswordReuseValidator:
    def __init__(self, remembered: int = 5):
        self.remembered = remembered

    def _recent(self, user):
        from .models import PasswordHistory

        return PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[
            : self.remembered
        ]

    def validate(self, password, user=None):
        if user is None or user.pk is None or self.remembered <= 0:
            return
        from django.contrib.auth.hashers import check_password

        # The current password is the latest entry of the history once it was set through
        # Django; an account whose password predates the history still may not keep it.
        recent = list(self._recent(user))
        if user.password and user.password not in recent:
            recent.insert(0, user.password)
        if any(check_password(password, encoded) for encoded in recent):
            raise ValidationError(
                _("新密码不能与最近%(n)s次使用过的密码相同。") % {"n": self.remembered},
                code="password_reused",
            )

    def password_changed(self, password, user=None):
        if user is None or user.pk is None or self.remembered <= 0:
            return
        from .models import PasswordHistory

        PasswordHistory.objects.create(user=user, password=user.password)
        keep = list(
            PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[
                : self.remembered
            ]
        )
        PasswordHistory.objects.filter(user=user).exclude(pk__in=keep).delete()

    def get_help_text(self):
        return _("新密码不能与最近%(n)s次使用过的密码相同。") % {"n": self.remembered}
