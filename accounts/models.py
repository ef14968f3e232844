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

    class IdentitySource(models.TextChoices):
        LOCAL = "local", _("本地账号")
        LDAP = "ldap", _("LDAP/AD 目录")
        OIDC = "oidc", _("统一身份认证（OIDC）")

    # Where the person is authenticated (issue 17): a directory or the identity platform owns
    # a single-sign-on account's password and roles; local accounts are the demo's and the
    # break-glass administrators'.
    identity_source = models.CharField(
        _("身份来源"), max_length=10, choices=IdentitySource.choices, default=IdentitySource.LOCAL
    )
    # Set when an administrator creates the account or resets its password: the first password
    # was known to someone else, so its owner must replace it before doing anything (身份鉴别).
    must_change_password = models.BooleanField(_("须修改初始密码"), default=False)
    # Set after too many failed sign-ins in a row (``accounts.signin``); cleared by an
    # administrator's unlock or when ``LOGIN_LOCKOUT_MINUTES`` have passed.
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)

    # Events of the account's security, written by ``accounts.signin`` and ``accounts.twofactor``.
    AUDIT_VERBS = {
        "lock": _("账号锁定"),
        "unlock": _("账号解锁"),
        "password_change": _("修改密码"),
        "password_reset": _("管理员重置密码"),
        "otp_enrol": _("启用双因素认证"),
        "otp_recovery_codes": _("重新生成恢复码"),
        "otp_reset": _("重置双因素认证"),
        "directory_sync": _("同步目录角色"),
    }

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


class ApiToken(models.Model):
    """An API token (API 令牌) another system — the city's data platform, the 12345 hotline —
    or a person's script signs API requests with (``Authorization: Bearer <key>``), instead of
    a password (issue 17 item 4; 等保 2.0 §8.1.4.2 访问控制: least privilege by scope).

    Only a SHA-256 digest of the key is stored: the key is random (256 bits), so a fast digest
    is as safe as a password hash and costs microseconds per request instead of the ~1 s of
    PBKDF2 that HTTP Basic paid. ``prefix`` (the key's first characters) tells tokens apart in
    lists without revealing them."""

    class Scope(models.TextChoices):
        READ = "read", _("只读")
        WRITE = "write", _("读写")

    AUDIT_VERBS = {"revoke": _("撤销"), "use": _("使用")}

    user = models.ForeignKey(
        User, verbose_name=_("所属用户"), on_delete=models.PROTECT, related_name="api_tokens"
    )
    name = models.CharField(
        _("名称"), max_length=100, help_text=_("用途或对接系统，如：12345热线系统")
    )
    prefix = models.CharField(_("前缀"), max_length=16, db_index=True)
    digest = models.CharField(_("摘要"), max_length=64, unique=True)
    scope = models.CharField(
        _("权限范围"), max_length=10, choices=Scope.choices, default=Scope.READ
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    created_by = models.ForeignKey(
        User,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("有效期至"))
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    # The day of the last use that was written to the audit trail (one event per token per day).
    last_used_on = models.DateField(_("最近使用日期"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("最近使用地址"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User,
        verbose_name=_("撤销人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = pgettext_lazy("plural", "API 令牌")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def is_active_at(self, moment) -> bool:
        return self.revoked_at is None and self.expires_at > moment


class LoginRecord(models.Model):
    """One sign-in attempt on an existing account (登录记录): the login history each user reads
    on their security page, and what the lockout counts (GB/T 22239-2019 8.1.4.1 b: 登录失败处理).
    Attempts for names that match no account are counted by the throttle only, so what a person
    typed into the username box is never kept."""

    class Method(models.TextChoices):
        PASSWORD = "password", _("密码")
        LDAP = "ldap", _("LDAP/AD 目录")
        OIDC = "oidc", _("统一身份认证（OIDC）")
        OTP = "otp", _("动态口令")
        API = "api", _("API 基本认证")

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("成功")
        FAILED = "failed", _("失败")
        LOCKED = "locked", _("账号已锁定")

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="login_records"
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=200, blank=True)
    method = models.CharField(_("方式"), max_length=10, choices=Method.choices)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices)

    class Meta:
        verbose_name = _("登录记录")
        verbose_name_plural = pgettext_lazy("plural", "登录记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "at"], name="login_record_user_at")]

    def __str__(self):
        return f"{self.user} · {self.at:%Y-%m-%d %H:%M:%S} · {self.get_outcome_display()}"

    @property
    def succeeded(self) -> bool:
        return self.outcome == self.Outcome.SUCCESS


class PasswordHistory(models.Model):
    """The hashes of a user's earlier passwords, so a new one cannot repeat them
    (``accounts.passwords.PasswordReuseValidator``). Only hashes are kept, never a password."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(_("密码摘要"), max_length=128)
    changed_at = models.DateTimeField(_("修改时间"), default=timezone.now)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = pgettext_lazy("plural", "历史密码")
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.user} · {self.changed_at:%Y-%m-%d %H:%M}"
