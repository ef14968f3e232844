"""Evidence uploads (佐证材料): what is accepted, and that nothing about an upload is trusted
(issue 5: "file names are never trusted", executables, HTML and SVG refused)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from execution.files import attachment_response, check_evidence_file, evidence_upload_to
from workflow.errors import ValidationFailed

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
DOCX = b"PK\x03\x04" + b"\0" * 32


@pytest.mark.parametrize(
    ("name", "content"),
    [("一季度进展.pdf", PDF), ("现场照片.PNG", PNG), ("汇报材料.docx", DOCX)],
)
def test_office_documents_and_images_are_accepted(name, content):
    checked = check_evidence_file(SimpleUploadedFile(name, content))
    assert checked.display_name == name
    assert checked.size == len(content)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.exe", b"MZ\x90\0" + b"\0" * 20, "不支持"),
        ("page.html", b"<html><script>alert(1)</script>", "不支持"),
        ("chart.svg", b'<svg onload="alert(1)"/>', "不支持"),
        ("renamed.pdf", b"MZ\x90\0" + b"\0" * 20, "内容与其扩展名不符"),
        ("svg-in-disguise.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "不符"),
        ("empty.pdf", b"", "为空"),
    ],
)
def test_dangerous_or_mislabelled_files_are_refused(name, content, message):
    with pytest.raises(ValidationFailed) as caught:
        check_evidence_file(SimpleUploadedFile(name, content))
    assert message in caught.value.message


def test_size_limit_is_enforced_with_the_limit_named(settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    with pytest.raises(ValidationFailed) as caught:
        check_evidence_file(SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024)))
    assert "1 MB" in caught.value.message


def test_path_parts_and_control_characters_are_dropped_from_the_shown_name():
    checked = check_evidence_file(SimpleUploadedFile("../../etc/进展\r\n报告.pdf", PDF))
    assert checked.display_name == "进展报告.pdf"


def test_stored_name_is_generated_not_taken_from_the_upload():
    stored = evidence_upload_to(None, "../../../etc/passwd.pdf")
    assert stored.startswith("evidence/") and stored.endswith(".pdf")
    assert "passwd" not in stored and ".." not in stored
    assert not evidence_upload_to(None, "x.html").endswith(".html")


def test_download_is_an_attachment_under_the_original_name(tmp_path, settings):
    from django.core.files.storage import FileSystemStorage

    storage = FileSystemStorage(location=tmp_path)
    stored = storage.save("evidence/a.pdf", SimpleUploadedFile("a.pdf", PDF))
    response = attachment_response(storage.open(stored), display_name="一季度进展.pdf")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
