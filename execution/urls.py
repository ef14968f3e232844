from django.urls import path

from . import progress_views

app_name = "execution"

urlpatterns = [
    # Progress reports, node targets, early warning (issue 5 items 1–3, 7).
    path("todo/", progress_views.todo, name="todo"),
    path(
        "targets/<int:target_pk>/reports/new/", progress_views.report_create, name="report_create"
    ),
    path(
        "targets/<int:target_pk>/explanation/",
        progress_views.explanation_file,
        name="explanation_file",
    ),
    path("reports/<int:pk>/", progress_views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", progress_views.report_edit, name="report_edit"),
    path("reports/<int:pk>/submit/", progress_views.report_submit, name="report_submit"),
    path("reports/<int:pk>/verify/", progress_views.report_verify, name="report_verify"),
    path("reports/<int:pk>/return/", progress_views.report_return, name="report_return"),
    path("evidence/<int:pk>/", progress_views.evidence_download, name="evidence_download"),
    path("milestones/<int:pk>/status/", progress_views.milestone_status, name="milestone_status"),
]
