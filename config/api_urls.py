"""/api/v1/: one router for every app's API."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api import DepartmentViewSet, MeView
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
router.register("supervision/orders", OrderViewSet, basename="supervision-order")
router.register("supervision/findings", FindingViewSet, basename="supervision-finding")
router.register("supervision/inspections", InspectionViewSet, basename="supervision-inspection")
router.register("supervision/external-inputs", ExternalInputViewSet, basename="supervision-input")
router.register(
    "supervision/accountability", AccountabilityViewSet, basename="supervision-accountability"
)

urlpatterns = [path("me/", MeView.as_view(), name="api-me"), *router.urls]
