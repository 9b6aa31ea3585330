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
    path("nps/", views.nps_page, name="nps"),
    path("team/", views.team_page, name="team"),
    path("calls/", views.calls_page, name="calls"),
    path("customers/", views.customers_page, name="customers"),
    path("refresh/", views.refresh, name="refresh"),
]
