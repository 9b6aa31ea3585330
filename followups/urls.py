from django.urls import path, re_path

from followups import views

app_name = "followups"

urlpatterns = [
    path("", views.calls_due, name="calls_due"),
    path("more/", views.calls_more, name="more"),
    path("team/", views.team, name="team"),
    path("not-contacted/", views.not_contacted, name="not_contacted"),
    path("bulk-cadence/", views.bulk_cadence, name="bulk_cadence"),
    path("<int:pk>/actions/", views.followup_actions, name="actions"),
    path("<int:pk>/rank/", views.followup_rank, name="rank"),
    path("<int:pk>/complete/", views.followup_complete, name="complete"),
    path("<int:pk>/snooze/", views.followup_snooze, name="snooze"),
    path("<int:pk>/skip/", views.followup_skip, name="skip"),
    path("<int:pk>/reassign/", views.followup_reassign, name="reassign"),
    path("customers/<int:customer_pk>/plans/new/", views.plan_create, name="plan_create"),
    re_path(r"^plans/(?P<pk>\d+)/(?P<action>pause|resume|delete)/$", views.plan_change, name="plan_change"),
]
