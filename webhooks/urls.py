from django.urls import path

from webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("orders/", views.orders, name="orders"),
    path("woocommerce/", views.woocommerce, name="woocommerce"),
]
