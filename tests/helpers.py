"""Helpers every app's tests share (not fixtures): an API client acting as one persona, and two
people performing the same step at the same moment on real PostgreSQL connections."""

import threading

from django.db import connection
from rest_framework.test import APIClient

from accounts.models import User
from workflow.errors import Conflict


def act_as(client: APIClient, user) -> APIClient:
    """Authenticate as a fresh copy of ``user``: the per-user access cache then starts empty,
    as it does in a real request, so query counts are what production sees."""
    client.force_authenticate(user=User.objects.get(pk=user.pk))
    return client


def run_together(*calls):
    """Runs each call in its own thread, all released at the same moment. Returns, in order, the
    result or the exception of each."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait(timeout=10)
            outcomes[i] = call()
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive(), "a concurrent call hung"
    return outcomes


def one_won(outcomes):
    """Exactly one outcome is a result, the other a Conflict with a message; returns the pair."""
    errors = [o for o in outcomes if isinstance(o, Exception)]
    results = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(results) == 1, outcomes
    assert len(errors) == 1 and isinstance(errors[0], Conflict), errors
    assert "请刷新" in errors[0].message or "他人" in errors[0].message
    return results[0], errors[0]
