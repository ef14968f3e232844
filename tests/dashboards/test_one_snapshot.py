"""One as-of period for every leader figure (issue 16 item 2; Shanghai Art. 17: the leaders read
the quarter's situation): the default quarter is the one containing today, the page says
"截至 <date>" once, and the headline counts, the department table, the trend's last point and the
red list come from the same warning snapshot.

A hand-made city of its own, standing on 4 December 2027 (Q4), where Q3 and Q4 differ, as they
did in the demo when the default was Q3 and the trend's Q4 said 3 red while the red list said 1:

    code  lead  Q3 (computed 2027-09-29)   Q4 (computed 2027-12-03)
    A1    A     red                         red
    A2    A     green                       yellow
    A3    A     yellow                      red
    B1    B     green                       red
    B2    B     green                       green

Q4: red 3 (A1, A3, B1), yellow 1, green 1; A: red 2, yellow 1; B: red 1, green 1.
Q3: red 1 (A1), yellow 1, green 3.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from execution import clock
from execution.models import WarningSnapshot

from .conftest import make_target

pytestmark = pytest.mark.django_db

DECEMBER = datetime.date(2027, 12, 4)
Q3 = (datetime.date(2027, 7, 1), datetime.date(2027, 9, 30))
Q4 = (datetime.date(2027, 10, 1), datetime.date(2027, 12, 31))
LEVELS = {
    "A1": ("red", "red"),
    "A2": ("green", "yellow"),
    "A3": ("yellow", "red"),
    "B1": ("green", "red"),
    "B2": ("green", "green"),
}


@pytest.fixture(autouse=True)
def today():
    with clock.frozen(DECEMBER):
        yield DECEMBER


def computed(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(1, 30)))


@pytest.fixture
def december_city(year, dept_a, dept_b, staff_a, staff_b, vice_mayor, other_vice_mayor):
    for code, (q3, q4) in LEVELS.items():
        dept, creator = (dept_a, staff_a) if code[0] == "A" else (dept_b, staff_b)
        target = make_target(year, code, dept, 1, creator)
        for period, level, day in (
            (Q3, q3, datetime.date(2027, 9, 29)),
            (Q4, q4, datetime.date(2027, 12, 3)),
        ):
            WarningSnapshot.objects.create(
                target=target,
                period_start=period[0],
                period_end=period[1],
                level=level,
                expected=Decimal("50"),
                actual=Decimal("40"),
                reason=f"{code}滞后" if level == "red" else "",
                red_since=computed(day) if level == "red" else None,
                computed_at=computed(day),
            )


def reconcile(data):
    """Every level figure of one API answer, counted from each place it appears."""
    departments = {
        level: sum(d[level] for d in data["departments"]) for level in ("red", "yellow", "green")
    }
    last = data["trend"][-1]
    assert last["quarter"] == data["quarter"]
    assert departments == {level: last[level] for level in ("red", "yellow", "green")}
    assert departments["red"] == len(data["red"])
    return departments


def test_the_default_quarter_is_the_one_containing_today(client, december_city, mayor):
    """In December the leader reads Q4 — not Q3, the last ended quarter."""
    client.force_login(mayor)
    data = client.get("/api/v1/dashboards/leader/").json()
    assert data["quarter"] == 4
    assert data["as_of"] == "2027-12-03"
    assert data["as_of_period"] == "2027-10-01"


def test_every_figure_of_the_default_view_reconciles(client, december_city, mayor):
    """Sum of the departments' reds = the headline red = the trend's last point = the length of
    the red list, on the page and in the API (counted by hand: 3 red, 1 yellow, 1 green)."""
    client.force_login(mayor)
    data = client.get("/api/v1/dashboards/leader/").json()
    assert reconcile(data) == {"red": 3, "yellow": 1, "green": 1}
    assert [(t["quarter"], t["red"], t["yellow"], t["green"]) for t in data["trend"]] == [
        (3, 1, 1, 3),
        (4, 3, 1, 1),
    ]
    assert [t["code"] for t in data["red"]] == ["A1", "A3", "B1"]

    html = client.get("/dashboard/").content.decode()
    assert html.count("截至 2027-12-03") == 1
    headline = re.search(r'stat--red"><strong>(\d+)</strong>', html).group(1)
    table = html[html.index('id="departments-table"') :]
    table = table[: table.index("</table>")]
    department_reds = [int(n) for n in re.findall(r'data-label="红色">(\d+)</td>', table)]
    trend = html[html.index('id="trend-table"') :]
    trend_rows = re.findall(
        r'<th scope="row">Q(\d)</th><td class="num">(\d+)</td>', trend[: trend.index("</table>")]
    )
    red_list = html[html.index('id="red-list"') :]
    red_rows = red_list[: red_list.index("</section>")].count("<tr><td")
    assert int(headline) == sum(department_reds) == int(trend_rows[-1][1]) == red_rows == 3
    assert trend_rows[-1][0] == "4"


def test_a_vice_mayors_portfolio_reconciles_too(client, december_city, vice_mayor):
    """Department A only: 2 red, 1 yellow; the trend and the red list agree."""
    client.force_login(vice_mayor)
    data = client.get("/api/v1/dashboards/leader/").json()
    assert reconcile(data) == {"red": 2, "yellow": 1, "green": 0}
    assert [t["code"] for t in data["red"]] == ["A1", "A3"]


def test_a_chosen_past_quarter_reads_that_quarters_snapshot_only(client, december_city, mayor):
    """Q3 chosen in December: Q3's figures everywhere, and the trend ends at Q3 (no Q4 point)."""
    client.force_login(mayor)
    data = client.get("/api/v1/dashboards/leader/?quarter=3").json()
    assert data["quarter"] == 3
    assert data["as_of"] == "2027-09-29"
    assert reconcile(data) == {"red": 1, "yellow": 1, "green": 3}
    assert [t["quarter"] for t in data["trend"]] == [3]
    html = client.get("/dashboard/?quarter=3").content.decode()
    assert html.count("截至 2027-09-29") == 1 and "2027-12-03" not in html


def test_a_quarter_not_yet_computed_says_so_and_counts_nothing(client, december_city, mayor):
    """Q4 before its first computation (its snapshots gone): zeros everywhere, the trend's last
    point is Q4 at zero, and the page says no warning was computed rather than a date."""
    WarningSnapshot.objects.filter(period_start=Q4[0]).delete()
    client.force_login(mayor)
    data = client.get("/api/v1/dashboards/leader/").json()
    assert data["as_of"] is None
    assert reconcile(data) == {"red": 0, "yellow": 0, "green": 0}
    html = client.get("/dashboard/").content.decode()
    assert "本季度尚未计算预警" in html and "截至" not in html
