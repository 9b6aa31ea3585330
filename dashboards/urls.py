from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.overview_page, name="overview"),
    path("churn/", views.churn_page, name="churn"),
    path("churn.csv", views.churn_csv, name="churn_csv"),
    path("cohorts/", views.cohorts_page, name="cohorts"),
    path("cohorts.csv", views.cohorts_csv, name="cohorts_csv"),
    path("when-churn-happens/", views.lifetimes_page, name="lifetimes"),
    path("when-churn-happens.csv", views.lifetimes_csv, name="lifetimes_csv"),
    path("value/", views.value_page, name="value"),
    path("value.csv", views.value_csv, name="value_csv"),
    path("nps/", views.nps_page, name="nps"),
    path("nps.csv", views.nps_csv, name="nps_csv"),
    path("team/", views.team_page, name="team"),
    path("team.csv", views.team_csv, name="team_csv"),
    path("calls/", views.calls_page, name="calls"),
    path("calls.csv", views.calls_csv, name="calls_csv"),
    path("customers/", views.customers_page, name="customers"),
    path("refresh/", views.refresh, name="refresh"),
]
