"""/api/v1/: one router for every app's API."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api import DepartmentViewSet, MeView
from evaluation.api import FeedbackViewSet, ResultViewSet, SchemeViewSet, SheetViewSet
from targets.api import AspectViewSet, PlanYearViewSet, TargetViewSet

router = DefaultRouter()
router.register("departments", DepartmentViewSet, basename="department")
router.register("plan-years", PlanYearViewSet, basename="plan-year")
router.register("aspects", AspectViewSet, basename="aspect")
router.register("targets", TargetViewSet, basename="target")
router.register("evaluation/schemes", SchemeViewSet, basename="evaluation-scheme")
router.register("evaluation/sheets", SheetViewSet, basename="evaluation-sheet")
router.register("evaluation/results", ResultViewSet, basename="evaluation-result")
router.register("evaluation/feedback", FeedbackViewSet, basename="evaluation-feedback")

urlpatterns = [path("me/", MeView.as_view(), name="api-me"), *router.urls]
