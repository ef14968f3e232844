from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from portal.demo import seed_public_demo


class Command(BaseCommand):
    help = _(
        "演示城市的政务公开：目标办公开执行年度和上一年度的目标清单，公示部门自评报告接受评议。"
        "在 seed_demo 之后运行，可重复执行。"
    )

    def handle(self, *args, **options):
        for result in seed_public_demo():
            self.stdout.write(
                _("%(y)s年度：新公开%(n)s个目标（已公开%(a)s个，未确认%(d)s个不公开）。")
                % {
                    "y": result.year,
                    "n": result.published,
                    "a": result.already_public,
                    "d": result.not_confirmed,
                }
            )
        from portal.models import PublicReport

        self.stdout.write(
            _("部门自评报告公示：%(n)s份（/gongkai/manage/reports/）。")
            % {"n": PublicReport.objects.count()}
        )
        self.stdout.write(_("公开网站：/gongkai/"))
