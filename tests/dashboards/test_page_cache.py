"""Cached pages (issue 20, ``workflow/pagecache.py``): the target list, the target page and the
three dashboards come from the cache while nothing they read has changed, are rebuilt right
after a write to a table they read — through the workflow's transition path or a plain
``UPDATE``, or through a value kept elsewhere (the header's counts, the reader's access) — stay
cached through writes to tables they do not read, and are never served to another reader,
another language or another session's token."""

import re

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.test import Client
from django.test.utils import CaptureQueriesContext

from execution.models import ProgressReport, WarningSnapshot
from execution.services import progress as reports
from targets.models import Target
from workflow import generations

from .conftest import Q2

TOKEN = re.compile(r"[A-Za-z0-9]{64}")
# A page from the cache runs what every signed-in request runs — the session and the user —
# and nothing of its own (a miss runs 11–21: tests/dashboards/test_query_counts.py,
# tests/targets/pages/test_target_list.py).
HIT_QUERIES = 2


def pages(city):
    return [
        ("office", "/targets/?year=2027"),
        ("staff_a", "/targets/?year=2027"),
        ("office", f"/targets/{city['A2'].pk}/"),
        ("staff_a", "/dashboard/department/"),
        ("vice_mayor", "/dashboard/"),
        ("office", "/dashboard/office/"),
    ]


def body(response) -> str:
    assert response.status_code == 200
    # Each answer carries its own masked CSRF token: compare the pages without them.
    return TOKEN.sub("<token>", response.content.decode())


def fresh(client, url) -> str:
    """The page as it is built without any cache."""
    cache.clear()
    return body(client.get(url))


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def turn_a2_red():
    """A plain UPDATE, through no service (as the early warning's sweep writes many rows)."""
    WarningSnapshot.objects.filter(target__code="A2", period_start=Q2[0]).update(level="red")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("index", range(6))
def test_a_committed_write_shows_at_once(request, city, office, staff_a, vice_mayor, index):
    who, url = pages(city)[index]
    client = client_for(request.getfixturevalue(who))
    before = body(client.get(url))
    with CaptureQueriesContext(connection) as hit:
        again = body(client.get(url))
    assert again == before
    assert len(hit) == HIT_QUERIES, [q["sql"][:120] for q in hit]

    with transaction.atomic():
        turn_a2_red()
    after = body(client.get(url))
    assert after != before
    assert after == fresh(client, url)


@pytest.mark.django_db(transaction=True)
def test_a_transition_shows_at_once_on_the_target_page_and_the_department_home(
    city, office, staff_a
):
    report = ProgressReport.objects.get(target=city["A2"], kind=ProgressReport.Kind.MAIN)
    office_client, staff_client = client_for(office), client_for(staff_a)
    target_page = f"/targets/{city['A2'].pk}/"
    page_before = body(office_client.get(target_page))
    home_before = body(staff_client.get("/dashboard/department/"))
    assert body(office_client.get(target_page)) == page_before

    # Through the one transition path (transition_apply and its audit event).
    reports.progress_report_verify(report=report, by=office, comment="核实无误")

    page_after = body(office_client.get(target_page))
    assert page_after != page_before
    assert "核实无误" in page_after
    assert page_after == fresh(office_client, target_page)
    home_after = body(staff_client.get("/dashboard/department/"))
    assert home_after != home_before
    assert home_after == fresh(staff_client, "/dashboard/department/")


@pytest.mark.django_db(transaction=True)
def test_the_bell_counts_at_once(city, office):
    """The header's unread count (kept per user under the generation) follows a notification
    and its reading, committed, on a cached page."""
    from notifications.models import Notification
    from notifications.services import notification_mark_all_read, notify

    client = client_for(office)
    url = "/dashboard/office/"
    assert "bell__count" not in body(client.get(url))
    notify(recipients=[office], kind="deadline", title="【到期提醒】", body="请报送。", url="/")
    assert '<span class="bell__count">1</span>' in body(client.get(url))
    assert Notification.objects.filter(recipient=office, read_at__isnull=True).count() == 1
    notification_mark_all_read(by=office)
    assert "bell__count" not in body(client.get(url))


@pytest.mark.django_db
def test_inside_a_transaction_its_own_writes_show(client, city, staff_a):
    """A reader whose transaction has written (here: the test's own) reads its own rows: its
    pages are cached under that transaction's token and write count, for nobody else."""
    client.force_login(staff_a)
    before = body(client.get("/targets/?year=2027"))
    with CaptureQueriesContext(connection) as hit:
        assert body(client.get("/targets/?year=2027")) == before
    assert len(hit) == HIT_QUERIES
    state = generations.state()
    turn_a2_red()
    assert generations.state() != state
    after = body(client.get("/targets/?year=2027"))
    assert after != before
    assert after == fresh(client, "/targets/?year=2027")


