"""Accessibility of the main pages of the six roles (issue 19 item 11; WCAG 2.1 AA): axe-core,
vendored under tests/browser/vendor/axe-core (no request to the internet), runs in Chromium on
each page a role opens every day and finds no serious or critical violation, and no table
header without text (a minor one that the issue names)."""

import pytest
from django.urls import reverse

from notifications.models import Notification

from . import axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def role_pages(target):
    detail = reverse("targets:target_detail", args=[target.pk])
    return {
        "staff_a": [
            reverse("home"),
            reverse("targets:target_list"),
            detail,
            reverse("execution:todo"),
            reverse("notifications:list"),
        ],
        "head_a": [reverse("dashboards:department"), reverse("execution:quarterly_list")],
        "office": [
            reverse("dashboards:office"),
            reverse("targets:review_queue"),
            reverse("targets:target_list"),
            reverse("evaluation:index"),
            reverse("documents:index"),
        ],
        "supervisor": [reverse("supervision:home"), reverse("supervision:order_list")],
        "vm_a": [reverse("dashboards:leader"), detail],
        "auditor": [reverse("targets:target_list"), reverse("documents:index")],
    }


def test_the_main_pages_of_every_role_have_no_serious_violation(
    sign_in, executing, staff_a, head_a, office, supervisor, vice_mayor, auditor
):
    # The bell shows a count: its name must contain the number it shows.
    Notification.objects.bulk_create(
        Notification(recipient=staff_a, kind="deadline", title=f"提醒{i}", body="", url="/")
        for i in range(12)
    )
    found = {}
    for username, urls in role_pages(executing).items():
        page = sign_in(username, to_list=False)
        axe.install(page.context)
        for url in urls:
            assert page.goto(url).status == 200, (username, url)
            violations = axe.violations(page)
            if violations:
                found[f"{username} {url}"] = violations
    assert found == {}


def test_the_check_finds_a_violation_when_there_is_one(sign_in, staff_a):
    """The harness itself: an image without a text alternative is a critical violation."""
    page = sign_in("staff_a", to_list=False)
    axe.install(page.context)
    page.goto(reverse("targets:target_list"))
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=x>')")
    assert [v["id"] for v in axe.violations(page)] == ["image-alt"]
