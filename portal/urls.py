from django.urls import path

from . import api, feeds, manage, report_manage, report_views, subscribe_views, views
from .views import public_page

app_name = "portal"

urlpatterns = [
    path("", views.index, name="index"),
    # The general office's publishing pages (signed in).
    path("manage/", manage.manage, name="manage"),
    path("manage/<int:year>/", manage.manage_year, name="manage_year"),
    path("manage/<int:year>/publish/", manage.year_publish, name="year_publish"),
    path("manage/targets/<int:pk>/publish/", manage.target_publish, name="target_publish"),
    path("manage/targets/<int:pk>/withdraw/", manage.target_withdraw, name="target_withdraw"),
    path("manage/summaries/", manage.summary_propose, name="summary_propose"),
    path(
        "manage/summaries/<int:pk>/<str:decision>/",
        manage.summary_decide,
        name="summary_decide",
    ),
    # Self-evaluation reports published for comment (002 七.3; issue 21 item 4).
    path("manage/reports/", report_manage.report_list, name="manage_reports"),
    path("manage/reports/approve/", report_manage.report_approve, name="report_approve"),
    path("manage/comments/", report_manage.moderation, name="moderation"),
    path("manage/comments/<int:pk>/answer/", report_manage.comment_answer, name="comment_answer"),
    path(
        "manage/comments/<int:pk>/<str:decision>/",
        report_manage.comment_decide,
        name="comment_decide",
    ),
    path("<int:year>/reports/", report_views.year_reports, name="reports"),
    path("reports/<int:report_id>/", report_views.report_detail, name="report"),
    path("reports/<int:report_id>/comment/", report_views.comment, name="comment"),
    path(
        "api/reports/<int:report_id>/",
        public_page("api", daily=True)(report_views.ReportView.as_view()),
        name="api_report",
    ),
    path("<int:year>/", views.year_targets, name="year"),
    path("<int:year>/overview/", views.year_overview, name="overview"),
    path("<int:year>/targets.csv", views.year_csv, name="year_csv"),
    path("<int:year>/targets.xlsx", views.year_xlsx, name="year_xlsx"),
    path("targets/<int:target_id>/", views.target_detail, name="target"),
    path(
        "targets/<int:target_id>/feed/", public_page("feed")(feeds.TargetFeed()), name="target_feed"
    ),
    path("departments/<int:department_id>/", views.department_detail, name="department"),
    path(
        "departments/<int:department_id>/feed/",
        public_page("feed")(feeds.DepartmentFeed()),
        name="department_feed",
    ),
    path("subscribe/", subscribe_views.subscribe, name="subscribe"),
    path("subscriptions/<str:token>/confirm/", subscribe_views.confirm, name="confirm"),
    path(
        "subscriptions/<str:token>/unsubscribe/",
        subscribe_views.unsubscribe,
        name="unsubscribe",
    ),
    path(
        "subscriptions/<str:token>/delete/",
        subscribe_views.delete,
        name="subscription_delete",
    ),
    path("api/years/", public_page("api")(api.YearsView.as_view()), name="api_years"),
    path(
        "api/years/<int:year>/targets/",
        public_page("api")(api.YearTargetsView.as_view()),
        name="api_year_targets",
    ),
    path(
        "api/years/<int:year>/overview/",
        public_page("api")(api.OverviewView.as_view()),
        name="api_overview",
    ),
    path(
        "api/targets/<int:target_id>/",
        public_page("api")(api.TargetView.as_view()),
        name="api_target",
    ),
    path(
        "api/departments/<int:department_id>/",
        public_page("api")(api.DepartmentView.as_view()),
        name="api_department",
    ),
]
