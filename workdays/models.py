"""The official calendar (国务院办公厅关于部分节假日安排的通知): the days that differ from the
ordinary Monday–Friday week. Every deadline in the system is counted on it (efficiency opinions
三.4 限时办结, 五.6 到期提醒) through ``workdays.calendar``.

Only exceptions are stored: a weekday that is a holiday (放假), or a Saturday/Sunday that is a
working day (调休上班). Any other date is a working day exactly when it is Monday to Friday.
"""

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OfficialDay(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("调休上班")

    class Source(models.TextChoices):
        PACKAGE = "package", _("内置数据（chinese-calendar）")
        MANUAL = "manual", _("管理员录入")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=100, blank=True)
    note = models.CharField(
        _("依据"), max_length=200, blank=True, help_text=_("例如国务院办公厅通知的文号")
    )
    # Rows entered or corrected by the administrator are never overwritten by a reload of the
    # package data (next year's notice comes out in November, before the package has it).
    source = models.CharField(
        _("数据来源"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("法定节假日与调休")
        verbose_name_plural = pgettext_lazy("plural", "法定节假日与调休")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        calendar_changed()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        calendar_changed()
        return result

    @property
    def is_working_day(self) -> bool:
        return self.kind == self.Kind.WORKDAY


def calendar_changed() -> None:
    """Tell every process that the calendar changed: now, and again once the change is
    committed (a process that reloaded in between would otherwise keep the old days)."""
    from .calendar import invalidate

    invalidate()
    transaction.on_commit(invalidate)
