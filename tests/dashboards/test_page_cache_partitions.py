"""The progress reports' partitions (issue 20, ``workflow.generations.partition``): on a
deadline morning a department saving its report's draft rebuilds the cached pages of the
departments the report concerns — its own, and the lead department of the target — and keeps
every other department's home and report list; a write whose departments are not known (a bulk
``UPDATE``, a delete, a save that may move the row) rebuilds them all, and the office's pages,
which read every department's reports, are rebuilt by any report's save."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from execution.models import ProgressReport
from execution.services import progress as reports
from workflow import generations

from .test_page_cache import HIT_QUERIES, body, client_for, fresh

HOME = "/dashboard/department/"
LIST = "/api/v1/progress-reports/?year=2027"


def hit_on(client: Client, url: str) -> bool:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries) == HIT_QUERIES


def warm(client: Client, *urls: str) -> None:
    for url in urls * 2:
        client.get(url)
    assert all(hit_on(client, url) for url in urls)


def partition_state(*departments) -> str:
    return generations.signature(
        [f"{ProgressReport._meta.db_table}@{d.pk}" for d in departments]
        + [f"{ProgressReport._meta.db_table}@*"]
    )


def draft_input(report, **changes) -> reports.ReportInput:
    values = {
        "narrative": report.narrative,
        "actual_value": report.actual_value,
        "percent_complete": report.percent_complete,
        "problems": report.problems,
        "next_steps": report.next_steps,
    }
    return reports.ReportInput(**{**values, **changes})


@pytest.mark.django_db(transaction=True)
def test_a_departments_draft_saved_keeps_the_other_departments_pages(
    city, staff_a, staff_b, dept_a, dept_b
):
    """B saves the draft of its own report on its own target (through the service, as the
    page and the API do): B's home and list are rebuilt, with the new text; A's — which
    cooperates on that very target, but never reads B's report — stay cached."""
    a, b = client_for(staff_a), client_for(staff_b)
    warm(a, HOME, LIST)
    warm(b, HOME, LIST)
    draft = ProgressReport.objects.get(target=city["B1"], department=dept_b)

    reports.progress_report_update(
        report=draft, by=staff_b, data=draft_input(draft, problems="资金拨付滞后（草稿）")
    )

    assert hit_on(a, HOME) and hit_on(a, LIST)
    assert not hit_on(b, HOME)
    listed = b.get(LIST)
    assert "资金拨付滞后（草稿）" in listed.content.decode()
    cache.clear()
    assert b.get(LIST).content == listed.content


@pytest.mark.django_db(transaction=True)
def test_a_report_filed_on_another_departments_target_rebuilds_both(
    city, staff_a, staff_b, dept_a, dept_b, office
):
    """A's task report on B's target (A cooperates on B1) is read by A (its own) and, once
    filed, by B (the lead department coordinates it, Art. 16): both lists are rebuilt."""
    a, b = client_for(staff_a), client_for(staff_b)
    warm(a, LIST)
    warm(b, LIST)
    task_report = ProgressReport.objects.get(target=city["B1"], department=dept_a)
    before = partition_state(dept_a), partition_state(dept_b)

    reports.progress_report_return(report=task_report, by=office, comment="请补充配合事项")

    assert (partition_state(dept_a), partition_state(dept_b)) != tuple(before)
    for client in (a, b):
        page = client.get(LIST).content
        assert "请补充配合事项" in page.decode()
        cache.clear()
        assert client.get(LIST).content == page


