"""/api/v1/: one router for every app's API."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api import DepartmentViewSet, MeView

router = DefaultRouter()
router.register("departments", DepartmentViewSet, basename="department")

urlpatterns = [path("me/", MeView.as_view(), name="api-me"), *router.urls]
