"""The one axe-core check of the browser tests (issue 19 item 11; WCAG 2.1 AA): axe-core is
vendored under tests/browser/vendor/axe-core (no request to the internet) and installed in a
browser context as an init script, since the pages' Content-Security-Policy refuses a
<script> tag.

``violations(page)`` runs axe's WCAG 2.0/2.1 A and AA rules and its best practices (e.g. one main
landmark) and returns the serious and critical violations, plus table headers without text (a
minor one that the issue names)."""

from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"

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


def install(context):
    """Make axe-core available on every page ``context`` (a Playwright BrowserContext) opens."""
    context.add_init_script(path=str(AXE))


def violations(page) -> list[dict]:
    """What axe finds on ``page`` as it is now (see the module's docstring for which rules)."""
    return page.evaluate(RUN)
