from django.contrib import admin
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditedAdmin

from .models import OfficialDay


@admin.register(OfficialDay)
class OfficialDayAdmin(AuditedAdmin):
    """The administrator corrects the calendar and enters next year's notice when the State
    Council publishes it (November); every change is audited (Art. 14 全程记录)."""

    list_display = ["date", "weekday", "kind", "name", "note", "source"]
    list_filter = ["kind", "source"]
    search_fields = ["name", "note"]
    date_hierarchy = "date"
    fields = ["date", "kind", "name", "note"]

    @admin.display(description=_("星期"))
    def weekday(self, obj):
        return date_format(obj.date, "l")

    def save_model(self, request, obj, form, change):
        # Entered or corrected by hand: a later reload of the package data leaves it alone.
        obj.source = OfficialDay.Source.MANUAL
        super().save_model(request, obj, form, change)