@pytest.mark.django_db(transaction=True)
def test_the_office_list_follows_the_reports_shown_to_it(city, office, staff_b, dept_a, dept_b):
    """The office reads the reports filed (shown beyond their department), not the drafts: a
    draft saved keeps its list; a report verified — its state changed — rebuilds it. The
    office overview reads the table whole and is rebuilt by either."""
    client = client_for(office)
    url = "/api/v1/progress-reports/?year=2027"
    warm(client, url, "/dashboard/office/")
    draft = ProgressReport.objects.get(target=city["B1"], department=dept_b)
    assert str(draft.pk) not in [str(row["id"]) for row in client.get(url).json()["results"]]

    reports.progress_report_update(report=draft, by=staff_b, data=draft_input(draft, problems="x"))
    assert hit_on(client, url)
    assert not hit_on(client, "/dashboard/office/")

    filed = ProgressReport.objects.get(target=city["A2"], department=dept_a)
    reports.progress_report_verify(report=filed, by=office, comment="核实")
    listed = {row["id"]: row["state"] for row in client.get(url).json()["results"]}
    assert listed[filed.pk] == "verified"
    assert hit_on(client, url)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "write",
    [
        # A bulk UPDATE: no row's departments are known.
        lambda city, dept_b: ProgressReport.objects.filter(target=city["B1"]).update(
            narrative="批量改写"
        ),
        # A save that may move the row to another department: its old one must see it go.
        lambda city, dept_b: ProgressReport.objects.get(
            target=city["B1"], department=dept_b
        ).save(),
        # A delete.
        lambda city, dept_b: ProgressReport.objects.filter(
            target=city["B1"], department=dept_b
        ).delete(),
    ],
    ids=["bulk-update", "whole-row-save", "delete"],
)
def test_a_write_whose_departments_are_unknown_rebuilds_every_department(
    city, staff_a, staff_b, dept_a, dept_b, write
):
    a = client_for(staff_a)
    warm(a, HOME, LIST)
    state = partition_state(dept_a)
    with transaction.atomic():
        write(city, dept_b)
    assert partition_state(dept_a) != state
    assert not hit_on(a, HOME) and not hit_on(a, LIST)
    assert body(a.get(HOME)) == fresh(a, HOME)


@pytest.mark.django_db(transaction=True)
def test_saves_with_an_unplaced_write_in_the_same_transaction_move_every_partition(
    city, staff_b, dept_a, dept_b
):
    """One save names its departments; a bulk UPDATE in the same transaction does not: the
    transaction moves every partition, not only the save's."""
    state = partition_state(dept_a)
    draft = ProgressReport.objects.get(target=city["B1"], department=dept_b)
    with transaction.atomic():
        draft.problems = "草稿"
        draft.save(update_fields=["problems"])
        ProgressReport.objects.filter(department=dept_a).update(narrative="批量")
    assert partition_state(dept_a) != state


@pytest.mark.django_db(transaction=True)
def test_only_the_departments_concerned_move(city, staff_b, dept_a, dept_b):
    a_state, b_state = partition_state(dept_a), partition_state(dept_b)
    draft = ProgressReport.objects.get(target=city["B1"], department=dept_b)
    with transaction.atomic():
        draft.problems = "草稿"
        draft.save(update_fields=["problems"])
    assert partition_state(dept_a) == a_state
    assert partition_state(dept_b) != b_state
    # Outside a transaction (autocommit) the save is committed before its departments are
    # known: every partition moves.
    draft.problems = "再改"
    draft.save(update_fields=["problems"])
    assert partition_state(dept_a) != a_state


@pytest.mark.django_db(transaction=True)
def test_a_page_built_while_a_save_commits_is_not_kept_as_newer(city, staff_a, dept_a):
    """The partitions' generations are read before the rows (as the tables' are before the
    build): a save committed between that read and the end of the build leaves the page
    built again on the next visit, never kept under the new generation."""
    a = client_for(staff_a)
    own = ProgressReport.objects.get(target=city["A2"], department=dept_a)
    original = generations.partitioned

    def partitioned_then_a_save(table, partitions):
        context = original(table, partitions)

        class Wrapped:
            def __enter__(self):
                value = context.__enter__()
                if not getattr(partitioned_then_a_save, "done", False):
                    partitioned_then_a_save.done = True
                    with transaction.atomic():
                        own.problems = "构建期间保存"
                        own.save(update_fields=["problems"])
                return value

            def __exit__(self, *exc):
                return context.__exit__(*exc)

        return Wrapped()

    from execution.api import progress as api

    api.partitioned, saved = partitioned_then_a_save, api.partitioned
    try:
        first = a.get(LIST).content
    finally:
        api.partitioned = saved
    assert "构建期间保存" in first.decode()
    assert not hit_on(a, LIST)


# --- the notifications, by recipient: a new one rebuilds its reader's bell only -------------

LIST_PAGE = "/targets/?year=2027"


@pytest.mark.django_db(transaction=True)
def test_a_notification_rebuilds_only_its_readers_pages(city, office, staff_a):
    from notifications.services import notification_mark_all_read, notify

    office_client, staff_client = client_for(office), client_for(staff_a)
    warm(office_client, LIST_PAGE)
    warm(staff_client, LIST_PAGE)

    notify(recipients=[office], kind="deadline", title="【到期提醒】", body="请报送。", url="/")

    assert hit_on(staff_client, LIST_PAGE)
    assert '<span class="bell__count">1</span>' in body(office_client.get(LIST_PAGE))
    assert hit_on(office_client, LIST_PAGE)

    notification_mark_all_read(by=office)

    assert hit_on(staff_client, LIST_PAGE)
    page = body(office_client.get(LIST_PAGE))
    assert "bell__count" not in page and page == fresh(office_client, LIST_PAGE)


