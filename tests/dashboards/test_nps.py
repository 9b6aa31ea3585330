"""NPS over time, by segment and by rep (dashboards.nps), on eleven invitations worked out by hand.

Customers: c1 c2 (rep, retail), c3 c4 c6 (other rep, wholesale), c5 (rep, no segment), c7 (nobody's,
no segment). Times are Tehran's, at noon unless said; P promoter, Pa passive, D detractor.

    invitation  customer  sent               answered           score
    i1          c1        5 Jan 2025         6 Jan              10 P
    i2          c2        10 Jan             3 Feb              6 D
    i3          c3        20 Jan             -
    i4          c4        1 Feb 02:00        1 Feb 02:10        8 Pa   (31 Jan in UTC: counts in February)
    i5          c5        14 Feb             14 Feb             9 P
    i6          c1        20 Feb             21 Feb             3 D
    i7          c3        2 Mar              2 Mar              7 Pa
    i8          c6        25 Dec 2024        2 Jan 2025         10 P   (sent before the months shown)
    i9          c2        never sent         -
    i10         c2        15 Apr             -
    i11         c7        3 Mar              3 Mar              0 D

Months (responses by the day answered; invitations by the day sent, answered whenever):

    month  responses  P  Pa  D  NPS              invitations  answered  rate
    Jan    i1 i8   2  2  0   0  100              i1 i2 i3  3  i1 i2  2  2/3
    Feb    i2 i4 i5 i6  4   1  1  2  (1-2)/4 = -25   i4 i5 i6  3  3      1
    Mar    i7 i11  2  0  1   1  -50              i7 i11    2  2      1
    Apr    0                    None             i10       1  0      0
    May    0                    None             0                   None

The rep's book (c1 c2 c5): Jan i1: 1 response, NPS 100, invitations i1 i2 2 answered 2; Feb i2 i5
i6: 1 P 2 D, NPS -100/3, invitations i5 i6 2 answered 2; Mar nothing (i9 never sent); Apr i10: 1
invitation, none answered. Wholesale (c3 c4 c6): Jan i8 P, invitations i3 1 answered 0 (rate 0);
Feb i4 Pa (NPS 0), i4 1/1; Mar i7 Pa, i7 1/1.

1 Jan to 31 Mar, by segment: retail i1 P i2 D i6 D: NPS -100/3, invitations i1 i2 i6 3/3;
wholesale i8 P i4 Pa i7 Pa: NPS 100/3, invitations i3 i4 i7 answered 2 of 3; no segment i5 P i11
D: NPS 0, 2/2. By rep: rep i1 i2 i6 i5: 2 P 2 D, NPS 0, 4/4; other rep as wholesale; nobody's i11:
NPS -100, 1/1. The other rep (سارا) comes before the rep (علی) by first name; nobody's last.
"""

import datetime
import random
from collections import defaultdict

import pytest
from django.utils import timezone

from dashboards.nps import nps_by_period, nps_by_rep, nps_by_segment
from dashboards.periods import Calendar, Grain, period, periods_back
from surveys import nps
from surveys.selectors import nps_summary
from tests.factories import SegmentFactory
from tests.surveys.factories import InvitationFactory, SurveyCustomerFactory, SurveyResponseFactory

pytestmark = pytest.mark.django_db

JAN, MAR_END = datetime.date(2025, 1, 1), datetime.date(2025, 3, 31)
FIGURES = ("responses", "promoters", "passives", "detractors", "invitations", "answered")


