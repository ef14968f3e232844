"""The public pages of the self-evaluation reports published for comment (002 七.3; issue 21
item 4): a year's reports, a report with its published comments and the department's answers,
the comment form (open only during the comment period) and the report as JSON. The pages and
JSON are cached like every public page (``views.public_page``); posting a comment is not.

Reads only the portal's tables (``PublicReport.data`` and published ``PublicComment`` rows): a
comment waiting for moderation or withheld is never read here.
"""

from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from execution import clock
from workflow.pages import public_errors

from . import reports, throttle
from .api import TAG, _Open
from .selectors import (
    comment_record,
    public_report,
    public_reports,
    published_comments,
    report_public,
)
from .views import _base_context, chosen_language, message_page, public_page

# --- pages ----------------------------------------------------------------------------------


@public_page("reports", daily=True)
def year_reports(request, year: int):
    rows = list(public_reports(year))
    if not rows:
        raise Http404
    return render(
        request,
        "portal/reports.html",
        _base_context(request, year=year, reports=rows, today=clock.today()),
    )


@public_page("report", daily=True)
def report_detail(request, report_id: int):
    report = public_report(report_id)
    return render(
        request,
        "portal/report.html",
        _base_context(
            request,
            report=report,
            data=report.data,
            comments=[comment_record(c) for c in published_comments(report)],
            open_for_comment=report.open_on(clock.today()),
            upcoming=clock.today() < report.comment_opens,
            text_max=reports.TEXT_MAX,
            name_max=reports.NAME_MAX,
        ),
    )


# The report page is cached for everyone, so it carries no CSRF token; the form needs none: a
# comment signs no one in and changes nothing public until the office publishes it. Abuse is
# met by the per-address limit and moderation. A refused comment (outside its period, an empty
# or too long text) is answered by the public error path with the service's reason.
@csrf_exempt
@require_POST
@public_errors(message_page, title=gettext_lazy("未能提交评议"))
def comment(request, report_id: int):
    with translation.override(chosen_language(request)):
        report = public_report(report_id)
        if not throttle.allow(request, "comment"):
            return message_page(
                request,
                _("请稍后再试"),
                _("来自您的地址的评议过多，请一小时后再试。"),
                status=429,
            )
        reports.comment_submit(
            report=report,
            text=request.POST.get("text", ""),
            name=request.POST.get("name", ""),
        )
        return message_page(
            request,
            _("评议已提交"),
            _("感谢您的评议。评议经目标办审核后公开，部门将公开答复。"),
        )


# --- JSON -----------------------------------------------------------------------------------


class ReportView(_Open):
    @extend_schema(
        tags=[TAG],
        summary="部门年度自评报告（公示评议）",
        description=(
            "部门年度自我综合效能评价报告，经目标办批准公示（实施意见七.3），"
            "附评议期和经审核公开的评议及部门答复。"
        ),
        responses=inline_serializer(
            "PublicReport",
            {
                "id": serializers.IntegerField(),
                "comment_opens": serializers.DateField(),
                "comment_closes": serializers.DateField(),
                "open_for_comment": serializers.BooleanField(),
                "comments": inline_serializer(
                    "PublicReportComment",
                    {
                        "id": serializers.IntegerField(),
                        "name": serializers.CharField(allow_blank=True),
                        "text": serializers.CharField(),
                        "submitted_on": serializers.DateField(),
                        "answer": serializers.CharField(allow_blank=True),
                        "answered_on": serializers.DateField(allow_null=True),
                    },
                    many=True,
                ),
                "year": serializers.IntegerField(),
                "department": inline_serializer(
                    "PublicReportDepartment",
                    {"id": serializers.IntegerField(), "name": serializers.CharField()},
                ),
                "scheme": serializers.CharField(),
                "summary": serializers.CharField(),
                "total_points": serializers.DecimalField(max_digits=12, decimal_places=4),
                "max_points": serializers.DecimalField(max_digits=12, decimal_places=4),
                "indicators": inline_serializer(
                    "PublicReportIndicator",
                    {
                        "name": serializers.CharField(),
                        "max_points": serializers.DecimalField(max_digits=12, decimal_places=4),
                        "points": serializers.DecimalField(
                            max_digits=12, decimal_places=4, allow_null=True
                        ),
                        "passed": serializers.BooleanField(allow_null=True),
                    },
                    many=True,
                ),
                "submitted_on": serializers.DateField(allow_null=True),
            },
        ),
    )
    def get(self, request, report_id: int):
        return Response(report_public(public_report(report_id)))
