from functools import partial

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from core.views import favicon, language_switch, page_not_found
from loyalty.urls import public_urlpatterns as loyalty_public_urlpatterns
from surveys.urls import public_urlpatterns

urlpatterns = [
    # A rep's day starts at the calls-due list.
    path("", RedirectView.as_view(pattern_name="followups:calls_due"), name="home"),
    path("calls/", include("followups.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    path("i18n/setlang/", language_switch, name="set_language"),
    path("customers/", include("customers.urls")),
    path("surveys/", include("surveys.urls")),
    path("s/", include((public_urlpatterns, "survey_links"))),
    path("p/", include((loyalty_public_urlpatterns, "loyalty_links"))),  # a customer's points statement
    path("emails/", include("outbox.urls")),
    path("audit/", include("audit.urls")),
    path("loyalty/", include("loyalty.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("api/", include("api.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon, name="favicon"),
]

# Error pages: templates/403.html and 500.html (Django's own views); a 404 under a customer's
# survey link keeps the customers' layout, without the staff menu.
handler404 = partial(page_not_found, templates={"/s/": "surveys/public/404.html", "/p/": "surveys/public/404.html"})
