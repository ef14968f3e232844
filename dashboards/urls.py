from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.leader_dashboard, name="leader"),
    path("office/", views.office_overview, name="office"),
    path("office/completion/", views.completion_rate, name="completion"),
    path("department/", views.department_home, name="department"),
]
