"""The numbers on each dashboard, against the hand-made city of conftest.py (expected values
counted by hand from its table, never by calling the code's own aggregate). Shanghai Art. 17."""

import pytest

pytestmark = pytest.mark.django_db


def get(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def test_vice_mayor_sees_his_portfolio_only(client, city, vice_mayor):
    data = get(client, vice_mayor, "/api/v1/dashboards/leader/?quarter=2")
    assert data["quarter"] == 2
    assert data["city_wide"] is False
    assert [
        (d["name"], d["targets"], d["red"], d["yellow"], d["green"], d["completion"])
        for d in data["departments"]
    ] == [("市发展改革委", 3, 1, 1, 1, 33)]
    assert data["departments"][0]["milestones_due"] == 3
    assert data["departments"][0]["milestones_achieved"] == 1
    assert [(t["quarter"], t["red"], t["yellow"], t["green"]) for t in data["trend"]] == [
        (1, 0, 1, 2),
        (2, 1, 1, 1),
    ]
    assert [(t["code"], t["reason"]) for t in data["red"]] == [("A1", "进度明显滞后")]
    # A3 has no Q2 report and Q2's was due on 10 July; B1 is not his.
    assert [t["code"] for t in data["overdue"]] == ["A3"]


def test_default_quarter_is_the_one_containing_today(client, city, vice_mayor):
    """Issue 16 item 2: on 20 July the leader reads Q3 (not Q2, the last ended quarter); Q3 has
    no computed warning yet, so its figures are zeros and the trend ends at Q3."""
    data = get(client, vice_mayor, "/api/v1/dashboards/leader/")
    assert data["quarter"] == 3
    assert data["as_of"] is None
    assert [(t["quarter"], t["red"]) for t in data["trend"]] == [(1, 0), (2, 1), (3, 0)]


def test_mayor_sees_the_whole_city_and_can_filter_by_portfolio(
    client, city, mayor, other_vice_mayor
):
    data = get(client, mayor, "/api/v1/dashboards/leader/?quarter=2")
    assert data["city_wide"] is True
    rows = {d["name"]: d for d in data["departments"]}
    assert set(rows) == {"市发展改革委", "市财政局"}
    b = rows["市财政局"]
    assert (b["targets"], b["red"], b["yellow"], b["green"], b["completion"]) == (2, 1, 0, 1, 50)
    assert [(t["quarter"], t["red"], t["yellow"], t["green"]) for t in data["trend"]] == [
        (1, 1, 2, 2),
        (2, 2, 1, 2),
    ]
    assert [t["code"] for t in data["red"]] == ["A1", "B1"]
    assert [t["code"] for t in data["overdue"]] == ["A3", "B1"]
    only_b = get(
        client, mayor, f"/api/v1/dashboards/leader/?quarter=2&leader={other_vice_mayor.pk}"
    )
    assert [d["name"] for d in only_b["departments"]] == ["市财政局"]


def test_a_plain_vice_mayor_cannot_widen_his_view(client, city, vice_mayor, other_vice_mayor):
    data = get(
        client, vice_mayor, f"/api/v1/dashboards/leader/?quarter=2&leader={other_vice_mayor.pk}"
    )
    assert [d["name"] for d in data["departments"]] == ["市发展改革委"]


def test_office_overview(client, city, office):
    data = get(client, office, "/api/v1/dashboards/office/")
    assert data["by_state"] == {"executing": 5}
    assert data["per_aspect"] == [
        {"aspect": "经济发展与结构调整", "red": 2, "yellow": 1, "green": 0},
        {"aspect": "民生保障与社会事业", "red": 0, "yellow": 0, "green": 2},
    ]
    assert data["levels"] == {"red": 2, "yellow": 1, "green": 2}
    assert data["review_count"] == 2  # A2's main report and A's task report on B1
    completion = data["completion"]
    assert completion["period_start"] == "2027-04-01"
    assert completion["due_date"] == "2027-07-10"
    assert completion["overdue"] is True
    assert [
        (r["department_name"], r["due"], r["on_time"], r["late"], r["missing"], r["rate"])
        for r in completion["rows"]
    ] == [("市发展改革委", 4, 2, 1, 1, 50), ("市财政局", 2, 1, 0, 1, 50)]


def test_completion_rate_view_is_the_overview_table(client, city, office):
    rate = get(client, office, "/api/v1/dashboards/completion-rate/")
    overview = get(client, office, "/api/v1/dashboards/office/")
    assert rate == overview["completion"]
    client.force_login(office)
    page = client.get("/dashboard/office/completion/").content.decode()
    assert "市发展改革委" in page and "50%" in page


def test_department_home(client, city, staff_a):
    data = get(client, staff_a, "/api/v1/dashboards/department/")
    assert [t["code"] for t in data["targets"]] == ["A1", "A2", "A3"]
    assert [t["warning_level"] for t in data["targets"]] == ["red", "green", "yellow"]
    assert data["levels"] == {"red": 1, "yellow": 1, "green": 1}
    # A1 turned red and nobody has explained it yet.
    assert data["explanations"] == [city["A1"].pk]
    # Owed now: A3's Q2 main report (none), and Q3 (started 1 July) for A1–A3 and B1's task.
    owed = sorted((r["code"], r["period_start"]) for r in data["todo"])
    assert ("A3", "2027-04-01") in owed
    assert ("A1", "2027-04-01") not in owed and ("A2", "2027-04-01") not in owed


def test_auditor_reads_the_dashboards(client, city, auditor):
    assert get(client, auditor, "/api/v1/dashboards/office/")["levels"]["red"] == 2
    assert len(get(client, auditor, "/api/v1/dashboards/leader/")["departments"]) == 2


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/dashboards/leader/",
        "/api/v1/dashboards/office/",
        "/api/v1/dashboards/completion-rate/",
        "/dashboard/",
        "/dashboard/office/",
    ],
)
def test_departments_do_not_see_the_leaders_and_office_dashboards(client, city, staff_a, url):
    client.force_login(staff_a)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/api/v1/dashboards/department/", "/dashboard/department/"])