@pytest.mark.django_db
def test_readers_never_see_each_others_pages(city, staff_a, head_a, staff_b, office):
    """Whoever warms the cache first, each reader gets the page built for them: a department
    sees its own targets only, and two people of one department with different roles (the
    actions offered differ) each get their own."""
    url = "/targets/?year=2027"
    readers = [office, staff_a, head_a, staff_b]
    clients = {user.username: client_for(user) for user in readers}
    expected = {name: fresh(c, url) for name, c in clients.items()}
    assert len(set(expected.values())) == len(readers)
    for order in (readers, list(reversed(readers))):
        cache.clear()
        for user in order:
            assert body(clients[user.username].get(url)) == expected[user.username]
        for user in order:
            assert body(clients[user.username].get(url)) == expected[user.username]
    # B's own targets only; A leads A1–A3 and cooperates on B1 (not B2).
    page_b = expected["staff_b"]
    assert "目标B2" in page_b and "目标A1" not in page_b
    assert "目标A1" in expected["staff_a"] and "目标B2" not in expected["staff_a"]


@pytest.mark.django_db
def test_each_language_has_its_own_page(city, office):
    client = client_for(office)
    chinese = body(client.get("/dashboard/office/"))
    # The language the switcher chose (its cookie, config/locale.py).
    client.cookies["django_language"] = "en"
    english = body(client.get("/dashboard/office/"))
    assert english != chinese
    assert 'lang="en"' in english and 'lang="en"' not in chinese
    del client.cookies["django_language"]
    assert body(client.get("/dashboard/office/")) == chinese


@pytest.mark.django_db
def test_a_page_from_the_cache_carries_a_fresh_token_that_works(city, office):
    client = Client(enforce_csrf_checks=True)
    client.force_login(office)
    url = "/targets/?year=2027"
    first = client.get(url).content.decode()
    second = client.get(url).content.decode()
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"', second)
    assert tokens and "__mubiao_csrf_token__" not in second
    # A new mask on every answer (BREACH), as Django gives it.
    assert tokens[0] not in first
    response = client.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": tokens[0]})
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_message_to_show_is_never_cached_or_missed(city, office):
    """The flash message after an action is shown once, on a page built for it; the next visit
    has no message (not a cached copy with it)."""
    client = client_for(office)
    url = f"/targets/{city['A1'].pk}/"
    plain = body(client.get(url))
    # An executing target cannot be negotiated: refused with a message (409), nothing written.
    response = client.post(f"/targets/{city['A1'].pk}/transition/negotiate/", {"comment": "x"})
    assert response.status_code == 302
    shown = body(client.get(url))
    assert 'class="messages"' in shown and 'class="messages"' not in plain
    assert body(client.get(url)) == plain


def test_what_counts_as_a_write():
    assert generations.is_write('UPDATE "execution_warningsnapshot" SET "level" = %s')
    assert generations.is_write('INSERT INTO "audit_auditevent" ("actor_id") VALUES (%s)')
    assert generations.is_write('DELETE FROM "targets_target" WHERE "id" = %s')
    assert generations.is_write('TRUNCATE "targets_target"')
    assert generations.is_write("WITH moved AS (UPDATE x SET y = 1) SELECT 1")
    assert not generations.is_write('SELECT "id" FROM "targets_target" FOR UPDATE')
    assert not generations.is_write("  SAVEPOINT s1")
    # Sessions and sign-in records: no cached page reads them.
    assert not generations.is_write('UPDATE "django_session" SET "expire_date" = %s')
    assert not generations.is_write('INSERT INTO "accounts_loginrecord" ("user_id") VALUES (1)')


@pytest.mark.django_db
def test_signing_in_keeps_the_cached_pages(city, office, staff_a):
    """Only the sign-in's own stamps are written (last_login, the login record): the pages other
    people have cached stay."""
    client = client_for(office)
    client.get("/dashboard/office/")
    state = generations.state()
    client_for(staff_a)
    assert generations.state() == state
    with CaptureQueriesContext(connection) as hit:
        client.get("/dashboard/office/")
    assert len(hit) == HIT_QUERIES
    # Any other change to a user does move it.
    staff_a.display_name = "张新名"
    staff_a.save(update_fields=["display_name"])
    assert generations.state() != state


def api_lists():
    return [
        ("office", "/api/v1/targets/?plan_year__year=2027"),
        ("staff_b", "/api/v1/targets/?plan_year__year=2027"),
        ("office", "/api/v1/progress-reports/?year=2027"),
        ("staff_a", "/api/v1/progress-reports/?year=2027"),
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("index", range(4))
def test_an_api_list_comes_from_the_cache_until_a_write(request, city, index):
    """The two API lists people poll most keep their rows under the same key as the pages: the
    same JSON from the cache with only the session's and the user's queries, the new rows right
    after a committed write."""
    who, url = api_lists()[index]
    client = client_for(request.getfixturevalue(who))
    before = client.get(url)
    assert before.status_code == 200 and before.json()["results"]
    with CaptureQueriesContext(connection) as hit:
        again = client.get(url)
    assert again.content == before.content
    assert len(hit) == HIT_QUERIES, [q["sql"][:120] for q in hit]

    with transaction.atomic():
        # Plain UPDATEs through no service, on rows every reader of these lists sees.
        ProgressReport.objects.update(narrative="已改写的进展")
        Target.objects.update(title=Concat(F("title"), Value("（修订）")))
    after = client.get(url)
    assert after.content != before.content
    cache.clear()
    assert after.content == client.get(url).content


@pytest.mark.django_db
def test_api_readers_never_see_each_others_lists(city, office, staff_a, staff_b):
    url = "/api/v1/targets/?plan_year__year=2027"
    clients = {user.username: client_for(user) for user in (office, staff_a, staff_b)}
    cache.clear()
    expected = {name: c.get(url).json() for name, c in clients.items()}
    codes = {name: {row["code"] for row in data["results"]} for name, data in expected.items()}
    assert "B2" in codes["staff_b"] and "A1" not in codes["staff_b"]
    assert "A1" in codes["staff_a"] and "B2" not in codes["staff_a"]
    for name in reversed(list(clients)):
        assert clients[name].get(url).json() == expected[name]
    # A bad filter is refused, never served from a kept answer.
    assert clients["office"].get("/api/v1/targets/?plan_year__year=abc").status_code == 400


def hit_on(client, url) -> bool:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries) == HIT_QUERIES


