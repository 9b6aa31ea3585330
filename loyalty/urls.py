from django.urls import path

from loyalty import program_views, statement_views, views

app_name = "loyalty"

urlpatterns = [
    path("", program_views.program_page, name="program"),
    path("months.csv", program_views.program_csv, name="program_csv"),
    path("rules/", views.earning_rules, name="rules"),
    path("customers/<int:pk>/", views.customer_points, name="customer_points"),
    path("customers/<int:pk>/adjust/", views.points_adjust, name="adjust"),
]

# The customer's side, under /p/ (retention_crm/urls.py): the signed link is the only key.
public_urlpatterns = [
    path("<str:token>/", statement_views.statement_page, name="statement"),
]
