from django.urls import path

from surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.results, name="results"),
    path("send/", views.send_bulk, name="send_bulk"),
    path("send/customer/<int:customer_pk>/", views.send_to_customer, name="send_to_customer"),
    path("settings/shop/", views.shop_settings, name="shop_settings"),
    path("settings/<slug:kind>/", views.survey_settings, name="settings"),
]

# The customer's side: the token is the only key; no login.
public_urlpatterns = [
    path("shop-logo/<str:version>/", views.shop_logo, name="shop_logo"),
    path("<str:token>/", views.answer, name="answer"),
    path("<str:token>/unsubscribe/", views.unsubscribe, name="unsubscribe"),
]
