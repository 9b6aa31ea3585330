from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from api import pages, views

app_name = "api"

router = SimpleRouter()
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("purchases", views.PurchaseViewSet, basename="purchase")
router.register("calls-due", views.CallsDueViewSet, basename="calls-due")
router.register("followups", views.FollowUpViewSet, basename="followup")
router.register("survey-responses", views.SurveyResponseViewSet, basename="survey-response")

urlpatterns = [
    path("tokens/", pages.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", pages.token_revoke, name="token_revoke"),
    path("schema/", pages.SchemaView.as_view(), name="schema"),
    path("docs/", pages.DocsView.as_view(), name="docs"),
    path("v1/", include(router.urls)),
    # Anything else under v1/ answers like the API (JSON, in the request's language), not with the site's page.
    re_path(r"^v1/", views.NotFoundView.as_view(), name="not_found"),
]
