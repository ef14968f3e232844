"""The target dossier prints the audit chain head it was generated from (issue 17 item 5): an
auditor holding the paper can check that the trail still contains that head (GB/T 22239-2019
§8.1.4.3 安全审计, §8.1.4.8 数据完整性)."""

import re

import pytest

from audit.models import AuditEvent
from tests.documents.conftest import job_file, pdf_text

pytestmark = pytest.mark.django_db


def printed_head(text: str) -> tuple[int, str]:
    squeezed = re.sub(r"\s+", "", text)
    match = re.search(r"审计链头：记录(\d+)，SM3摘要([0-9a-f]{64})", squeezed)
    assert match, squeezed[-400:]
    return int(match.group(1)), match.group(2)


def test_the_target_dossier_prints_the_chain_head_it_was_generated_from(
    submitted, auditor, generate
):
    before = AuditEvent.objects.order_by("-id").first()
    text = pdf_text(job_file(generate(auditor, "target_dossier", target=submitted.pk)))
    event_id, chain_hash = printed_head(text)
    printed = AuditEvent.objects.get(pk=event_id)
    assert printed.chain_hash == chain_hash
    # The head when the document was laid out: at or after what was there before the request.
    assert event_id >= before.pk
