"""/api/v1/: one router for every app's API."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api import DepartmentViewSet, MeView
from dashboards.api import (
    CompletionRateView,
    DepartmentHomeView,
    LeaderDashboardView,
    OfficeOverviewView,
)
from documents.api import DocumentJobViewSet
from evaluation.api import FeedbackViewSet, ResultViewSet, SchemeViewSet, SheetViewSet
from execution.api.changes import (
    AdjustmentViewSet,
    CompletionReportViewSet,
    CoordinationItemViewSet,
)
from execution.api.corrections import CorrectionViewSet
from execution.api.progress import (
    MilestoneStatusView,
    ProgressReportViewSet,
    TodoView,
    WarningExplanationViewSet,
    WarningSnapshotViewSet,
)
from execution.api.quarterly import QuarterlyReportViewSet
from notifications.api import NotificationViewSet
from supervision.api import (
    AccountabilityViewSet,
    ExternalInputViewSet,
    FindingViewSet,
    InspectionViewSet,
    OrderViewSet,
)
from targets.api import AspectViewSet, PlanYearViewSet, TargetViewSet

router = DefaultRouter()
router.register("departments", DepartmentViewSet, basename="department")
router.register("plan-years", PlanYearViewSet, basename="plan-year")
router.register("aspects", AspectViewSet, basename="aspect")
router.register("targets", TargetViewSet, basename="target")
router.register("adjustments", AdjustmentViewSet, basename="adjustment")
router.register("progress-corrections", CorrectionViewSet, basename="progress-correction")
router.register("coordination-items", CoordinationItemViewSet, basename="coordination-item")
router.register("completion-reports", CompletionReportViewSet, basename="completion-report")


router.register("documents", DocumentJobViewSet, basename="document")


router.register("evaluation/schemes", SchemeViewSet, basename="evaluation-scheme")
router.register("evaluation/sheets", SheetViewSet, basename="evaluation-sheet")
router.register("evaluation/results", ResultViewSet, basename="evaluation-result")
router.register("evaluation/feedback", FeedbackViewSet, basename="evaluation-feedback")


router.register("supervision/orders", OrderViewSet, basename="supervision-order")
router.register("supervision/findings", FindingViewSet, basename="supervision-finding")
router.register("supervision/inspections", InspectionViewSet, basename="supervision-inspection")
router.register("supervision/external-inputs", ExternalInputViewSet, basename="supervision-input")
router.register(
    "supervision/accountability", AccountabilityViewSet, basename="supervision-accountability"
)


router.register("notifications", NotificationViewSet, basename="notification")


router.register("progress-reports", ProgressReportViewSet, basename="progress-report")
router.register("early-warnings", WarningSnapshotViewSet, basename="early-warning")
router.register("warning-explanations", WarningExplanationViewSet, basename="warning-explanation")
router.register("quarterly-reports", QuarterlyReportViewSet, basename="quarterly-report")

urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    path("progress-todo/", TodoView.as_view(), name="api-progress-todo"),
    path("dashboards/leader/", LeaderDashboardView.as_view(), name="api-dashboard-leader"),
    path("dashboards/office/", OfficeOverviewView.as_view(), name="api-dashboard-office"),
    path(
        "dashboards/completion-rate/",
        CompletionRateView.as_view(),
        name="api-dashboard-completion",
    ),
    path("dashboards/department/", DepartmentHomeView.as_view(), name="api-dashboard-department"),
    path("milestones/<int:pk>/status/", MilestoneStatusView.as_view(), name="api-milestone-status"),
    *router.urls,
]
