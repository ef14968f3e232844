from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from workdays.calendar import invalidate
from workdays.loading import load_package_days
from workdays.models import OfficialDay


class Command(BaseCommand):
    help = _("从 chinese-calendar 数据包载入法定节假日与调休上班日（不覆盖管理员录入的日期）。")

    def handle(self, *args, **options):
        created, updated = load_package_days(OfficialDay)
        invalidate()
        self.stdout.write(
            _("工作日历已载入：新增%(c)s天，更新%(u)s天。") % {"c": created, "u": updated}
        )
