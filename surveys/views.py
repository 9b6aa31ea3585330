"""Survey pages: the public answer and unsubscribe pages (token only, no login) and the staff side."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from audit.services import export_recorded
from core import dates
from core.drawn import DrawnOnce
from core.exports import csv_download
from core.numbers import format_number
from core.roles import manager_required
from core.text import isolate
from customers import selectors as customer_selectors
from customers.forms import CustomerFilterForm
from followups.selectors import followup_get_for
from surveys import nps, selectors, services
from surveys.forms import AnswerForm, ResponseFilterForm, ShopIdentityForm, SurveySettingsForm
from surveys.models import Survey

# --- public: the customer's side --------------------------------------------------


def _link_problem(request, error: Exception):
    """A friendly page that says nothing about any customer: 404 (unknown) or 410 (expired)."""
    expired = isinstance(error, services.ExpiredLink)
    return render(
        request,
        "surveys/public/link_problem.html",
        {"expired": expired, **selectors.shop_branding(language=translation.get_language())},
        status=410 if expired else 404,
    )


def _score_from(value) -> int | None:
    try:
        score = int(value)
    except (TypeError, ValueError):
        return None
    return score if score in nps.SCORES else None


def answer(request, token):
    """GET (what a mail scanner also does) records at most a provisional score; POST answers."""
    try:
        invitation = services.invitation_for_token(token)
    except (services.InvalidLink, services.ExpiredLink) as error:
        return _link_problem(request, error)
    translation.activate(invitation.language)
    request.LANGUAGE_CODE = invitation.language
    survey = invitation.survey
    response = getattr(invitation, "response", None)
    status = 200
    if request.method == "POST":
        form = AnswerForm(request.POST, survey=survey, language=invitation.language)
        if form.is_valid():
            try:
                response = services.response_submit(invitation=invitation, answers=form.answers(request.POST))
            except services.ExpiredLink as error:
                return _link_problem(request, error)
            if request.headers.get("X-Peygir-Auto") == "1":
                return JsonResponse({"ok": True, "score": response.score})
            return render(
                request, "surveys/public/answer.html", _answer_context(invitation, survey, response, answered=True)
            )
        if request.headers.get("X-Peygir-Auto") == "1":
            return JsonResponse({"ok": False, "errors": form.errors}, status=400)
        status = 400
    else:
        score = _score_from(request.GET.get("score"))
        services.invitation_opened(invitation=invitation, score=score)
        form = None
    # An answered link shows the thanks and the answer; "change my answer" (?change=1) reopens the
    # form, and so does another score tapped in the email: shown chosen, saved only when confirmed.
    tapped = _score_from(request.GET.get("score")) if request.method == "GET" else None
    retapped = response is not None and tapped is not None and tapped != response.score
    answered = response is not None and form is None and request.GET.get("change") != "1" and not retapped
    if retapped:
        initial = {name: getattr(response, name) for name in services.ANSWER_FIELDS} | {"score": tapped}
        form = AnswerForm(initial=initial, survey=survey, language=invitation.language)
    context = _answer_context(invitation, survey, response, form=form, answered=answered)
    context["changing_from"] = response.score if retapped else None
    return render(request, "surveys/public/answer.html", context, status=status)


def _answer_context(invitation, survey, response, *, form=None, answered=False) -> dict:
    language = invitation.language
    if form is None:
        initial = {}
        if response:
            initial = {name: getattr(response, name) for name in services.ANSWER_FIELDS}
        elif invitation.provisional_score is not None:
            initial = {"score": invitation.provisional_score}
        form = AnswerForm(initial=initial, survey=survey, language=language)
    chosen = _score_from(form["score"].value())
    return {
        "invitation": invitation,
        "survey": survey,
        "form": form,
        "response": response,
        "answered": answered,
        **selectors.shop_branding(language=language, changed_at=invitation.shop_changed_at),
        "chosen_score": chosen,
        "auto_confirm": response is None and chosen is not None and not form.is_bound,
        "question": survey.text("nps_question", language),
        "intro": survey.text("intro", language),
        "improvements_question": survey.text("improvements_question", language),
        "thanks": survey.text("thanks", language),
        "score_scale": _score_scale(language, chosen),
        "improvements": [form[name] for name in AnswerForm.QUESTION_FIELDS["ask_improvements"] if name in form.fields],
    }


_scales = DrawnOnce()


def _score_scale(language: str, chosen: int | None) -> str:
    """The scale's eleven buttons, the same on every page for a language and a chosen score: drawn
    once per process for each (two languages, twelve choices), not button by button on every page."""
    return _scales.get((language, chosen), lambda: _draw_scale(language, chosen))


def _draw_scale(language: str, chosen: int | None) -> str:
    with translation.override(language):
        choices = [(str(score), format_number(score), score == chosen) for score in nps.SCORES]
        return render_to_string("surveys/public/_scale.html", {"score_choices": choices})


@csrf_exempt  # mail clients' one-click (RFC 8058) POST carries no CSRF token; the link's token is the key
def unsubscribe(request, token):
    try:
        invitation = services.invitation_for_token(token, allow_expired=True)
    except services.InvalidLink as error:
        return _link_problem(request, error)
    translation.activate(invitation.language)
    request.LANGUAGE_CODE = invitation.language
    done = False
    if request.method == "POST":
        services.customer_unsubscribe(invitation=invitation)
        done = True
    return render(
        request,
        "surveys/public/unsubscribe.html",
        {
            "invitation": invitation,
            "done": done,
            **selectors.shop_branding(language=invitation.language, changed_at=invitation.shop_changed_at),
        },
    )


def shop_logo(request, version):
    """The shop's logo for public pages and emails: only our sniffed PNG/JPEG bytes, never sniffed as HTML."""
    identity = selectors.shop_identity()
    if not identity.logo or version != identity.logo_version:
        raise Http404
    response = HttpResponse(bytes(identity.logo), content_type=identity.logo_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=31536000, immutable"  # a new logo has a new address
    response["Content-Disposition"] = 'inline; filename="logo"'
    return response


# --- staff: sending ------------------------------------------------------------------


@login_required
@require_POST
def send_to_customer(request, customer_pk):
    """A rep asks one of their customers, from the customer page or right after a call."""
    customer = customer_selectors.customer_get_for(user=request.user, pk=customer_pk)
    kind = request.POST.get("kind", Survey.Kind.RELATIONSHIP)
    if kind not in Survey.Kind.values:
        kind = Survey.Kind.RELATIONSHIP
    followup = None
    if request.POST.get("followup"):
        followup = followup_get_for(user=request.user, pk=request.POST["followup"])
    report = services.invitations_send(
        survey=services.survey_for(kind),
        customers=customer_selectors.customer_list(user=request.user).filter(pk=customer.pk),
        by=request.user,
        followup=followup,
    )
    text = _send_result_text(report)
    if request.htmx:
        return render(request, "surveys/_send_result.html", {"text": text, "ok": bool(report.sent)})
    (messages.success if report.sent else messages.warning)(request, text)
    return redirect("customers:detail", pk=customer.pk)


def _send_result_text(report: services.SendReport) -> str:
    if report.sent:
        return _("Survey sent to %(name)s.") % {"name": isolate(report.sent[0].name)}
    customer, reason = report.skipped[0]
    return _("Not sent to %(name)s: %(reason)s.") % {"name": isolate(customer.name), "reason": reason}


@manager_required
def send_bulk(request):
    """Managers send to the filtered customer list: preview who is skipped and why, then send."""
    filter_form = CustomerFilterForm(request.GET or None, user=request.user)
    customers = customer_selectors.customer_list(user=request.user, **(filter_form.filters() if request.GET else {}))
    kind = request.POST.get("kind") or request.GET.get("kind") or Survey.Kind.RELATIONSHIP
    if kind not in Survey.Kind.values:
        kind = Survey.Kind.RELATIONSHIP
    if request.method == "POST":
        report = services.invitations_send(survey=services.survey_for(kind), customers=customers, by=request.user)
        return render(
            request,
            "surveys/send_bulk.html",
            {"report": report, "kind": kind, "query": request.GET.urlencode(), "done": True},
        )
    recent = services.recently_invited_ids(customers)
    preview = [
        (customer, services.skip_reason(customer, recently_invited=customer.pk in recent))
        for customer in customers.select_related(None).only("id", "name", "email", "email_opt_out", "mobile")[:2000]
    ]
    return render(
        request,
        "surveys/send_bulk.html",
        {
            "kind": kind,
            "kinds": Survey.Kind.choices,
            "query": request.GET.urlencode(),
            "eligible": sum(1 for _customer, reason in preview if not reason),
            "skipped": [(customer, reason) for customer, reason in preview if reason],
            "total": len(preview),
        },
    )


# --- staff: results and settings -----------------------------------------------------------


@manager_required
def results(request):
    form = ResponseFilterForm(request.GET or None)
    filters = form.filters()
    responses = selectors.responses_filtered(**filters)
    if request.GET.get("format") == "csv":
        export_recorded(by=request.user, export="survey_responses", filters=filters, rows=responses.count())
        return _responses_csv(responses)
    return render(
        request,
        "surveys/results.html",
        {
            "form": form,
            "summary": selectors.nps_summary(**filters),
            "bands": {category: nps.band_label(category) for category in (nps.PROMOTER, nps.PASSIVE, nps.DETRACTOR)},
            "responses": responses[:50],
            "query": request.GET.urlencode(),
            "surveys": Survey.objects.order_by("kind"),
        },
    )


def _responses_csv(responses) -> HttpResponse:
    return csv_download(
        filename=f"survey-responses-{timezone.localdate().isoformat()}.csv",
        header=["answered", "customer", "mobile", "owner", "survey", "score", "category", "reason", "buy_again"],
        rows=(
            [
                dates.input_value(answer_.answered_at),
                answer_.customer.name,
                answer_.customer.mobile,
                answer_.customer.owner.get_username() if answer_.customer.owner else "",
                answer_.survey.kind,
                answer_.score,
                answer_.category,
                answer_.reason,
                answer_.intent,
            ]
            for answer_ in responses.iterator(chunk_size=2000)
        ),
    )


@manager_required
def survey_settings(request, kind):
    if kind not in Survey.Kind.values:
        raise Http404
    survey = services.survey_for(kind)
    form = SurveySettingsForm(request.POST or None, instance=survey)
    if form.is_valid():
        form.save()
        messages.success(request, _("Survey wording saved."))
        return redirect(reverse("surveys:settings", args=[kind]))
    return render(request, "surveys/settings.html", {"form": form, "survey": survey})


@manager_required
def shop_settings(request):
    """The shop's name and logo, so a customer knows who is asking."""
    identity = selectors.shop_identity()
    initial = {"name_fa": identity.name_fa, "name_en": identity.name_en}
    form = ShopIdentityForm(request.POST or None, request.FILES or None, initial=initial, has_logo=bool(identity.logo))
    if form.is_valid():
        services.shop_identity_update(
            name_fa=form.cleaned_data["name_fa"],
            name_en=form.cleaned_data["name_en"],
            logo=form.cleaned_data["logo"],
            remove_logo=form.cleaned_data.get("remove_logo", False),
        )
        messages.success(request, _("Shop name and logo saved."))
        return redirect("surveys:shop_settings")
    return render(
        request,
        "surveys/shop_settings.html",
        {"form": form, "identity": identity, **selectors.shop_branding(language=translation.get_language())},
    )
