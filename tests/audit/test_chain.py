"""The audit trail as a verifiable hash chain (issue 17 item 5; GB/T 22239-2019 §8.1.4.3
安全审计 c: records protected from deletion, modification or overwriting; §8.1.4.8 数据完整性;
Shanghai measures Art. 14 全程记录).

The append-only trigger already stops the site; these cases play a database superuser who
disables it, alters or deletes a row and enables it again — the chain must name the row."""

import hashlib
import importlib
import threading
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Department
from audit import chain
from audit.integrity import chain_head, verify_trail
from audit.models import AuditEvent
from audit.services import audit_event, audit_record, audit_record_many

pytestmark = pytest.mark.django_db


def record_some(actor, n=5, **fields):
    department = Department.objects.create(code=f"d{AuditEvent.objects.count()}", name=f"部门{n}")
    return [
        audit_record(
            actor=actor,
            obj=department,
            action="update",
            changes={"name": [f"旧{i}", f"新{i}"]},
            **fields,
        )
        for i in range(n)
    ]


def as_superuser_without_the_trigger(sql, params=()):
    """What a database superuser can do: lift the append-only trigger, change the trail, put
    the trigger back."""
    with connection.cursor() as cursor:
        # The test's own inserts leave deferred foreign-key checks pending, which ALTER TABLE
        # refuses to run beside.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")


def test_every_event_is_chained_to_the_one_before_with_sm3(staff_a):
    events = record_some(staff_a)
    assert "sm3" in hashlib.algorithms_available  # this machine's OpenSSL has the 国密 hash
    stored = list(AuditEvent.objects.order_by("id"))
    assert stored[0].previous_hash == chain.GENESIS
    for before, after in zip(stored, stored[1:], strict=False):
        assert after.previous_hash == before.chain_hash
    assert {e.hash_algorithm for e in stored} == {"sm3"}
    report = verify_trail()
    assert report.ok and report.checked == len(events)
    assert chain_head().chain_hash == stored[-1].chain_hash == report.head_hash


def test_sha256_is_used_where_openssl_has_no_sm3(staff_a, monkeypatch):
    monkeypatch.setattr(chain, "algorithm", lambda: "sha256")
    record_some(staff_a, n=2)
    assert set(AuditEvent.objects.values_list("hash_algorithm", flat=True)) == {"sha256"}
    assert verify_trail().ok


def test_events_inserted_together_are_chained_in_order(staff_a):
    department = Department.objects.create(code="many", name="多条")
    audit_record_many(
        [
            audit_event(actor=staff_a, obj=department, action="comment", comment=str(i))
            for i in range(4)
        ]
    )
    record_some(staff_a, n=1)
    assert verify_trail().ok and AuditEvent.objects.count() == 5


def test_json_values_are_hashed_as_postgresql_gives_them_back(staff_a):
    department = Department.objects.create(code="json", name="数值")
    audit_record(
        actor=staff_a,
        obj=department,
        action="update",
        changes={
            "value": [1e5, 2.5],
            "nested": [{"b": 1, "a": [0.1, True, None]}, "中文"],
            3: [1, 2],
        },
    )
    assert verify_trail().ok


def test_an_altered_row_is_reported_as_the_first_broken_link(staff_a):
    events = record_some(staff_a)
    victim = events[2]
    as_superuser_without_the_trigger(
        "UPDATE audit_auditevent SET comment = %s WHERE id = %s", ["改过", victim.pk]
    )
    report = verify_trail()
    assert report.broken == chain.Break(victim.pk, "altered", 3)
    assert report.head_id == events[1].pk
    with pytest.raises(CommandError, match=rf"broken at event #{victim.pk} .*altered"):
        call_command("audit_verify")


def test_an_altered_row_whose_hashes_were_recomputed_breaks_the_next_link(staff_a):
    """A superuser who also recomputes the row's own hashes still cannot relink the rest."""
    events = record_some(staff_a)
    victim = AuditEvent.objects.get(pk=events[1].pk)
    row = victim.chain_row() | {"comment": "改过"}
    fields = chain.link(row, victim.previous_hash, victim.hash_algorithm)
    as_superuser_without_the_trigger(
        "UPDATE audit_auditevent SET comment = %s, content_hash = %s, chain_hash = %s WHERE id = %s",
        ["改过", fields["content_hash"], fields["chain_hash"], victim.pk],
    )
    assert verify_trail().broken == chain.Break(events[2].pk, "unlinked", 3)


