from django.urls import path

from outbox import views

app_name = "emails"

urlpatterns = [
    path("", views.email_list, name="list"),
    path("retry-failed/", views.retry_failed, name="retry_failed"),
    path("<int:pk>/", views.email_detail, name="detail"),
]
