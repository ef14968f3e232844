from django.urls import path

from .views import findings, orders, records

app_name = "supervision"

urlpatterns = [
    path("", records.home, name="home"),
    path("orders/", orders.order_list, name="order_list"),
    path("orders/new/", orders.order_create, name="order_create"),
    path("orders/bulk/", orders.order_bulk, name="order_bulk"),
    path("orders/<int:pk>/", orders.order_detail, name="order_detail"),
    path("orders/<int:pk>/reply/", orders.order_reply, name="order_reply"),
    path("orders/<int:pk>/extend/", orders.order_extend, name="order_extend"),
    path("orders/<int:pk>/<str:action>/", orders.order_action, name="order_action"),
    path("replies/<int:pk>/evidence/", orders.reply_evidence, name="reply_evidence"),
    path("findings/", findings.finding_list, name="finding_list"),
    path("findings/new/", findings.finding_create, name="finding_create"),
    path("findings/<int:pk>/", findings.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/<str:step>/", findings.finding_step, name="finding_step"),
    path(
        "rectifications/<int:pk>/evidence/",
        findings.rectification_evidence,
        name="rectification_evidence",
    ),
    path("inspections/", records.inspection_list, name="inspection_list"),
    path("inspections/new/", records.inspection_create, name="inspection_create"),
    path("inspections/<int:pk>/", records.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/report/", records.inspection_report, name="inspection_report"),
    path("inputs/", records.input_list, name="input_list"),
    path("inputs/new/", records.input_create, name="input_create"),
    path("inputs/import/", records.input_import, name="input_import"),
    path("inputs/import/template/", records.input_import_template, name="input_import_template"),
    path("inputs/<int:pk>/", records.input_detail, name="input_detail"),
    path("accountability/", records.accountability_list, name="accountability_list"),
    path("accountability/new/", records.accountability_edit, name="accountability_create"),
    path("accountability/<int:pk>/edit/", records.accountability_edit, name="accountability_edit"),
]
