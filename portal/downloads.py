"""Open data downloads of a year's public targets: CSV (UTF-8 with BOM, so Excel opens Chinese
right) and Excel (.xlsx). One row per target; the columns are the public fields flattened."""

import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from .models import PublicTarget


def header() -> list[str]:
    return [
        _("编号"),
        _("目标名称"),
        _("方面"),
        _("牵头部门"),
        _("责任与配合部门"),
        _("目标类型"),
        _("指标名称"),
        _("计量单位"),
        _("目标值"),
        _("最新审核值"),
        _("完成进度（%）"),
        _("预警等级"),
        _("目标状态"),
        _("办结日期"),
    ]


def row_of(row: PublicTarget) -> list:
    data = row.data
    latest = data["periods"][-1] if data["periods"] else {}
    return [
        data["code"],
        data["title"],
        data["aspect"]["name"],
        data["lead_department"]["name"],
        "、".join(d["name"] for d in data["departments"] if d["role"] != "lead"),
        data["kind"],
        data["indicator"],
        data["unit"],
        data["target_value"] or "",
        latest.get("verified_value") or "",
        data["completion_percent"] or "",
        data["warning_level"],
        data["status"],
        data["completed_on"] or "",
    ]


def csv_response(rows, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(header())
    for row in rows:
        writer.writerow(row_of(row))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(rows, filename: str) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = _("公开目标")
    sheet.append(header())
    for row in rows:
        sheet.append(row_of(row))
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
