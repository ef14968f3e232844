"""Loads the State Council's holiday and 调休 days from the chinesecalendar package, so every
fresh installation counts deadlines on the official calendar without a manual step."""

from django.db import migrations


def load(apps, schema_editor):
    from workdays.loading import load_package_days

    load_package_days(apps.get_model("workdays", "OfficialDay"))


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
