from django.urls import path

from customers import import_views, segment_views, views

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("export.csv", views.customer_export, name="export"),
    path("at-risk/", views.at_risk, name="at_risk"),
    path("at-risk/backtest/", views.backtest, name="backtest"),
    path("import/", import_views.import_upload, name="import"),
    path("import/<uuid:pk>/", import_views.import_run, name="import_run"),
    path("import/<uuid:pk>/columns/", import_views.import_columns, name="import_columns"),
    path("import/<uuid:pk>/start/", import_views.import_start, name="import_start"),
    path("import/<uuid:pk>/resume/", import_views.import_resume, name="import_resume"),
    path("import/<uuid:pk>/rejected.csv", import_views.import_rejected, name="import_rejected"),
    path("segments/", segment_views.segment_list, name="segments"),
    path("segments/<int:pk>/rename/", segment_views.segment_rename, name="segment_rename"),
    path("segments/<int:pk>/merge/", segment_views.segment_merge, name="segment_merge"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit/", views.customer_edit, name="edit"),
    path("<int:pk>/purchases/new/", views.purchase_create, name="purchase_create"),
    path("<int:pk>/purchases/<int:purchase_pk>/edit/", views.purchase_edit, name="purchase_edit"),
    path("<int:pk>/purchases/<int:purchase_pk>/delete/", views.purchase_delete, name="purchase_delete"),
    path("<int:pk>/interactions/new/", views.interaction_create, name="interaction_create"),
    path("<int:pk>/contracts/new/", views.contract_create, name="contract_create"),
]