def _at(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _invite(customer, sent: datetime.datetime | None, answered: datetime.datetime | None = None, score: int = 0):
    invitation = InvitationFactory(customer=customer, sent_at=sent, created_at=sent or _at(datetime.date(2025, 3, 5)))
    if answered is not None:
        SurveyResponseFactory(invitation=invitation, score=score, answered_at=answered)
    return invitation


def _months(*numbers: int) -> list:
    return [period(Calendar.GREGORIAN, Grain.MONTH, 2025 * 12 + number - 1) for number in numbers]


def _counts(row) -> tuple:
    return tuple(getattr(row, name) for name in FIGURES)


def _figures(row) -> dict:
    return {name: getattr(row, name) for name in FIGURES}


@pytest.fixture
def surveyed(rep, other_rep):
    retail, wholesale = SegmentFactory(name="retail"), SegmentFactory(name="wholesale")
    c1, c2 = (SurveyCustomerFactory(owner=rep, segment=retail) for _ in range(2))
    c3, c4, c6 = (SurveyCustomerFactory(owner=other_rep, segment=wholesale) for _ in range(3))
    c5, c7 = SurveyCustomerFactory(owner=rep), SurveyCustomerFactory(owner=None)
    day = datetime.date
    _invite(c1, _at(day(2025, 1, 5)), _at(day(2025, 1, 6)), 10)
    _invite(c2, _at(day(2025, 1, 10)), _at(day(2025, 2, 3)), 6)
    _invite(c3, _at(day(2025, 1, 20)))
    _invite(c4, _at(day(2025, 2, 1), 2, 0), _at(day(2025, 2, 1), 2, 10), 8)
    _invite(c5, _at(day(2025, 2, 14)), _at(day(2025, 2, 14), 13), 9)
    _invite(c1, _at(day(2025, 2, 20)), _at(day(2025, 2, 21)), 3)
    _invite(c3, _at(day(2025, 3, 2)), _at(day(2025, 3, 2), 13), 7)
    _invite(c6, _at(day(2024, 12, 25)), _at(day(2025, 1, 2)), 10)
    _invite(c2, None)
    _invite(c2, _at(day(2025, 4, 15)))
    _invite(c7, _at(day(2025, 3, 3)), _at(day(2025, 3, 3), 13), 0)
    return {"retail": retail, "wholesale": wholesale}


def test_each_month_of_the_table(surveyed, django_assert_num_queries):
    with django_assert_num_queries(1):
        points = nps_by_period(periods=_months(1, 2, 3, 4, 5))
    assert [point.period.label("en") for point in points] == [
        "Jan 2025",
        "Feb 2025",
        "Mar 2025",
        "Apr 2025",
        "May 2025",
    ]
    assert [_counts(point) for point in points] == [
        (2, 2, 0, 0, 3, 2),
        (4, 1, 1, 2, 3, 3),
        (2, 0, 1, 1, 2, 2),
        (0, 0, 0, 0, 1, 0),
        (0, 0, 0, 0, 0, 0),
    ]
    assert [point.nps for point in points] == [100, -25, -50, None, None]
    assert [point.response_rate for point in points] == [pytest.approx(2 / 3), 1, 1, 0, None]


def test_a_reps_book(surveyed, rep):
    points = nps_by_period(periods=_months(1, 2, 3, 4), owner=rep)
    assert [_counts(point) for point in points] == [
        (1, 1, 0, 0, 2, 2),
        (3, 1, 0, 2, 2, 2),
        (0, 0, 0, 0, 0, 0),
        (0, 0, 0, 0, 1, 0),
    ]
    assert [point.nps for point in points] == [100, pytest.approx(-100 / 3), None, None]
    assert [point.response_rate for point in points] == [1, 1, None, 0]


def test_one_segment(surveyed):
    points = nps_by_period(periods=_months(1, 2, 3), segment=surveyed["wholesale"])
    assert [_counts(point) for point in points] == [(1, 1, 0, 0, 1, 0), (1, 0, 1, 0, 1, 1), (1, 0, 1, 0, 1, 1)]
    assert [point.nps for point in points] == [100, 0, 0]
    assert [point.response_rate for point in points] == [0, 1, 1]


def test_by_segment(surveyed, rep, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = nps_by_segment(start=JAN, end=MAR_END)
        names = [row.segment.name if row.segment else None for row in rows]
    assert names == ["retail", "wholesale", None]
    assert [_counts(row) for row in rows] == [(3, 1, 0, 2, 3, 3), (3, 1, 2, 0, 3, 2), (2, 1, 0, 1, 2, 2)]
    assert [row.nps for row in rows] == [pytest.approx(-100 / 3), pytest.approx(100 / 3), 0]
    assert [row.response_rate for row in rows] == [1, pytest.approx(2 / 3), 1]
    mine = nps_by_segment(start=JAN, end=MAR_END, owner=rep)
    assert [(row.segment.name if row.segment else None, row.responses) for row in mine] == [("retail", 3), (None, 1)]


def test_by_rep(surveyed, rep, other_rep, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = nps_by_rep(start=JAN, end=MAR_END)
        people = [row.rep.get_full_name() if row.rep else None for row in rows]
    assert people == [other_rep.get_full_name(), rep.get_full_name(), None]
    assert [row.rep.pk if row.rep else None for row in rows] == [other_rep.pk, rep.pk, None]
    assert [_counts(row) for row in rows] == [(3, 1, 2, 0, 3, 2), (4, 2, 0, 2, 4, 4), (1, 0, 0, 1, 1, 1)]
    assert [row.nps for row in rows] == [pytest.approx(100 / 3), 0, -100]
    retail = nps_by_rep(start=JAN, end=MAR_END, segment=surveyed["retail"])
    assert [(row.rep.pk, _counts(row)) for row in retail] == [(rep.pk, (3, 1, 0, 2, 3, 3))]


def test_the_same_counts_as_the_survey_page(surveyed):
    """The survey page reads [start, end) with the end excluded; the dashboards read whole days."""
    whole = nps_summary(start=JAN, end=MAR_END + datetime.timedelta(days=1))
    rows = nps_by_segment(start=JAN, end=MAR_END)
    assert tuple(sum(getattr(row, name) for row in rows) for name in FIGURES) == _counts(whole)


def test_nobody_asked(db):
    assert nps_by_period(periods=[]) == []
    (point,) = nps_by_period(periods=_months(1))
    assert (_counts(point), point.nps, point.response_rate) == ((0,) * 6, None, None)
    assert nps_by_segment(start=JAN, end=MAR_END) == []
    assert nps_by_rep(start=JAN, end=MAR_END) == []


# --- against a plain-Python count on random invitations --------------------------------------------------


def _expected(invitations, first: datetime.date, last: datetime.date) -> dict:
    figures = dict.fromkeys(FIGURES, 0)
    for sent, answered, score in invitations:
        if sent is not None and first <= timezone.localdate(sent) <= last:
            figures["invitations"] += 1
            figures["answered"] += answered is not None
        if answered is not None and first <= timezone.localdate(answered) <= last:
            figures["responses"] += 1
            figures[nps.category_for(score) + "s"] += 1
    return figures


def test_random_invitations_against_python(rep, other_rep):
    rng = random.Random(7)
    segments = [SegmentFactory(name="a"), SegmentFactory(name="b"), None]
    customers = [
        SurveyCustomerFactory(owner=rng.choice([rep, other_rep, None]), segment=rng.choice(segments)) for _ in range(25)
    ]
    start = datetime.datetime(2024, 12, 1, tzinfo=datetime.UTC)
    made = defaultdict(list)  # customer -> [(sent, answered, score)]
    for _ in range(220):
        customer = rng.choice(customers)
        sent = None if rng.random() < 0.05 else start + datetime.timedelta(minutes=rng.randrange(200 * 24 * 60))
        answered, score = None, rng.randrange(11)
        if sent is not None and rng.random() < 0.6:
            answered = sent + datetime.timedelta(minutes=rng.randrange(20 * 24 * 60))
        _invite(customer, sent, answered, score)
        made[customer].append((sent, answered, score))

    def of(keep) -> list:
        return [each for customer, rows in made.items() if keep(customer) for each in rows]

    months = periods_back(datetime.date(2025, 6, 10), Calendar.JALALI, Grain.MONTH, 7)
    for owner in (None, rep):
        chosen = of(lambda customer, owner=owner: owner is None or customer.owner_id == owner.pk)
        for point in nps_by_period(periods=months, owner=owner):
            assert _figures(point) == _expected(chosen, point.period.starts_on, point.period.ends_on)
    first, last = datetime.date(2025, 1, 10), datetime.date(2025, 4, 22)
    expected = {
        segment: _expected(of(lambda customer, segment=segment: customer.segment == segment), first, last)
        for segment in segments
    }
    found = {row.segment: _figures(row) for row in nps_by_segment(start=first, end=last)}
    assert found == {segment: figures for segment, figures in expected.items() if any(figures.values())}
    expected = {
        owner: _expected(of(lambda c, owner=owner: c.owner_id == owner and c.segment == segments[0]), first, last)
        for owner in (rep.pk, other_rep.pk, None)
    }
    found = {row.rep and row.rep.pk: _figures(row) for row in nps_by_rep(start=first, end=last, segment=segments[0])}
    assert found == {owner: figures for owner, figures in expected.items() if any(figures.values())}
