from django.urls import path

from loyalty import views

app_name = "loyalty"

urlpatterns = [
    path("rules/", views.earning_rules, name="rules"),
    path("customers/<int:pk>/", views.customer_points, name="customer_points"),
    path("customers/<int:pk>/adjust/", views.points_adjust, name="adjust"),
]
