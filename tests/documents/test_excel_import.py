"""Excel import of a year's target list (issue 8; Huangpu's list, 001): upload → every row
checked with its problems named by row and column in Chinese → confirm → every new row created
as a draft by the form's own rules (targets.services.targets_create_many), or none. Bad files
get a clear message and nothing is written."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from audit.models import AuditEvent
from documents import services
from documents.models import DocumentJob
from targets.models import Target
from tests.documents.conftest import errors_of, good_row, sheet
from tests.targets.conftest import nothing_written
from workflow.errors import NotPermitted, ValidationFailed

pytestmark = pytest.mark.django_db

State = DocumentJob.State


@pytest.fixture
def setting_up(plan_year, dept_a, dept_b, dept_c, office, staff_a, vice_mayor):
    return plan_year


def test_office_imports_a_list_as_drafts_of_each_department(
    setting_up, office, dept_a, dept_b, upload, confirm
):
    content = sheet(
        [
            good_row(
                1,
                lead_department="市发展改革委",
                responsible="市教委",
                lead_leader="王副市长",
                is_key_work="是",
            ),
            good_row(
                2,
                department="财政局",
                kind="定性目标",
                indicator=None,
                unit=None,
                baseline=None,
                target_value=None,
                direction=None,
                cooperating="市发展改革委：提供项目清单\n市教委：配合开展调研",
            ),
        ],
        title_row=True,
    )
    check = upload(office, content)
    assert check.state == State.DONE
    assert check.result["ok"] is True, errors_of(check)
    assert check.result["new"] == 2
    assert Target.objects.count() == 0  # the check writes nothing
    apply = confirm(office, check)
    assert apply.state == State.DONE, apply.error
    assert apply.result["created"] == 2
    first, second = Target.objects.order_by("code")
    assert (first.code, first.state, first.lead_department) == ("HP-001", "draft", dept_a)
    assert first.created_by == office
    assert first.milestones.count() == 4
    assert first.milestones.get(quarter=1).due_date == datetime.date(2027, 3, 31)
    assert first.lead_leader.display_name == "王副市长"
    assert first.is_key_work and not second.is_key_work
    assert [d.department.name for d in first.departments.all()] == ["市教委"]
    assert second.lead_department == dept_b and second.kind == "qualitative"
    assert {d.task for d in second.departments.all()} == {"提供项目清单", "配合开展调研"}
    # Through the form's service: revision 1 and an audit row saying where it came from.
    assert first.revisions.count() == 1
    created = AuditEvent.objects.for_object(first).get()
    assert created.action == "targets.target.create" and created.comment == "由Excel导入"


def test_reimporting_the_same_file_creates_no_duplicates(setting_up, office, upload, confirm):
    content = sheet([good_row(1), good_row(2)])
    confirm(office, upload(office, content))
    again = upload(office, content)
    assert again.result["exists"] == 2 and again.result["new"] == 0
    with pytest.raises(ValidationFailed):
        services.import_confirm(by=office, job=again)
    assert Target.objects.count() == 2


def test_a_department_imports_only_its_own_drafts(setting_up, staff_a, upload, confirm):
    check = upload(staff_a, sheet([good_row(1), good_row(2, department="市财政局")]))
    assert check.result["ok"] is False
    assert errors_of(check) == [(3, "牵头部门", "您只能导入本部门牵头的目标。")]
    check = upload(staff_a, sheet([good_row(1)]))
    apply = confirm(staff_a, check)
    assert apply.result["created"] == 1


@pytest.mark.parametrize("actor", ["auditor", "supervisor", "vice_mayor", "outsider"])
def test_readers_cannot_import(request, setting_up, actor):
    user = request.getfixturevalue(actor)
    with nothing_written(), pytest.raises(NotPermitted):
        services.import_upload(by=user, upload=SimpleUploadedFile("a.xlsx", sheet([good_row(1)])))


# --- every row rule, named by row and column ----------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "column", "message"),
    [
        ({"lead_department": "市不存在局"}, "牵头部门", "部门“市不存在局”不存在"),
        ({"responsible": "市财政局、市宇宙局"}, "责任部门", "部门“市宇宙局”不存在"),
        ({"q2_due": datetime.datetime(2027, 9, 1)}, "二季度完成时限", "须在2027年第2季度内"),
        ({"q1_due": "2027-03-31"}, "一季度完成时限", "完成时限须为Excel日期格式"),
        ({"target_value": None}, "目标值", "定量目标须填写目标值"),
        ({"target_value": "六点五"}, "目标值", "不是有效的数值"),
        ({"kind": "重要目标"}, "目标类型", "须为“定量目标”或“定性目标”"),
        ({"aspect": "不存在的方面"}, "方面", "不是2027年度的目标方面"),
        ({"title": None}, "目标名称", "请填写目标名称"),
        ({"direction": "越大越好"}, "指标方向", "越高越好"),
        ({"cooperating": "市财政局"}, "配合部门（部门：任务）", "请写明该配合部门承担的任务"),
        ({"lead_leader": "张三"}, "牵头市领导", "不是系统中的市领导"),
        ({"weight": 0}, "权重", "权重必须大于0"),
        ({"code": "编 号!"}, "编号", "编号须为"),
        ({"weight": "=1+1"}, "权重", "单元格含公式"),
    ],
)
def test_each_bad_row_is_named_by_row_and_column(
    setting_up, office, upload, overrides, column, message
):
    check = upload(office, sheet([good_row(1), good_row(2, **overrides)]))
    assert check.result["ok"] is False
    problems = errors_of(check)
    assert any(
        row == 3 and header == column and message in text for row, header, text in problems
    ), problems
    # The good row is not blamed, and nothing can be confirmed.
    assert all(row == 3 for row, _h, _t in problems)
    with nothing_written(), pytest.raises(ValidationFailed):
        services.import_confirm(by=office, job=check)


def test_a_code_used_twice_in_the_file_names_both_rows(setting_up, office, upload):
    check = upload(office, sheet([good_row(1), good_row(2, code="HP-001")]))
    assert errors_of(check) == [(3, "编号", "编号“HP-001”与第2行重复。")]


def test_rows_without_code_get_generated_codes(setting_up, office, upload, confirm):
    confirm(office, upload(office, sheet([good_row(1, code=None), good_row(2, code=None)])))
    assert sorted(Target.objects.values_list("code", flat=True)) == ["2027-0001", "2027-0002"]


# --- bad files: a clear message, nothing stored ---------------------------------------------


def _refused(user, content, name="list.xlsx"):
    before = DocumentJob.objects.count()
    with nothing_written(), pytest.raises(ValidationFailed) as caught:
        services.import_upload(by=user, upload=SimpleUploadedFile(name, content))
    assert DocumentJob.objects.count() == before
    return caught.value.message


def test_a_file_that_is_not_xlsx_is_refused(setting_up, office):
    assert "只能导入Excel文件（.xlsx）" in _refused(office, b"a,b,c\n", name="list.csv")
    assert "不是有效的Excel" in _refused(office, b"MZ\x90\x00" + b"\0" * 64)
    assert "空的" in _refused(office, b"")


def test_a_file_over_the_size_limit_is_refused(setting_up, office, settings):
    settings.DOCUMENTS_IMPORT_MAX_BYTES = 5 * 1024 * 1024
    message = _refused(office, b"PK\x03\x04" + b"\0" * (10 * 1024 * 1024))
    assert "文件过大" in message and "最大 5 MB" in message


def test_fifty_thousand_rows_are_refused_before_reading_them(setting_up, office, upload):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("目标清单")
    ws.append([str(h) for h in ("序号", "目标名称")])
    for i in range(50_000):
        ws.append([i, f"目标{i}"])
    out = io.BytesIO()
    wb.save(out)
    check = upload(office, out.getvalue())
    assert check.result["ok"] is False
    assert "超过单次导入上限3000行" in check.result["file_errors"][0]
    assert Target.objects.count() == 0


def test_empty_sheet_and_missing_header(setting_up, office, upload):
    wb = Workbook()
    out = io.BytesIO()
    wb.save(out)
    assert "是空的" in upload(office, out.getvalue()).result["file_errors"][0]
    assert "没有数据行" in upload(office, sheet([])).result["file_errors"][0]
    wb = Workbook()
    wb.active.append(["名称", "部门"])
    wb.active.append(["x", "y"])
    out = io.BytesIO()
    wb.save(out)
    assert "找不到表头" in upload(office, out.getvalue()).result["file_errors"][0]


def test_merged_cells_are_refused(setting_up, office, upload):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(sheet([good_row(1), good_row(2)])))
    wb.active.merge_cells("C2:C3")
    out = io.BytesIO()
    wb.save(out)
    check = upload(office, out.getvalue())
    assert "合并单元格（C2:C3）" in check.result["file_errors"][0]


def test_apply_rechecks_and_writes_nothing_if_the_data_changed(
    setting_up, office, dept_b, upload, django_capture_on_commit_callbacks
):
    """All or nothing: between the check and the confirmation a department was switched off —
    the re-check fails, no row is created, and the user gets a message, not a spinner."""
    check = upload(office, sheet([good_row(1), good_row(2, department="市财政局")]))
    assert check.result["ok"]
    dept_b.is_active = False
    dept_b.save()
    with django_capture_on_commit_callbacks(execute=True):
        apply = services.import_confirm(by=office, job=check)
    apply.refresh_from_db()
    # Only the job and the record of who confirmed it: no target, revision or target audit row.
    assert Target.objects.count() == 0
    assert not AuditEvent.objects.filter(content_type__model="target").exists()
    assert apply.state == State.FAILED
    assert "第3行" in apply.error and "未导入任何目标" in apply.error
