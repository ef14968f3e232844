"""/api/v1/: one router for every app's API."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api import DepartmentViewSet, MeView
from documents.api import DocumentJobViewSet
from targets.api import AspectViewSet, PlanYearViewSet, TargetViewSet

router = DefaultRouter()
router.register("departments", DepartmentViewSet, basename="department")
router.register("plan-years", PlanYearViewSet, basename="plan-year")
router.register("aspects", AspectViewSet, basename="aspect")
router.register("targets", TargetViewSet, basename="target")
router.register("documents", DocumentJobViewSet, basename="document")

urlpatterns = [path("me/", MeView.as_view(), name="api-me"), *router.urls]
