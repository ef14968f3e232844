"""The red reason names the period its figures come from (issue 16 item 2): a snapshot of Q3
whose latest verified report is Q1's used to read "截至2027-03-31实际进度…", which a reader of the
Q3 report took for Q3's own figures. Now it says this period's progress is not verified yet and
names the period the figures are from; with this period verified it says 本期."""

import datetime
from decimal import Decimal

import pytest

from execution import clock, early_warning
from execution.models import WarningSnapshot
from execution.services import progress as reports

from .conftest import Q1, report_input

pytestmark = pytest.mark.django_db
Q3 = datetime.date(2027, 7, 1)


def verified(target, start, on, staff_a, head_a, office, value):
    with clock.frozen(on):
        report = reports.progress_report_create(
            target=target, by=staff_a, period_start=start, data=report_input(actual_value=value)
        )
        report = reports.progress_report_submit(report=report, by=head_a)
        return reports.progress_report_verify(report=report, by=office)


def test_a_q3_snapshot_on_q1_figures_names_q1_not_a_date(target, staff_a, head_a, office):
    verified(target, Q1, datetime.date(2027, 4, 5), staff_a, head_a, office, Decimal("6.1"))
    with clock.frozen(datetime.date(2027, 7, 20)):
        early_warning.recompute_early_warnings()
    snapshot = WarningSnapshot.objects.get(target=target, period_start=Q3)
    assert snapshot.as_of == datetime.date(2027, 3, 31)
    assert snapshot.reason.startswith(
        "本期进展尚未审核通过；按最近审核通过的2027年第1季度进展，实际进度20.00%，"
        "该期应有进度24.66%"
    ), snapshot.reason
    assert "截至" not in snapshot.reason


def test_a_snapshot_on_its_own_periods_figures_says_this_period(target, staff_a, head_a, office):
    verified(target, Q1, datetime.date(2027, 3, 31), staff_a, head_a, office, Decimal("6.05"))
    with clock.frozen(datetime.date(2027, 3, 31)):
        early_warning.recompute_early_warnings()
    snapshot = WarningSnapshot.objects.get(target=target, period_start=Q1)
    assert snapshot.level == "red"
    assert snapshot.reason.startswith("本期实际进度10.00%，应有进度24.66%"), snapshot.reason