@pytest.mark.django_db(transaction=True)
def test_a_write_to_a_table_a_page_does_not_read_keeps_it(city, office):
    """A department saving its report's draft (a plain UPDATE of a progress report) rebuilds the
    pages that show reports and keeps the target list, which reads none: on a deadline morning
    each write costs the pages it concerns, not every page of the city."""
    client = client_for(office)
    target_list, target_page = "/targets/?year=2027", f"/targets/{city['A2'].pk}/"
    for url in (target_list, target_page, target_list, target_page):
        client.get(url)
    assert hit_on(client, target_list) and hit_on(client, target_page)

    with transaction.atomic():
        ProgressReport.objects.filter(target=city["A2"]).update(narrative="草稿：已完成招标")

    assert hit_on(client, target_list)
    # The target page reads the reports: built again (and then kept again).
    assert not hit_on(client, target_page)
    assert body(client.get(target_page)) == fresh(client, target_page)
    assert hit_on(client, target_page)


@pytest.mark.django_db(transaction=True)
def test_a_count_the_header_took_from_the_cache_still_moves_the_page(city, office):
    """The second page's build takes the unread count from the cache (no query reads the
    notifications then): it still depends on them, and a notification rebuilds it."""
    from notifications.services import notify

    client = client_for(office)
    client.get("/dashboard/office/")  # computes and keeps the count
    for _ in range(2):
        assert "bell__count" not in body(client.get("/targets/?year=2027"))
    assert hit_on(client, "/targets/?year=2027")
    notify(recipients=[office], kind="deadline", title="【到期提醒】", body="请报送。", url="/")
    assert '<span class="bell__count">1</span>' in body(client.get("/targets/?year=2027"))


@pytest.mark.django_db(transaction=True)
def test_a_change_of_the_readers_access_rebuilds_the_page(city, staff_b, dept_a):
    """The middleware loads the reader's memberships before the page is built: a new
    membership (staff B joins department A) still shows A's targets at once."""
    from accounts.models import Membership

    client = client_for(staff_b)
    url = "/targets/?year=2027"
    for _ in range(2):
        assert "目标A1" not in body(client.get(url))
    assert hit_on(client, url)
    Membership.objects.create(user=staff_b, department=dept_a, role=Membership.Role.STAFF)
    page = body(client.get(url))
    assert "目标A1" in page and page == fresh(client, url)


@pytest.mark.django_db(transaction=True)
def test_a_write_whose_table_is_unknown_rebuilds_every_page(city, office):
    client = client_for(office)
    url = "/targets/?year=2027"
    for _ in range(2):
        client.get(url)
    assert hit_on(client, url)
    with transaction.atomic(), connection.cursor() as cursor:
        # A write whose table is not read off the statement (DDL, a data-modifying WITH…).
        cursor.execute("CREATE TEMPORARY TABLE mubiao_probe (x integer)")
        cursor.execute("DROP TABLE mubiao_probe")
    assert not hit_on(client, url)
    assert hit_on(client, url)


def test_the_tables_a_statement_reads_and_writes():
    read = generations.read_tables(
        'SELECT t.id FROM targets_target t, "accounts_department" d'
        " WHERE t.id IN (SELECT target_id FROM execution_progressreport) AND d.id = t.lead_department_id"
    )
    assert read == {"targets_target", "accounts_department", "execution_progressreport"}
    assert generations.written_table('UPDATE "targets_target" SET "title" = %s') == "targets_target"
    assert generations.written_table("INSERT INTO notifications_notification (x) SELECT 1") == (
        "notifications_notification"
    )
    assert (
        generations.written_table("WITH moved AS (UPDATE x SET y = 1) SELECT 1") == generations.ANY
    )
    assert generations.written_table('TRUNCATE "targets_target"') == generations.ANY


@pytest.mark.django_db
def test_a_calendar_held_by_the_process_is_still_a_dependency():
    from workdays.calendar import current_calendar

    current_calendar()  # loaded: the next call runs no query
    with generations.recording() as read, CaptureQueriesContext(connection) as queries:
        current_calendar()
    assert not queries.captured_queries
    assert "workdays_officialday" in read
