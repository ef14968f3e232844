from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class User(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    title = models.CharField(_("职务"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    # The mayor and the executive vice-mayor follow the whole city (Shanghai Art. 17). Who they
    # are is decided in the admin, not read from the free-text 职务 above.
    reads_city_wide = models.BooleanField(
        _("全市范围阅览（市长、常务副市长）"),
        default=False,
        help_text=_(
            "市长、常务副市长跟踪全市目标（第十七条）：阅览全部目标、季度报告和全市看板。"
            "仅对担任市领导的用户有效。"
        ),
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = pgettext_lazy("plural", "用户")

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username


class Department(models.Model):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("市人民政府")
        BUREAU = "bureau", _("委办局")
        DISTRICT = "district", _("区县")
        DIVISION = "division", _("处室")
        EXTERNAL = "external", _("外部单位")

    class Category(models.TextChoices):
        # Zhongshan Art. 21: departments are ranked within these three categories.
        ECONOMIC = "economic", _("经济管理服务")
        SOCIAL = "social", _("社会管理服务")
        GENERAL = "general", _("综合管理服务")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.BUREAU)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    category = models.CharField(_("考评类别"), max_length=20, choices=Category.choices, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = pgettext_lazy("plural", "部门")
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        STAFF = "staff", _("部门填报员")
        HEAD = "head", _("部门主要负责人")
        GENERAL_OFFICE = "general_office", _("目标办（市政府办公厅）")
        SUPERVISION = "supervision", _("督查室")
        LEADER = "leader", _("市领导")
        AUDITOR = "auditor", _("审计监察")
        EVALUATOR = "evaluator", _("评估人")
        ADMIN = "admin", _("系统管理员")

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="memberships"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("任职")
        verbose_name_plural = pgettext_lazy("plural", "任职")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "department", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.department} · {self.get_role_display()}"


class LeaderPortfolio(models.Model):
    """分管: the departments a vice-mayor (or the secretary-general) oversees (Art. 15, 17)."""

    leader = models.ForeignKey(
        User, verbose_name=_("市领导"), on_delete=models.CASCADE, related_name="portfolio"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("分管部门"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("分管关系")
        verbose_name_plural = pgettext_lazy("plural", "分管关系")
        constraints = [
            models.UniqueConstraint(fields=["leader", "department"], name="portfolio_unique")
        ]

    def __str__(self):
        return f"{self.leader} → {self.department}"


class SignInFailure(models.Model):
    """One failed sign-in, counted against an account and against an address by
    ``accounts.throttle`` (issue 11). Kept in the database rather than the cache so the lockout
    still holds while Redis is down (issue 18 item 1). ``key`` is a SHA-256 digest of the scope
    and the name or address: the table never holds what was typed into the username box."""

    key = models.CharField(_("计数键"), max_length=64)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = pgettext_lazy("plural", "登录失败记录")
        indexes = [
            models.Index(fields=["key", "at"], name="signin_failure_key_at"),
            models.Index(fields=["at"], name="signin_failure_at"),
        ]

    def __str__(self):
        return f"{self.key[:12]} · {self.at:%Y-%m-%d %H:%M:%S}"
