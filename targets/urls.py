from django.urls import path

from . import views

app_name = "targets"

urlpatterns = [
    path("", views.target_list, name="target_list"),
    path("review/", views.review_queue, name="review_queue"),
    path("year/<int:year>/<str:action>/", views.year_transition, name="year_transition"),
    path("bulk/", views.bulk_transition, name="bulk_transition"),
    path("new/", views.target_create, name="target_create"),
    path("<int:pk>/", views.target_detail, name="target_detail"),
    path("<int:pk>/edit/", views.target_edit, name="target_edit"),
    path("<int:pk>/transition/<str:action>/", views.target_transition, name="target_transition"),
    path("<int:pk>/comments/", views.target_comment, name="target_comment"),
    path("<int:pk>/revisions/<int:number>/", views.target_revision, name="target_revision"),
]
