"""The project's URLs plus a logged-in page with no content of its own: what is left is what every
page pays (tests/core/test_page_floor.py)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from retention_crm.urls import urlpatterns as project_urls


@login_required
def empty_page(request):
    return render(request, "base.html")


urlpatterns = [path("empty-page/", empty_page, name="empty_page"), *project_urls]
