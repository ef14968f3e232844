"""外部监督 (Shanghai Art. 22; efficiency opinions 七.5): inputs from the hotline, deputies, the
media and audit, linked to targets and departments, convertible into findings; hotline batches
imported from Excel all or nothing, with every bad row named in Chinese."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from supervision import services
from supervision.deadlines import today
from supervision.models import ExternalInput, Finding
from workflow.errors import NotPermitted, ValidationFailed

from .conftest import nothing_written

pytestmark = pytest.mark.django_db

HEADER = ["工单编号", "受理日期", "诉求内容", "涉及部门", "涉及目标编号"]


def sheet(rows, header=HEADER):
    book = Workbook()
    ws = book.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("热线.xlsx", out.getvalue())


def test_an_input_links_targets_and_departments_and_becomes_a_finding(
    supervisor, executing, dept_a
):
    item = services.external_input_record(
        by=supervisor,
        plan_year=executing.plan_year,
        source="cppcc",
        reference="政协提案第88号",
        received_on=today(),
        summary="建议优化营商环境。",
        departments=[dept_a],
        targets=[executing],
    )
    finding = services.external_input_to_finding(
        external_input=item,
        by=supervisor,
        title="营商环境问题",
        responsible_department=dept_a,
        days=20,
    )
    assert finding.source == Finding.Source.EXTERNAL_INPUT
    assert finding.external_input == item
    assert finding.description == "建议优化营商环境。"
    assert list(finding.targets.all()) == [executing]


def test_an_input_needs_a_department_and_a_unique_reference(supervisor, executing, dept_a):
    values = {
        "by": supervisor,
        "plan_year": executing.plan_year,
        "source": "hotline",
        "reference": "12345-1",
        "received_on": today(),
        "summary": "反映问题",
        "targets": [],
    }
    with nothing_written(), pytest.raises(ValidationFailed) as caught:
        services.external_input_record(departments=[], **values)
    assert "涉及部门" in caught.value.field_errors["departments"][0]
    services.external_input_record(departments=[dept_a], **values)
    with pytest.raises(ValidationFailed) as caught:
        services.external_input_record(departments=[dept_a], **values)
    assert "已登记过" in caught.value.field_errors["reference"][0]


def test_departments_may_not_record_inputs(staff_a, executing, dept_a):
    with nothing_written(), pytest.raises(NotPermitted):
        services.external_input_record(
            by=staff_a,
            plan_year=executing.plan_year,
            source="media",
            reference="报道1",
            received_on=today(),
            summary="报道",
            departments=[dept_a],
        )


def test_a_good_hotline_batch_is_imported(supervisor, executing, dept_a, dept_b):
    upload = sheet(
        [
            ["12345-0001", today(), "道路施工噪音扰民", "市发展改革委", executing.code],
            ["12345-0002", today().isoformat(), "补贴发放慢", "发改委、财政局", ""],
        ]
    )
    created = services.hotline_import(by=supervisor, plan_year=executing.plan_year, upload=upload)
    assert [c.reference for c in created] == ["12345-0001", "12345-0002"]
    assert list(created[0].targets.all()) == [executing]
    assert set(created[1].departments.all()) == {dept_a, dept_b}
    assert created[0].import_batch and created[0].import_batch == created[1].import_batch


def test_a_batch_with_one_bad_row_imports_nothing_and_names_every_bad_row(
    supervisor, executing, dept_a
):
    upload = sheet(
        [
            ["12345-0001", today(), "道路施工噪音扰民", "市发展改革委", ""],
            ["12345-0001", "2027-13-45", "", "不存在的局", "2027-9999"],
            ["", today(), "内容", "", ""],
        ]
    )
    with nothing_written(), pytest.raises(ValidationFailed) as caught:
        services.hotline_import(by=supervisor, plan_year=executing.plan_year, upload=upload)
    errors = caught.value.field_errors["file"]
    assert len(errors) == 2
    assert errors[0].startswith("第3行：")
    for text in [
        "与第2行重复",
        "不是有效日期",
        "诉求内容为空",
        "没有名为“不存在的局”的部门",
        "没有编号为“2027-9999”的目标",
    ]:
        assert text in errors[0]
    assert (
        errors[1].startswith("第4行：")
        and "工单编号为空" in errors[1]
        and "涉及部门为空" in errors[1]
    )


def test_a_sheet_with_the_wrong_header_or_not_excel_is_refused(supervisor, executing):
    batch = services.hotline_parse(
        plan_year=executing.plan_year, upload=sheet([], header=["编号", "日期"])
    )
    assert "表头应为" in batch.errors[0]
    batch = services.hotline_parse(
        plan_year=executing.plan_year, upload=SimpleUploadedFile("a.xlsx", b"not a zip")
    )
    assert "无法读取" in batch.errors[0]


def test_already_registered_work_orders_are_refused(supervisor, executing, dept_a):
    services.hotline_import(
        by=supervisor,
        plan_year=executing.plan_year,
        upload=sheet([["12345-0001", today(), "内容", "市发展改革委", ""]]),
    )
    batch = services.hotline_parse(
        plan_year=executing.plan_year,
        upload=sheet([["12345-0001", today(), "内容", "市发展改革委", ""]]),
    )
    assert "已登记过" in batch.errors[0]


def test_the_template_downloads_with_the_header_the_import_expects(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("supervision:input_import_template"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book.worksheets[0][1]] == HEADER


def test_the_import_page_previews_then_imports(client, supervisor, executing, dept_a):
    client.force_login(supervisor)
    url = reverse("supervision:input_import")
    bad = client.post(
        url,
        {
            "plan_year": executing.plan_year_id,
            "file": sheet([["12345-9", "昨天", "内容", "市发展改革委", ""]]),
        },
    )
    assert bad.status_code == 400
    assert "第2行：受理日期“昨天”不是有效日期" in bad.content.decode()
    good = client.post(
        url,
        {
            "plan_year": executing.plan_year_id,
            "file": sheet([["12345-9", today(), "内容", "市发展改革委", ""]]),
        },
    )
    assert good.status_code == 200 and ExternalInput.objects.count() == 0
    token = good.context["token"]
    done = client.post(url, {"plan_year": executing.plan_year_id, "token": token, "confirm": "1"})
    assert done.status_code == 302
    assert ExternalInput.objects.get().reference == "12345-9"


def test_the_import_api_previews_and_imports(client, supervisor, executing, dept_a, staff_a):
    client.force_login(staff_a)
    path = "/api/v1/supervision/external-inputs/import-hotline/"
    assert client.post(path, {"plan_year": executing.plan_year_id}).status_code == 403
    client.force_login(supervisor)
    rows = [["12345-7", today(), "内容", "市发展改革委", ""]]
    preview = client.post(
        path, {"plan_year": executing.plan_year_id, "file": sheet(rows), "dry_run": "true"}
    )
    assert preview.status_code == 200 and preview.json()["rows"][0]["reference"] == "12345-7"
    assert ExternalInput.objects.count() == 0
    done = client.post(path, {"plan_year": executing.plan_year_id, "file": sheet(rows)})
    assert done.json()["imported"] == 1
    again = client.post(path, {"plan_year": executing.plan_year_id, "file": sheet(rows)})
    assert again.status_code == 400 and "已登记过" in again.json()["errors"]["file"][0]
    assert datetime.date.today() >= ExternalInput.objects.get().received_on
