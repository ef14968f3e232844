from django.urls import path

from . import views
from .views import reminding

app_name = "evaluation"

urlpatterns = [
    path("", views.index, name="index"),
    path("schemes/new/", views.scheme_create, name="scheme_create"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme_detail"),
    path("schemes/<int:pk>/edit/", views.scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/progress/", views.scheme_progress, name="scheme_progress"),
    path("schemes/<int:pk>/results/", views.results, name="results"),
    path(
        "schemes/<int:pk>/results/<int:department_id>/",
        views.result_detail,
        name="result_detail",
    ),
    path(
        "schemes/<int:pk>/results/<int:department_id>/feedback/",
        views.feedback_write,
        name="feedback_write",
    ),
    path("schemes/<int:pk>/indicators/new/", views.indicator_edit, name="indicator_create"),
    path(
        "schemes/<int:pk>/indicators/<int:indicator_id>/",
        views.indicator_edit,
        name="indicator_edit",
    ),
    path(
        "schemes/<int:pk>/target-deductions/",
        views.target_deduction_add,
        name="target_deduction_add",
    ),
    # 催办: a confirmation page, then in the background (issue 19 item 3); before the generic
    # scheme_action, so the 催办 buttons posting to it land on the page.
    path("schemes/<int:pk>/remind/", reminding.scheme_remind, name="scheme_remind"),
    path("schemes/<int:pk>/<str:action>/", views.scheme_action, name="scheme_action"),
    path("sheets/", views.sheet_list, name="sheet_list"),
    path("sheets/<int:pk>/", views.sheet_detail, name="sheet_detail"),
    path("feedback/<int:pk>/<str:action>/", views.feedback_action, name="feedback_action"),
]
