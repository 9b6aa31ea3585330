from django.urls import path

from loyalty import program_views, reward_views, statement_views, views

app_name = "loyalty"

urlpatterns = [
    path("", program_views.program_page, name="program"),
    path("months.csv", program_views.program_csv, name="program_csv"),
    path("rules/", views.earning_rules, name="rules"),
    path("customers/<int:pk>/", views.customer_points, name="customer_points"),
    path("customers/<int:pk>/adjust/", views.points_adjust, name="adjust"),
    path("rewards/", reward_views.reward_list, name="rewards"),
    path("rewards/add/", reward_views.reward_add, name="reward_add"),
    path("rewards/<int:pk>/", reward_views.reward_edit, name="reward_edit"),
    path("rewards/<int:pk>/offered/", reward_views.reward_active, name="reward_active"),
    path("customers/<int:pk>/redeem/<int:reward_pk>/", reward_views.redeem, name="redeem"),
    path("redemptions/<int:pk>/cancel/", reward_views.redemption_cancel, name="redemption_cancel"),
]

# The customer's side, under /p/ (retention_crm/urls.py): the signed link is the only key.
public_urlpatterns = [
    path("<str:token>/", statement_views.statement_page, name="statement"),
    path("<str:token>/unsubscribe/", statement_views.unsubscribe, name="unsubscribe"),
]
