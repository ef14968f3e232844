from django.urls import path

from .views import bulk as bulk_views
from .views import changes, corrections, handoff, quarterly
from .views import chase as chase_views
from .views import progress as progress_views
from .views import queue as queue_views

app_name = "execution"

urlpatterns = [
    # Quarterly reports and summaries (季度报告、季度汇总, Art. 17)
    path("quarterly/", quarterly.quarterly_list, name="quarterly_list"),
    path("quarterly/draft/", quarterly.quarterly_draft, name="quarterly_draft"),
    path("quarterly/<int:pk>/", quarterly.quarterly_detail, name="quarterly_detail"),
    path("quarterly/<int:pk>/<str:action>/", quarterly.quarterly_act, name="quarterly_act"),
    path("quarterly-summaries/<int:pk>/", quarterly.quarterly_summary, name="quarterly_summary"),
    path(
        "quarterly-summaries/<int:pk>/<str:action>/",
        quarterly.quarterly_summary_act,
        name="quarterly_summary_act",
    ),
    # Adjustments (调整, Art. 12)
    path("adjustments/", changes.adjustment_list, name="adjustment_list"),
    path(
        "targets/<int:target_pk>/adjustments/new/",
        changes.adjustment_create,
        name="adjustment_create",
    ),
    path("adjustments/<int:pk>/", changes.adjustment_detail, name="adjustment_detail"),
    path(
        "adjustments/<int:pk>/approve/",
        changes.adjustment_decide,
        {"decision": "approve"},
        name="adjustment_approve",
    ),
    path(
        "adjustments/<int:pk>/reject/",
        changes.adjustment_decide,
        {"decision": "reject"},
        name="adjustment_reject",
    ),
    path(
        "adjustments/<int:pk>/attachment/",
        changes.adjustment_attachment,
        name="adjustment_attachment",
    ),
    # Coordination (协调, Art. 16–17)
    path("coordination/", changes.coordination_list, name="coordination_list"),
    path(
        "targets/<int:target_pk>/coordination/new/",
        changes.coordination_create,
        name="coordination_create",
    ),
    path("coordination/<int:pk>/", changes.coordination_detail, name="coordination_detail"),
    *[
        path(
            f"coordination/<int:pk>/{action}/",
            changes.coordination_act,
            {"action": action},
            name=f"coordination_{action}",
        )
        for action in ("escalate", "resolve", "message", "sheet")
    ],
    # Completion review (办结审核, Art. 14)
    path("completion/", changes.completion_list, name="completion_list"),
    path("targets/<int:target_pk>/completion/", changes.completion_file, name="completion_file"),
    path(
        "completion/<int:pk>/accept/",
        changes.completion_review,
        {"decision": "accept"},
        name="completion_accept",
    ),
    path(
        "completion/<int:pk>/return/",
        changes.completion_review,
        {"decision": "return"},
        name="completion_return",
    ),
    path("completion/<int:pk>/evidence/", changes.completion_evidence, name="completion_evidence"),
    # Progress reports, node targets, early warning (issue 5 items 1–3, 7).
    path("todo/", progress_views.todo, name="todo"),
    # Daily volume (issue 19): the review queue and its batch 审核.
    path("review/", queue_views.review_queue, name="review_queue"),
    path("review/verify/", queue_views.review_verify, name="review_verify"),
    path("grid/", bulk_views.progress_grid, name="progress_grid"),
    path("handoff/", handoff.handoff, name="handoff"),
    path("handoff/submit/", handoff.handoff_submit, name="handoff_submit"),
    path("chase/", chase_views.chase, name="chase"),
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
    # Late corrections of verified reports (更正申请, Art. 14, issue 16 item 6).
    path("corrections/", corrections.correction_list, name="correction_list"),
    path("reports/<int:pk>/correction/", corrections.correction_create, name="correction_create"),
    path("corrections/<int:pk>/", corrections.correction_detail, name="correction_detail"),
    *[
        path(
            f"corrections/<int:pk>/{decision}/",
            corrections.correction_decide,
            {"decision": decision},
            name=f"correction_{decision}",
        )
        for decision in ("approve", "reject")
    ],
    path(
        "corrections/<int:pk>/evidence/",
        corrections.correction_evidence,
        name="correction_evidence",
    ),
    path("milestones/<int:pk>/status/", progress_views.milestone_status, name="milestone_status"),
]