@pytest.mark.django_db(transaction=True)
def test_settling_and_e_mail_delivery_rebuild_only_the_recipients_pages(
    city, office, staff_a, head_a, dept_a, settings
):
    """What a submission settles (the head's "report ready" notices) and the outbox marking an
    e-mail sent each touch the recipients' rows only."""
    from django.core import mail

    from notifications.delivery import deliver_email
    from notifications.models import Notification
    from notifications.services import notifications_settle, notify

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    report = ProgressReport.objects.get(target=city["A2"], department=dept_a)
    notify(recipients=[head_a], kind="deadline", title="【报告待签】", obj=None, url="/")
    head_a.email = "head@example.gov.cn"
    head_a.save(update_fields=["email"])
    row = Notification.objects.get(recipient=head_a)
    Notification.objects.filter(pk=row.pk).update(
        email_status=Notification.EmailStatus.PENDING, content_type=None
    )
    office_client = client_for(office)
    warm(office_client, LIST_PAGE)
    mail.outbox = []

    assert deliver_email(row.pk)
    assert [m.to for m in mail.outbox] == [["head@example.gov.cn"]]
    assert hit_on(office_client, LIST_PAGE)

    from django.contrib.contenttypes.models import ContentType

    Notification.objects.filter(pk=row.pk).update(
        content_type=ContentType.objects.get_for_model(ProgressReport), object_id=str(report.pk)
    )
    warm(office_client, LIST_PAGE)
    assert notifications_settle(kind="deadline", obj=report) == 1
    assert hit_on(office_client, LIST_PAGE)
    assert Notification.objects.get(pk=row.pk).read_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_write_that_changes_no_row_keeps_every_page(city, office):
    """A sweep that finds nothing to do (an UPDATE or DELETE of no row) shows nothing new."""
    client = client_for(office)
    warm(client, LIST_PAGE, "/dashboard/office/")
    with transaction.atomic():
        assert ProgressReport.objects.filter(narrative="没有这样的报告").update(problems="x") == 0
        ProgressReport.objects.filter(narrative="没有这样的报告").delete()
    assert hit_on(client, LIST_PAGE) and hit_on(client, "/dashboard/office/")
    ProgressReport.objects.filter(target=city["A2"]).update(problems="改了")
    assert not hit_on(client, "/dashboard/office/")


@pytest.mark.django_db
def test_a_declaration_speaks_for_its_own_reads_only(city, dept_a):
    """Inside a department's ``partitioned`` block, a value built on its own (the header's
    counts, ``remembered``) that reads every report still depends on the whole table."""
    table = ProgressReport._meta.db_table
    with generations.recording() as read, generations.partitioned(table, {dept_a.pk}):
        list(ProgressReport.objects.filter(department=dept_a))
        generations.remembered("every-report", "test", ProgressReport.objects.count)
    assert {f"{table}@{dept_a.pk}", f"{table}@*", table} <= read
    with generations.recording() as read, generations.partitioned(table, {dept_a.pk}):
        list(ProgressReport.objects.filter(department=dept_a))
    assert table not in read


def test_only_an_update_or_delete_of_no_row_counts_as_no_change():
    """SQLite reports an ``INSERT … RETURNING``'s row only once fetched (rowcount 0 when the
    statement returns): every insert Django makes there. Such a statement still moves the
    generations; an UPDATE or DELETE that matched nothing does not."""

    class Cursor:
        rowcount = 0

    nothing = generations._changed_nothing
    assert nothing(
        'UPDATE "execution_progressreport" SET "problems" = %s WHERE 1 = 0', False, Cursor
    )
    assert nothing('DELETE FROM "execution_progressreport" WHERE 1 = 0', False, Cursor)
    insert = 'INSERT INTO "notifications_notification" ("title") VALUES (%s) RETURNING "id"'
    assert not nothing(insert, False, Cursor)
    assert not nothing(
        'INSERT INTO "notifications_notification" ("title") VALUES (%s)', False, Cursor
    )
    assert not nothing('UPDATE "x" SET "y" = 1 RETURNING "id"', False, Cursor)
    # executemany: the count is not one statement's.
    assert not nothing('UPDATE "x" SET "y" = %s', True, Cursor)
    Cursor.rowcount = 1
    assert not nothing('UPDATE "x" SET "y" = 1', False, Cursor)
