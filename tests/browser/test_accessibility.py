"""Accessibility of the main pages of the six roles (issue 19 item 11; WCAG 2.1 AA): axe-core,
vendored under tests/browser/vendor/axe-core (no request to the internet), runs in Chromium on
each page a role opens every day and finds no serious or critical violation, and no table
header without text (a minor one that the issue names)."""

from pathlib import Path

import pytest
from django.urls import reverse

from notifications.models import Notification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"

# axe's WCAG 2.0/2.1 A and AA rules; best practices (e.g. one main landmark) as well.
RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    resultTypes: ["violations"],
  });
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical" || v.id === "empty-table-header")
    .map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " " + n.failureSummary)}));
}"""


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
        # An init script, not a <script> tag: the pages' Content-Security-Policy would refuse it.
        page.context.add_init_script(path=str(AXE))
        for url in urls:
            assert page.goto(url).status == 200, (username, url)
            violations = page.evaluate(RUN)
            if violations:
                found[f"{username} {url}"] = violations
    assert found == {}


def test_the_check_finds_a_violation_when_there_is_one(sign_in, staff_a):
    """The harness itself: an image without a text alternative is a critical violation."""
    page = sign_in("staff_a", to_list=False)
    page.context.add_init_script(path=str(AXE))
    page.goto(reverse("targets:target_list"))
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=x>')")
    assert [v["id"] for v in page.evaluate(RUN)] == ["image-alt"]
