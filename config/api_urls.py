"""/api/v1/: one router for every app's API."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api import DepartmentViewSet, MeView
from execution.api.changes import (
    AdjustmentViewSet,
    CompletionReportViewSet,
    CoordinationItemViewSet,
)
from notifications.api import NotificationViewSet
from targets.api import AspectViewSet, PlanYearViewSet, TargetViewSet

router = DefaultRouter()
router.register("departments", DepartmentViewSet, basename="department")
router.register("plan-years", PlanYearViewSet, basename="plan-year")
router.register("aspects", AspectViewSet, basename="aspect")
router.register("targets", TargetViewSet, basename="target")
router.register("adjustments", AdjustmentViewSet, basename="adjustment")
router.register("coordination-items", CoordinationItemViewSet, basename="coordination-item")
router.register("completion-reports", CompletionReportViewSet, basename="completion-report")


router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [path("me/", MeView.as_view(), name="api-me"), *router.urls]