def test_a_deleted_row_is_reported_at_the_row_after_it(staff_a):
    events = record_some(staff_a)
    as_superuser_without_the_trigger("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    report = verify_trail()
    assert report.broken == chain.Break(events[2].pk, "unlinked", 2)
    with pytest.raises(CommandError, match=rf"#{events[2].pk} .*deleted or reordered"):
        call_command("audit_verify")


def test_a_row_inserted_around_the_application_is_reported(staff_a):
    events = record_some(staff_a, n=2)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (occurred_at, actor_name, action, content_type_id, "
            "object_id, object_repr, from_state, to_state, changes, comment, request_id, "
            "scope_object_id, hash_algorithm, content_hash, previous_hash, chain_hash) "
            "SELECT occurred_at, actor_name, action, content_type_id, object_id, object_repr, "
            "'', '', '{}', '伪造', '', '', '', '', '', '' FROM audit_auditevent WHERE id = %s "
            "RETURNING id",
            [events[0].pk],
        )
        forged = cursor.fetchone()[0]
    assert verify_trail().broken == chain.Break(forged, "unsealed", 3)


def test_an_intact_chain_passes_the_command(staff_a, capsys):
    record_some(staff_a, n=3)
    call_command("audit_verify")
    assert "audit chain intact: 3 events" in capsys.readouterr().out


def test_the_data_migration_chains_the_rows_written_before_it(staff_a):
    events = record_some(staff_a, n=4)
    as_superuser_without_the_trigger(
        "UPDATE audit_auditevent SET hash_algorithm = '', content_hash = '', previous_hash = '', "
        "chain_hash = ''"
    )
    assert verify_trail().broken == chain.Break(events[0].pk, "unsealed", 1)
    migration = importlib.import_module("audit.migrations.0006_hash_chain")
    with connection.schema_editor() as editor:
        migration.seal_existing(None, editor)
    assert verify_trail().ok
    # ... and the trigger is back: the trail is append-only again.
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditevent SET comment = 'x'")


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain(django_user_model):
    """Writers in parallel transactions queue on the chain's advisory lock: each links to the
    committed head, none to the same predecessor as another."""
    actor = django_user_model.objects.create(username="writer")
    department = Department.objects.create(code="race", name="并发")
    errors = []
    barrier = threading.Barrier(4)

    def write():
        try:
            barrier.wait(timeout=10)
            for i in range(10):
                with transaction.atomic():
                    audit_record(actor=actor, obj=department, action="comment", comment=str(i))
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert AuditEvent.objects.count() == 40
    previous = list(AuditEvent.objects.values_list("previous_hash", flat=True))
    assert len(set(previous)) == 40
    assert verify_trail().ok


def test_an_auditor_sees_the_chain_intact_then_broken(client, auditor, staff_a):
    events = record_some(staff_a, n=3)
    client.force_login(auditor)
    page = client.get(reverse("accounts:audit_chain"))
    assert page.status_code == 200
    assert 'data-chain-state="intact"' in page.content.decode()
    assert chain_head().chain_hash in page.content.decode()
    as_superuser_without_the_trigger("DELETE FROM audit_auditevent WHERE id = %s", [events[0].pk])
    page = client.get(reverse("accounts:audit_chain")).content.decode()
    assert 'data-chain-state="broken"' in page
    assert f"编号{events[1].pk}" in page and "已被删除或调换" in page


@pytest.mark.parametrize("persona", ["staff_a", "office", "supervisor"])
def test_only_auditors_and_administrators_open_the_page(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("accounts:audit_chain")).status_code == 403


def test_events_younger_than_the_retention_period_are_never_purged(staff_a):
    """等保 2.0 §8.1.4.3: audit records kept at least six months (AUDIT_RETENTION_DAYS)."""
    record_some(staff_a, n=2)
    with pytest.raises(CommandError, match="kept 180 days"):
        call_command("audit_purge", "--before", f"{timezone.localdate():%Y-%m-%d}")
    assert AuditEvent.objects.count() == 2


def test_purging_old_events_keeps_the_chain_verifiable(staff_a):
    events = record_some(staff_a, n=4)
    old = timezone.now() - timedelta(days=400)
    as_superuser_without_the_trigger(
        "UPDATE audit_auditevent SET occurred_at = %s WHERE id <= %s", [old, events[1].pk]
    )
    # The rows' content changed under them: reseal the whole test trail as it now stands.
    migration = importlib.import_module("audit.migrations.0006_hash_chain")
    with connection.schema_editor() as editor:
        migration.seal_existing(None, editor)
    call_command(
        "audit_purge", "--before", f"{timezone.localdate() - timedelta(days=200):%Y-%m-%d}"
    )
    remaining = list(AuditEvent.objects.order_by("id"))
    assert [e.pk for e in remaining[:2]] == [events[2].pk, events[3].pk]
    purge = remaining[-1]
    assert purge.action == "audit.auditevent.purge" and purge.changes["count"] == [None, 2]
    assert verify_trail().ok


def test_a_retention_under_180_days_fails_the_system_checks(settings):
    from audit.checks import audit_retention

    settings.AUDIT_RETENTION_DAYS = 90
    assert [e.id for e in audit_retention(None)] == ["audit.E001"]
    settings.AUDIT_RETENTION_DAYS = 180
    assert audit_retention(None) == []


def test_auditors_find_the_chain_page_from_their_account_page(client, auditor):
    client.force_login(auditor)
    page = client.get(reverse("accounts:security")).content.decode()
    assert reverse("accounts:audit_chain") in page
