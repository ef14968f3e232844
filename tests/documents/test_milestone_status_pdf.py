"""Overdue is overdue in the PDFs too (issue 16 item 3): a node target past its due date without
a result prints 逾期, not 未到期, in the target's dossier (卷宗) — its 节点目标 section.

On 5 April 2027 the executing 2027 target's Q1 node target (due 31 March, no result) is 逾期;
Q2–Q4 are 未到期."""

import datetime
import re

import pytest

from execution import clock
from tests.documents.conftest import job_file, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_5_april_2027():
    with clock.frozen(datetime.date(2027, 4, 5)):
        yield


def test_the_dossier_prints_overdue_for_a_late_node_target(
    executing, auditor, generate, rendered_html, on_5_april_2027
):
    text = pdf_text(job_file(generate(auditor, "target_dossier", target=executing.pk)))
    assert "逾期" in text
    html = rendered_html[-1]
    section = html[html.index("节点目标</h2>") :]
    section = section[: section.index("</table>")]
    statuses = re.findall(r"<td>([^<]*)</td></tr>", section)
    assert statuses == ["逾期", "未到期", "未到期", "未到期"]
