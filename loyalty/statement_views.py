"""The customer's loyalty statement, opened by its signed link (no login): points, their worth, what
is pending and what expires next, the tier, and every entry. Opening it writes nothing. The same
link's ``unsubscribe/`` stops the shop's emails to the customer."""

from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from customers.services import customer_opt_out_of_email
from loyalty import selectors, statement
from loyalty.models import PointsEntry
from surveys.selectors import shop_branding

HISTORY_PAGE = 20


def _link_problem(request, error: Exception):
    """Says nothing about any customer: 404 for a link nobody made, 410 for an expired one."""
    expired = isinstance(error, statement.ExpiredStatement)
    response = render(
        request,
        "loyalty/public/link_problem.html",
        {"expired": expired, **shop_branding(language=translation.get_language())},
        status=410 if expired else 404,
    )
    add_never_cache_headers(response)
    return response


def _public_sentences(entries: list[PointsEntry]) -> list[tuple[PointsEntry, str]]:
    """The staff's sentences, less what the customer's page should not carry: the colleague's name
    and the note typed for an adjustment, and the name of the customer a referral brought."""
    sentences = []
    for entry, sentence in selectors.entry_sentences(entries):
        if entry.kind == PointsEntry.Kind.ADJUSTMENT:
            sentence = _("adjusted by the shop")
        elif entry.kind == PointsEntry.Kind.REFERRAL:
            sentence = _("a referral bought")
        sentences.append((entry, sentence))
    return sentences


def statement_page(request, token):
    try:
        customer = statement.customer_for_statement(token)
    except (statement.UnknownStatement, statement.ExpiredStatement) as error:
        return _link_problem(request, error)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    language = customer.preferred_language
    translation.activate(language)
    request.LANGUAGE_CODE = language
    page = Paginator(selectors.ledger_of(customer), HISTORY_PAGE).get_page(request.GET.get("page"))
    context = {
        "balance": selectors.balance_of(customer),
        "page": page,
        "entries": _public_sentences(list(page.object_list)),
        "valid_until": statement.valid_until(token),
        **shop_branding(language=language),
    }
    response = render(request, "loyalty/public/statement.html", context)
    add_never_cache_headers(response)  # a customer's points: no shared cache keeps a copy
    return response


@csrf_exempt  # mail clients' one-click (RFC 8058) POST carries no CSRF token; the signed link is the key
def unsubscribe(request, token):
    """A GET asks (a mail client's link preview must not unsubscribe anyone); a POST stops the emails."""
    try:
        customer = statement.customer_for_statement(token, allow_expired=True)
    except statement.UnknownStatement as error:
        return _link_problem(request, error)
    language = customer.preferred_language
    translation.activate(language)
    request.LANGUAGE_CODE = language
    done = request.method == "POST"
    if done:
        customer_opt_out_of_email(customer_id=customer.pk)
    response = render(request, "surveys/public/unsubscribe.html", {"done": done, **shop_branding(language=language)})
    add_never_cache_headers(response)
    return response
