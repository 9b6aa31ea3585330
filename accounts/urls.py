from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("lockouts/", views.lockout_list, name="lockouts"),
    path("password-reset/", views.PasswordResetRequestView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetSentView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views.PasswordResetSetView.as_view(), name="password_reset_confirm"),
    path("reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
