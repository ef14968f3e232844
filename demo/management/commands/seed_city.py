"""manage.py seed_city --departments 80 --years 5 --targets-per-year 2000

A city-scale dataset for the dashboards benchmark (issue 6): bulk inserts, 8 node targets and
12 progress reports per target. Use it on a throw-away database, not the demo's."""

import time

from django.core.management.base import BaseCommand, CommandError

from demo.city_scale import build_city
from targets.models import PlanYear


class Command(BaseCommand):
    help = "Build a city-scale dataset (bulk inserts) for the dashboards benchmark."

    def add_arguments(self, parser):
        parser.add_argument("--departments", type=int, default=80)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--targets-per-year", type=int, default=2000)
        parser.add_argument("--latest-year", type=int, default=2026)

    def handle(self, *args, departments, years, targets_per_year, latest_year, **options):
        if departments < 1 or years < 1 or targets_per_year < 1:
            raise CommandError("--departments, --years and --targets-per-year must be positive")
        first = latest_year - years + 1
        if PlanYear.objects.filter(year__gte=first, year__lte=latest_year).exists():
            raise CommandError(
                f"plan years {first}–{latest_year} already exist: use an empty database"
            )
        start = time.perf_counter()
        city = build_city(
            departments=departments,
            years=years,
            targets_per_year=targets_per_year,
            latest_year=latest_year,
        )
        self.stdout.write(
            "city: {departments} departments, {targets:,} targets, {milestones:,} node targets, "
            "{reports:,} progress reports, {snapshots:,} warnings in {s:.1f} s".format(
                departments=departments, s=time.perf_counter() - start, **city.rows
            )
        )
