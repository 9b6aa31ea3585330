"""Every real URL, plus the bare view survey_answers.py measures the survey page against.

The bare view is the least a Django view on this gunicorn can do for a one-tap answer, through
the same middleware: GET reads one invitation by its indexed token hash and hands out a CSRF
token; POST checks that token (CsrfViewMiddleware) and inserts one row, committed before the
response. Its table, ``bench_bare_answer``, is created by survey_answers.py (no model, no migration).
"""

import hashlib

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.urls import path

from retention_crm.urls import handler404, urlpatterns  # noqa: F401  (handler404: the URLconf's own)

BARE_TABLE = "bench_bare_answer"


def bare_answer(request, token):
    if request.method == "POST":
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {BARE_TABLE} (token, score, answered_at) VALUES (%s, %s, now())",
                [token, int(request.POST.get("score", 0))],
            )
        return JsonResponse({"ok": True})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM surveys_surveyinvitation WHERE token_hash = %s",
            [hashlib.sha256(token.encode()).hexdigest()],
        )
        row = cursor.fetchone()
    if row is None:
        return HttpResponse(status=404)
    return HttpResponse(f'<form method="post"><input name="csrfmiddlewaretoken" value="{get_token(request)}"></form>')


urlpatterns = [path("bench-bare/<str:token>/", bare_answer), *urlpatterns]
