from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from demo.execution_progress import DEMO_TODAY
from demo.seed import DEMO_PASSWORD, EXECUTION_YEAR, seed_demo


class Command(BaseCommand):
    help = _("载入演示城市（示范市）：部门、用户、分管关系、年度与约180个目标。可重复执行。")

    def handle(self, *args, **options):
        report = seed_demo()
        self.stdout.write(
            _("演示城市已就绪：%(d)s个部门，%(u)s个用户，本次新建目标%(t)s个。")
            % {"d": report.departments, "u": report.users, "t": report.targets_created}
        )
        if report.reports_created:
            self.stdout.write(
                _("执行中的%(year)s年度：本次生成进展报告%(n)s份（演示日期：%(today)s）。")
                % {"year": EXECUTION_YEAR, "n": report.reports_created, "today": DEMO_TODAY}
            )
        self.stdout.write(_("演示账号（密码均为 %(p)s）：") % {"p": DEMO_PASSWORD})
        for username, role in report.logins:
            self.stdout.write(f"  {username:<12} {role}")
        self.stdout.write(
            _("  其他部门：<部门代码>_staff / <部门代码>_head，例如 czj_staff、czj_head")
        )