def test_the_department_home_is_for_departments(client, city, vice_mayor, url):
    client.force_login(vice_mayor)
    assert client.get(url).status_code == 404


def test_the_mayor_opens_any_target_from_his_dashboard(client, city, mayor):
    """City-wide leaders (the mayor, flagged in the admin) read every target the dashboard links to."""
    client.force_login(mayor)
    assert client.get(f"/targets/{city['B1'].pk}/").status_code == 200


def test_a_vice_mayor_does_not_open_another_portfolio_target(client, city, vice_mayor):
    client.force_login(vice_mayor)
    # B2 is B's alone (A cooperates on B1, so B1 is readable to A's vice-mayor).
    assert client.get(f"/targets/{city['B2'].pk}/").status_code == 404
    assert client.get(f"/targets/{city['A1'].pk}/").status_code == 200


def test_the_pages_show_the_same_numbers_in_their_tables(client, city, vice_mayor, office):
    client.force_login(vice_mayor)
    page = client.get("/dashboard/?quarter=2").content.decode()
    assert 'id="chart-departments"' in page and "vendor/echarts/echarts.min.js" in page
    assert "33%（1/3）" in page  # A: one of three Q2 node targets achieved
    assert f'href="/targets/{city["A1"].pk}/"' in page  # the red target, one click away
    client.force_login(office)
    page = client.get("/dashboard/office/").content.decode()
    assert f'<tr data-department="{city["A1"].lead_department_id}">' in page
    assert "执行中" in page


def test_trend_reads_the_last_computed_period_of_each_quarter(client, city, vice_mayor):
    """A quarter's point of the trend is its latest computed period: a March period computed
    for one target only replaces the January figures of Q1 (Art. 17's quarterly view)."""
    import datetime

    from targets.models import Target

    from .conftest import snapshot

    snapshot(
        Target.objects.get(code="A1"),
        (datetime.date(2027, 3, 1), datetime.date(2027, 3, 31)),
        "green",
    )
    data = get(client, vice_mayor, "/api/v1/dashboards/leader/?quarter=2")
    assert [(t["quarter"], t["red"], t["yellow"], t["green"]) for t in data["trend"]] == [
        (1, 0, 0, 1),
        (2, 1, 1, 1),
    ]
    # Q1 chosen: the as-of period is March too.
    q1 = get(client, vice_mayor, "/api/v1/dashboards/leader/?quarter=1")
    assert [(d["red"], d["yellow"], d["green"]) for d in q1["departments"]] == [(0, 0, 1)]
