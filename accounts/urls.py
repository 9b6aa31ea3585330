from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("lockouts/", views.lockout_list, name="lockouts"),
    path("team/", views.team_list, name="team"),
    path("team/new/", views.team_member_add, name="team_add"),
    path("team/<int:pk>/deactivate/", views.team_member_deactivate, name="team_deactivate"),
    path("team/<int:pk>/reactivate/", views.team_member_reactivate, name="team_reactivate"),
    path("team/<int:pk>/reset-link/", views.team_member_reset_link, name="team_reset_link"),
    path("password-reset/", views.PasswordResetRequestView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetSentView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views.PasswordResetSetView.as_view(), name="password_reset_confirm"),
    path("reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
