from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from . import views

# templates/500.html, with the request id (a 500 must render with the database down).
handler500 = "config.views.server_error"
# JSON under /api/, the HTML page elsewhere (config/api_contract.py).
handler404 = "config.api_contract.not_found"

admin.site.site_header = _("目标管理系统 · 管理后台")
admin.site.site_title = _("目标管理系统")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("targets/", include("targets.urls")),
    path("execution/", include("execution.urls")),
    path("notifications/", include("notifications.urls")),
    path("supervision/", include("supervision.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("documents/", include("documents.urls")),
    path("dashboard/", include("dashboards.urls")),
    # 政务公开: the public portal, no sign-in (issue 21).
    path("gongkai/", include("portal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's start-up script as a file (the split view), not inline: the pages'
    # Content-Security-Policy allows no inline script. Both UIs style themselves with generated
    # <style> elements, which these two pages alone allow.
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path(
        "api/redoc/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularRedocView.as_view(url_name="api-schema")
        ),
        name="api-redoc",
    ),
]
