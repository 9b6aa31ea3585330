"""The customer's statement by a signed link: no login, the customer's language, the right figures;
a forged link is a 404 and an expired one a 410; opening it writes nothing; the id in the token
cannot be edited to reach another customer. Staff find the link on the customer page, and the
survey's thank-you page links to it."""

import datetime
import re
import time
from decimal import Decimal
from unittest import mock

import pytest
from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from core.dates import format_date
from customers.services import purchase_add
from loyalty import services, statement, tiers
from loyalty.models import EarningRules, LoyaltyAccount
from tests.factories import CustomerFactory
from tests.surveys.factories import send_survey
from tests.text import readable

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
LATIN = re.compile(r"[A-Za-z0-9]")


def _buy(customer, amount, days_ago=30):
    return purchase_add(customer=customer, purchased_on=timezone.localdate() - days_ago * DAY, amount=Decimal(amount))


def _main_text(response) -> str:
    """What a person reads in the page's <main>: tags dropped, spaces folded, isolates removed."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    main = re.sub(r"<progress[^>]*>.*?</progress>", " ", main, flags=re.S)  # its fallback is never drawn
    return readable(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))).strip()


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table but the sessions."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model is not Session
    }


def _changed(before: dict) -> list[str]:
    after = snapshot()
    return sorted(label for label in before if before[label] != after[label])


@pytest.fixture
def anonymous():
    return Client()


@pytest.fixture
def member(rep):
    """A customer with 25 points to spend (a purchase 30 days ago), 7 pending (2 days ago), in the
    first tier after the nightly review, with Silver 16,800,000 Rial (1,680,000 Toman) away."""

    def make(language="fa"):
        customer = CustomerFactory(name="مینا طاهری", owner=rep, preferred_language=language)
        _buy(customer, 2_500_000)
        _buy(customer, 700_000, days_ago=2)
        tiers.tiers_review()
        return customer

    return make


def _open(client, customer, **query):
    return client.get(statement.statement_path(customer), query)


# --- the link ----------------------------------------------------------------------------------------


def test_the_link_is_absolute_and_opens_without_a_login(member, anonymous, settings):
    settings.PEYGIR_SITE_URL = "https://crm.example.com/"
    customer = member()

    link = statement.statement_link(customer)

    assert link.startswith("https://crm.example.com/p/")
    assert statement.customer_for_statement(link.rsplit("/", 2)[1]) == customer
    assert anonymous.get(link.removeprefix("https://crm.example.com")).status_code == 200


@pytest.mark.parametrize(
    "forgery",
    ["junk", "12.abc.def", "1.1abcde.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "x" * 500, "another_salt"],
)
def test_a_forged_link_is_the_styled_404_and_writes_nothing(forgery, member, anonymous):
    customer = member()
    token = signing.TimestampSigner(sep=".").sign(str(customer.pk)) if forgery == "another_salt" else forgery
    before = snapshot()

    response = anonymous.get(reverse("loyalty_links:statement", args=[token]))

    assert response.status_code == 404
    assert 'data-testid="link-problem"' in response.content.decode()
    assert "لینک پیدا نشد" in _main_text(response)
    assert "۲۵" not in _main_text(response)
    assert not _changed(before)


def test_another_customers_id_cannot_be_reached_by_editing_the_token(member, anonymous):
    mine, theirs = member(), CustomerFactory(name="کیان فرهادی")
    purchase_add(customer=theirs, purchased_on=timezone.localdate() - 40 * DAY, amount=Decimal(9_900_000))
    token = statement.statement_token(mine)
    _id, stamp, signature = token.split(".")

    for edited in (f"{theirs.pk}.{stamp}.{signature}", f"{theirs.pk}.{token}", f"{theirs.pk}{token[len(_id) :]}"):
        response = anonymous.get(reverse("loyalty_links:statement", args=[edited]))
        assert response.status_code == 404, edited
        assert "۹۹" not in _main_text(response)
    with pytest.raises(statement.UnknownStatement):
        statement.customer_for_statement(f"{theirs.pk}.{stamp}.{signature}")


def test_an_expired_link_is_a_410_that_says_to_ask_for_a_new_one(member, anonymous, settings):
    settings.PEYGIR_LOYALTY_STATEMENT_DAYS = 30
    customer = member()
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 31 * 86400):
        old = statement.statement_token(customer)
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 29 * 86400):
        recent = statement.statement_token(customer)
    before = snapshot()

    response = anonymous.get(reverse("loyalty_links:statement", args=[old]))

    assert response.status_code == 410
    assert "اعتبار این لینک به پایان رسیده است" in _main_text(response)
    assert "لینک تازه‌ای از فروشگاه بخواهید" in _main_text(response)
    assert "۲۵" not in _main_text(response)
    assert not _changed(before)
    assert anonymous.get(reverse("loyalty_links:statement", args=[recent])).status_code == 200
    with pytest.raises(statement.ExpiredStatement):
        statement.customer_for_statement(old)


def test_the_link_of_a_deleted_customer_finds_nothing(member, anonymous):
    customer = member()
    token = statement.statement_token(customer)
    customer.delete()

    assert anonymous.get(reverse("loyalty_links:statement", args=[token])).status_code == 404


# --- the page -----------------------------------------------------------------------------------------


def test_the_page_in_persian_shows_the_right_figures_with_persian_digits_and_jalali_dates(member, anonymous):
    customer = member("fa")
    expires = timezone.localdate() - 30 * DAY + relativedelta(months=services.expiry_months())
    anonymous.cookies["django_language"] = "en"  # the browser's language: the customer's wins

    response = _open(anonymous, customer)
    text = _main_text(response)

    assert response.status_code == 200
    assert response["Content-Language"] == "fa"
    assert "امتیازی که می‌توانید خرج کنید ۲۵ به ارزش ۱۲٬۵۰۰ تومان" in text
    assert "۷ امتیاز دیگر در راه است" in text
    with translation.override("fa"):
        assert f"۲۵ امتیاز در {format_date(expires)}" in text
    assert "برنزی" in text and "نقره‌ای" in text
    assert "۱٬۶۸۰٬۰۰۰ تومان" in text  # Silver is 2,000,000 Toman of 12-month spend; 320,000 spent
    assert "+۲۵" in text and "+۷" in text
    assert not LATIN.search(text), LATIN.findall(text)


def test_the_page_in_english_shows_the_same_figures(member, anonymous):
    customer = member("en")

    text = _main_text(_open(anonymous, customer))

    assert "Points you can spend 25 worth 12,500 Toman" in text
    assert "7 more points are on their way" in text
    with translation.override("en"):
        expires = timezone.localdate() - 30 * DAY + relativedelta(months=services.expiry_months())
        assert f"25 points expire on {format_date(expires)}." in text
    assert "Bronze" in text and "1,680,000 Toman more in 12 months to Silver" in text
    assert "+25" in text and "+7" in text
    assert "This link works until" in text


def test_opening_the_page_writes_nothing(member, anonymous):
    customer = member()
    before = snapshot()
    rows = {label: len(values) for label, values in before.items()}

    for query in ({}, {"page": 2}, {"page": "x"}):
        assert _open(anonymous, customer, **query).status_code == 200
    anonymous.head(statement.statement_path(customer))

    assert not _changed(before)
    assert {label: len(values) for label, values in snapshot().items()} == rows


def test_a_post_to_a_valid_link_is_refused_and_writes_nothing(member, anonymous):
    customer = member()
    before = snapshot()

    assert anonymous.post(statement.statement_path(customer)).status_code == 405
    assert not _changed(before)


def test_the_history_is_paged_by_twenty_newest_first(customer, manager, anonymous):
    for n in range(25):
        services.points_adjust(customer=customer, points=n + 1, reason=f"دلیل داخلی {n}", by=manager)

    first, second = _open(anonymous, customer), _open(anonymous, customer, page=2)

    assert len(first.context["entries"]) == 20 and len(second.context["entries"]) == 5
    assert first.context["entries"][0][0].points == 25
    assert "صفحه ۱ از ۲" in _main_text(first)


def test_the_customer_reads_neither_a_colleagues_name_nor_the_note_typed_for_an_adjustment(
    customer, manager, anonymous
):
    services.points_adjust(customer=customer, points=40, reason="جبران بدقولی همکار", by=manager)

    text = _main_text(_open(anonymous, customer))

    assert "تغییر به دست فروشگاه +۴۰" in text
    assert "تغییر به دست فروشگاه" in text
    assert "جبران بدقولی" not in text and "مریم" not in text


def test_a_customer_without_points_reads_that_purchases_earn_them(customer, anonymous):
    text = _main_text(_open(anonymous, customer))

    assert "امتیازی که می‌توانید خرج کنید ۰ به ارزش ۰ تومان" in text and "هنوز امتیازی ندارید" in text


# --- the staff's panel and the survey's thank-you page ----------------------------------------------


def test_the_owner_and_a_manager_find_the_link_on_the_customer_page(member, client, rep, manager):
    customer = member()
    with mock.patch("django.core.signing.time.time", return_value=time.time()):  # one second for both links
        link = statement.statement_link(customer)
        for user in (rep, manager):
            client.force_login(user)
            html = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
            field = re.search(r'<input[^>]*id="statement-url-\d+"[^>]*>', html).group(0)
            assert f'value="{link}"' in field and "readonly" in field and 'dir="ltr"' in field


def test_no_link_on_the_panel_before_the_customer_has_a_loyalty_account(customer, rep_client):
    assert not LoyaltyAccount.objects.filter(customer=customer).exists()

    html = rep_client.get(reverse("customers:detail", args=[customer.pk])).content.decode()

    assert 'data-testid="statement-link"' not in html


def test_the_surveys_thank_you_page_links_to_the_statement_when_the_customer_has_points(member, anonymous):
    customer = member()
    customer.email = "mina@example.com"
    customer.save(update_fields=["email"])
    sent = send_survey(customer)

    with mock.patch("django.core.signing.time.time", return_value=time.time()):  # one second for both links
        response = anonymous.post(reverse("survey_links:answer", args=[sent.token]), {"score": 9})
        link = statement.statement_link(customer)

    html = response.content.decode()
    assert 'data-testid="saved"' in html
    assert f'href="{link}"' in html


def test_the_thank_you_page_has_no_statement_link_without_a_loyalty_account(anonymous, rep, settings):
    customer = CustomerFactory(owner=rep, email="kian@example.com")
    sent = send_survey(customer)
    EarningRules.objects.update_or_create(pk=1, defaults={"survey_bonus": 0})  # the answer earns nothing

    response = anonymous.post(reverse("survey_links:answer", args=[sent.token]), {"score": 9})

    assert not LoyaltyAccount.objects.filter(customer=customer).exists()
    assert 'data-testid="saved"' in response.content.decode()
    assert 'data-testid="statement-link"' not in response.content.decode()


# --- unsubscribing from a loyalty email ------------------------------------------------------------


def test_the_unsubscribe_link_asks_first_and_a_post_stops_the_emails(member, anonymous):
    customer = member()
    link = reverse("loyalty_links:unsubscribe", args=[statement.statement_token(customer)])

    asked = anonymous.get(link)  # a mail client's preview of the link unsubscribes nobody
    assert asked.status_code == 200
    assert "نمی‌خواهید دیگر از ما ایمیل دریافت کنید؟" in _main_text(asked)
    customer.refresh_from_db()
    assert customer.email_opt_out is False

    done = anonymous.post(link)  # the one-click POST of RFC 8058: no CSRF token, the link is the key
    assert done.status_code == 200
    assert "از این پس ایمیلی از ما دریافت نخواهید کرد." in _main_text(done)
    customer.refresh_from_db()
    assert customer.email_opt_out is True


def test_the_unsubscribe_link_outlives_the_statement_link(member, anonymous, settings):
    settings.PEYGIR_LOYALTY_STATEMENT_DAYS = 30
    customer = member(language="en")
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 400 * 86400):
        old = statement.statement_token(customer)

    assert anonymous.get(reverse("loyalty_links:statement", args=[old])).status_code == 410
    response = anonymous.post(reverse("loyalty_links:unsubscribe", args=[old]))
    assert response.status_code == 200
    assert "You will not get emails from us any more." in _main_text(response)
    customer.refresh_from_db()
    assert customer.email_opt_out is True


def test_a_forged_unsubscribe_link_is_a_404_and_unsubscribes_nobody(member, anonymous):
    customer = member()
    _id, stamp, signature = statement.statement_token(customer).split(".")
    other = CustomerFactory(email="kian@example.com")

    response = anonymous.post(reverse("loyalty_links:unsubscribe", args=[f"{other.pk}.{stamp}.{signature}"]))

    assert response.status_code == 404
    other.refresh_from_db()
    assert other.email_opt_out is False
