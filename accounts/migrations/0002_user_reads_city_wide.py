"""City-wide reading becomes a flag set in the admin (issue 15), no longer a match on the 职务.

The leaders the old rule recognised (a 市领导 membership and the 职务 市长 or 常务副市长) get the
flag here, so nobody's reading changes on upgrade; from now on the admin decides.
"""

from django.db import migrations, models

# The titles the old rule matched (settings.CITY_WIDE_LEADER_TITLES), frozen here.
OLD_CITY_WIDE_TITLES = ("市长", "常务副市长")


def flag_city_wide_leaders(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(title__in=OLD_CITY_WIDE_TITLES, memberships__role="leader").update(
        reads_city_wide=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="reads_city_wide",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "市长、常务副市长跟踪全市目标（第十七条）：阅览全部目标、季度报告和全市看板。"
                    "仅对担任市领导的用户有效。"
                ),
                verbose_name="全市范围阅览（市长、常务副市长）",
            ),
        ),
        migrations.RunPython(flag_city_wide_leaders, migrations.RunPython.noop),
    ]
