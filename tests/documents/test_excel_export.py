"""Excel export of the target list as filtered on the page (issue 8): the same filter form as
the list page (targets.forms.TargetFilterForm), the same readers' rule, Huangpu's columns with
node targets Q1–Q4 in columns; and the round trip — an exported list imports again without
duplicating anything."""

import io

import pytest
from openpyxl import load_workbook

from documents import excel
from targets import services as target_services
from targets.models import Target
from tests.conftest import qualitative_input, quantitative_input
from tests.documents.conftest import job_file

pytestmark = pytest.mark.django_db


def rows_of(content: bytes) -> list[list]:
    ws = load_workbook(io.BytesIO(content)).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


@pytest.fixture
def targets(plan_year, aspect, dept_a, dept_b, staff_a, staff_b, head_a, dept_c):
    a = target_services.target_create(
        by=staff_a,
        plan_year=plan_year,
        data=quantitative_input(
            aspect,
            dept_a,
            departments=[
                target_services.DepartmentInput(department=dept_c, role="responsible"),
                target_services.DepartmentInput(
                    department=dept_b, role="cooperating", task="资金保障"
                ),
            ],
        ),
    )
    target_services.target_submit(target=a, by=head_a)
    b = target_services.target_create(
        by=staff_a, plan_year=plan_year, data=qualitative_input(aspect, dept_a)
    )
    c = target_services.target_create(
        by=staff_b, plan_year=plan_year, data=qualitative_input(aspect, dept_b, title="财政目标")
    )
    return a, b, c


def test_export_has_huangpu_columns_and_node_targets_in_columns(targets, office, generate):
    job = generate(office, "target_list_xlsx", query={"year": ["2027"]})
    rows = rows_of(job_file(job))
    header = rows[1]
    assert header[:4] == ["序号", "编号", "方面", "目标名称"]
    for name in (
        "一季度节点目标",
        "四季度完成时限",
        "牵头部门",
        "责任部门",
        "配合部门（部门：任务）",
    ):
        assert name in header
    body = rows[2:]
    assert len(body) == 3
    first = dict(zip(header, body[0], strict=True))
    assert first["编号"] == "2027-0001"
    assert first["一季度节点目标"] == "第1季度累计增速达到目标进度"
    assert first["四季度完成时限"].date().isoformat() == "2027-12-31"
    assert first["目标值"] == 6.5
    assert first["责任部门"] == "市教委"
    assert first["配合部门（部门：任务）"] == "市财政局：资金保障"
    assert first["状态"] == "已报送"


def test_export_uses_the_list_pages_filters(targets, office, generate):
    job = generate(office, "target_list_xlsx", query={"year": ["2027"], "state": ["submitted"]})
    assert [r[1] for r in rows_of(job_file(job))[2:]] == ["2027-0001"]
    job = generate(office, "target_list_xlsx", query={"q": ["财政"]})
    assert [r[3] for r in rows_of(job_file(job))[2:]] == ["财政目标"]


def test_export_holds_only_what_the_user_may_read(targets, staff_b, generate):
    """A department exports its own targets and those it takes part in after the draft stage —
    never another department's drafts (the list page's rule)."""
    job = generate(staff_b, "target_list_xlsx", query={})
    titles = [r[3] for r in rows_of(job_file(job))[2:]]
    assert titles == ["全市地区生产总值增长6.5%", "财政目标"]


def test_an_exported_list_imports_again_without_duplicates(targets, office, generate, upload):
    content = job_file(generate(office, "target_list_xlsx", query={}))
    check = upload(office, content)
    assert check.result["ok"] is True, check.result
    assert check.result["exists"] == 3 and check.result["new"] == 0
    assert Target.objects.count() == 3


def test_template_has_the_import_columns(plan_year):
    ws = load_workbook(io.BytesIO(excel.import_template(plan_year))).worksheets
    assert [c.value for c in ws[0][1]] == [str(c.header) for c in excel.COLUMNS]
    assert "1. 经济发展与结构调整" in ws[1]["A8"].value
