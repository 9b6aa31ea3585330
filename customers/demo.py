"""Realistic, deterministic demo data: a manager, four reps, ~300 customers, 2 years of purchases.

Every row has a natural key (username, mobile, invoice number), so running it again
adds nothing. Dates are relative to today so the demo always looks current.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from core.roles import MANAGER_GROUP, REP_GROUP
from customers.models import Contract, Customer, Interaction, Purchase, Segment, customer_search_text
from customers.services import customers_refresh_purchase_figures, interaction_log

FIRST_NAMES = (
    "علی",
    "محمد",
    "حسین",
    "رضا",
    "مهدی",
    "امیر",
    "سعید",
    "حمید",
    "مجید",
    "بهنام",
    "کاوه",
    "آرش",
    "پویا",
    "فرهاد",
    "کامران",
    "مریم",
    "زهرا",
    "فاطمه",
    "سارا",
    "نگار",
    "لیلا",
    "شیرین",
    "نرگس",
    "الهام",
    "پریسا",
    "مینا",
    "ترانه",
    "آزاده",
    "سمیرا",
    "یاسمن",
)
LAST_NAMES = (
    "احمدی",
    "محمدی",
    "رضایی",
    "حسینی",
    "کریمی",
    "موسوی",
    "جعفری",
    "صادقی",
    "رحیمی",
    "کاظمی",
    "نوروزی",
    "قاسمی",
    "طاهری",
    "عباسی",
    "هاشمی",
    "مرادی",
    "یزدانی",
    "شریفی",
    "نجفی",
    "تهرانی",
    "اصفهانی",
    "شیرازی",
    "فراهانی",
    "بهرامی",
    "سلطانی",
)
COMPANIES = (
    "",
    "",
    "",
    "پخش البرز",
    "فروشگاه آفتاب",
    "بازرگانی پارس",
    "صنایع نوین",
    "کافه رز",
    "داروخانه شفا",
    "رستوران سنتی",
    "هتل آسمان",
    "شرکت مهرگان",
    "کارگاه زرین",
    "سوپرمارکت امید",
)
CITIES = ("تهران", "تهران", "تهران", "اصفهان", "شیراز", "مشهد", "تبریز", "کرج", "قم", "رشت", "اهواز", "یزد")
SEGMENTS = ("عمده‌فروشی", "خرده‌فروشی", "سازمانی", "آنلاین")
MOBILE_PREFIXES = ("912", "913", "915", "919", "935", "936", "937", "901", "902", "921", "990")

DEMO_PASSWORD_MANAGER = "peygir-manager"
DEMO_PASSWORD_REP = "peygir-rep"
DEMO_USERS = (
    ("manager", "مریم", "صدری", MANAGER_GROUP),
    ("rep1", "علی", "رستمی", REP_GROUP),
    ("rep2", "سارا", "نیک‌نام", REP_GROUP),
    ("rep3", "رضا", "کیانی", REP_GROUP),
    ("rep4", "نگار", "فرهمند", REP_GROUP),
)


@dataclass(frozen=True)
class Rhythm:
    """How often a kind of customer buys: a typical gap in days and how much it varies."""

    gap_days: int
    jitter_days: int
    silent_for_days: int = 0  # stopped buying this long ago (the ones to win back)
    joined_days_ago: int = 0  # a new customer: first bought this many days ago (onboarding)


RHYTHMS = (
    (Rhythm(7, 2), 0.10),
    (Rhythm(14, 4), 0.10),
    (Rhythm(30, 7), 0.25),
    (Rhythm(60, 12), 0.15),
    (Rhythm(90, 20), 0.15),
    (Rhythm(180, 30), 0.07),
    (Rhythm(30, 7, silent_for_days=150), 0.08),
    (Rhythm(45, 10, silent_for_days=240), 0.05),
    (Rhythm(10, 3, silent_for_days=90), 0.05),
    (Rhythm(30, 5, joined_days_ago=6), 0.02),
    (Rhythm(20, 3, joined_days_ago=12), 0.02),
)

RENEWAL_OFFERS = (
    "تمدید دوساله با ده درصد تخفیف",
    "ارسال رایگان در سال دوم",
    "قیمت ثابت برای شش ماه نخست",
)

CALL_NOTES = (
    "از کیفیت راضی بود، سفارش بعدی را ماه آینده می‌دهد.",
    "درباره‌ی تخفیف عمده پرسید؛ پیشنهاد قیمت فرستاده شد.",
    "جواب نداد؛ پیامک فرستادم.",
    "از تأخیر ارسال گله داشت، پیگیری شد.",
    "مشتری وفادار؛ معرفی یک همکار را قول داد.",
)


@dataclass(frozen=True)
class DemoSummary:
    users: int
    customers: int
    purchases: int
    interactions: int


# What the demo's manager (a staff account) may do in Django admin, so its Admin link is no dead
# end: look up and correct customers, purchases and segments; read the timeline.
DEMO_MANAGER_ADMIN_PERMISSIONS = (
    "view_customer", "change_customer", "view_purchase", "change_purchase", "view_interaction",
    "view_segment", "add_segment", "change_segment",
)  # fmt: skip


def demo_users() -> list:
    """The demo's manager and reps, created once with known passwords."""
    User = get_user_model()
    managers = Group.objects.get_or_create(name=MANAGER_GROUP)[0]
    managers.permissions.add(
        *Permission.objects.filter(content_type__app_label="customers", codename__in=DEMO_MANAGER_ADMIN_PERMISSIONS)
    )
    users = []
    for username, first, last, group_name in DEMO_USERS:
        user, created = User.objects.get_or_create(username=username, defaults={"first_name": first, "last_name": last})
        if created:
            user.set_password(DEMO_PASSWORD_MANAGER if group_name == MANAGER_GROUP else DEMO_PASSWORD_REP)
            user.is_staff = group_name == MANAGER_GROUP
            user.save()
        user.groups.add(Group.objects.get_or_create(name=group_name)[0])
        users.append(user)
    return users


@transaction.atomic
def seed_demo(*, customers: int = 300, seed: int = 1403, today: datetime.date | None = None) -> DemoSummary:
    today = today or timezone.localdate()
    rng = random.Random(seed)
    users = demo_users()
    reps = users[1:]
    segments = [Segment.objects.get_or_create(name=name)[0] for name in SEGMENTS]

    planned = [_plan_customer(rng, index, reps, segments) for index in range(customers)]
    already_there = set(
        Customer.objects.filter(mobile__in=[c.mobile for c, _r in planned]).values_list("mobile", flat=True)
    )
    Customer.objects.bulk_create([customer for customer, _rhythm in planned], ignore_conflicts=True)
    by_mobile = {c.mobile: c for c in Customer.objects.filter(mobile__in=[c.mobile for c, _r in planned])}

    purchases, history = [], {}
    for index, (planned_customer, rhythm) in enumerate(planned):
        customer = by_mobile[planned_customer.mobile]
        bought = _purchases_for(rng, index, customer, rhythm, today)
        purchases += bought
        history[customer.mobile] = (rhythm, [purchase.purchased_on for purchase in bought])
    Purchase.objects.bulk_create(purchases, batch_size=2000, ignore_conflicts=True)
    customers_refresh_purchase_figures(customer_ids=[c.pk for c in by_mobile.values()])

    new_customers = [by_mobile[mobile] for mobile in sorted(by_mobile) if mobile not in already_there]
    _joined_before_first_purchase(rng, new_customers, history, today)
    interactions = _contact_history(rng, new_customers, history, today)
    _contracts(rng, new_customers, today)
    return DemoSummary(
        users=len(users),
        customers=Customer.objects.count(),
        purchases=Purchase.objects.count(),
        interactions=interactions,
    )


def _plan_customer(rng: random.Random, index: int, reps, segments) -> tuple[Customer, Rhythm]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    mobile = "0" + rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**7):07d}"
    suffix = f"{index:03d}"  # unique across the demo whatever the draw; 4+ digits past index 999
    mobile = mobile[: -len(suffix)] + suffix
    rhythm = rng.choices([r for r, _w in RHYTHMS], weights=[w for _r, w in RHYTHMS])[0]
    segment = segments[0] if rhythm.gap_days <= 14 else rng.choice(segments)
    company = rng.choice(COMPANIES)
    customer = Customer(
        name=f"{first} {last}",
        mobile=mobile,
        email=f"customer{index:03d}@example.com" if rng.random() < 0.6 else "",
        company=company,
        city=rng.choice(CITIES),
        segment=segment,
        owner=reps[index % len(reps)],
        preferred_language="en" if rng.random() < 0.08 else "fa",
        email_opt_out=rng.random() < 0.05,
        source=Customer.Source.DEMO,
        created_at=timezone.now() - datetime.timedelta(days=rng.randint(400, 760)),
    )
    customer.search_text = customer_search_text(
        customer.name, customer.company, customer.mobile, customer.email, customer.reference
    )
    return customer, rhythm


def _first_bought_days_ago(rng: random.Random, rhythm: Rhythm) -> int:
    """When the customer first bought: the new ones lately; of the others, half have bought since
    the demo's history starts (two years ago) and half joined since, at any time (a shop keeps
    winning customers: its cohorts are not all two years old), early enough for a rhythm of a few
    purchases before a silence."""
    if rhythm.joined_days_ago:
        return rhythm.joined_days_ago
    if rng.random() < 0.5:
        return 730 - rng.randint(0, rhythm.gap_days)
    return rng.randint(min(rhythm.silent_for_days + 3 * rhythm.gap_days, 700), 730)


def _purchases_for(rng: random.Random, index: int, customer: Customer, rhythm: Rhythm, today) -> list[Purchase]:
    """Purchases over the last two years at the customer's rhythm, stopping if they went silent."""
    wholesale = customer.segment and customer.segment.name == SEGMENTS[0]
    typical = Decimal(rng.choice((8, 15, 25, 40, 80)) * (10 if wholesale else 1) * 100_000)
    last_day = today - datetime.timedelta(days=rhythm.silent_for_days or rng.randint(0, rhythm.gap_days // 2))
    day = today - datetime.timedelta(days=_first_bought_days_ago(rng, rhythm))
    purchases, number = [], 0
    while day <= last_day:
        number += 1
        amount = (typical * Decimal(rng.uniform(0.6, 1.6))).quantize(Decimal(10_000))
        purchases.append(
            Purchase(customer=customer, purchased_on=day, amount=amount, reference=f"DEMO-{index:04d}-{number:03d}")
        )
        day += datetime.timedelta(days=max(1, rhythm.gap_days + rng.randint(-rhythm.jitter_days, rhythm.jitter_days)))
    return purchases


def _contracts(rng: random.Random, customers: list[Customer], today) -> None:
    """A yearly contract for one wholesale customer in three, some ending within the renewal notice."""
    contracts = []
    for customer in sorted(customers, key=lambda c: c.mobile):
        if customer.segment and customer.segment.name == SEGMENTS[0] and rng.random() < 0.33:
            ends = today + datetime.timedelta(days=rng.randint(5, 300))
            contracts.append(
                Contract(
                    customer=customer,
                    starts_on=ends - datetime.timedelta(days=365),
                    ends_on=ends,
                    value=Decimal(rng.choice((120, 240, 480))) * 1_000_000,
                    offer=rng.choice(RENEWAL_OFFERS),
                )
            )
    Contract.objects.bulk_create(contracts)


def _joined_before_first_purchase(rng: random.Random, customers: list[Customer], history, today) -> None:
    """A customer is on file a little before their first purchase ("customer since" never follows it)."""
    for customer in customers:
        rhythm, days = history[customer.mobile]
        first = days[0] if days else today - datetime.timedelta(days=rhythm.joined_days_ago or rng.randint(5, 60))
        joined = first - datetime.timedelta(days=rng.randint(0, 21))
        customer.created_at = _at_work(rng, joined)
    Customer.objects.bulk_update(customers, ["created_at"], batch_size=500)


def _at_work(rng: random.Random, day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(9, 17), rng.randint(0, 59))))


# Outcome codes as the calls-due page logs them (followups.models.FollowUp.Outcome): "no answer" is
# on the timeline but is not a contact.
REACHED, NO_ANSWER, CALL_BACK_LATER = "reached", "no_answer", "call_back_later"
NO_ANSWER_NOTES = ("جواب نداد؛ پیامک فرستادم.", "خاموش بود.", "بوق آزاد؛ فردا دوباره تماس می‌گیرم.")
CALL_BACK_NOTES = ("در جلسه بود؛ گفت عصر تماس بگیرم.", "در سفر است؛ هفته‌ی بعد تماس بگیرم.")


def _contact_history(rng: random.Random, customers: list[Customer], history, today) -> int:
    """Calls (and, for wholesale, visits) by the owner over the customer's buying years: every month or
    two while they buy, a last try or two after they go quiet, some unanswered.

    The older entries are written in bulk; each customer's latest contact goes through
    ``interaction_log``, the service that keeps ``last_contact_on``.
    """
    older, latest = [], []
    for customer in customers:
        rhythm, days = history[customer.mobile]
        if not days or days[0] >= today:
            continue
        calls = _calls_over(rng, customer, rhythm, days, today)
        reached = [call for call in calls if call.outcome != NO_ANSWER]
        last = reached[-1] if reached else None
        older += [call for call in calls if call is not last]
        if last is not None:
            latest.append(last)
    Interaction.objects.bulk_create(older, batch_size=2000)
    owners = get_user_model().objects.in_bulk({call.created_by_id for call in latest})
    for call in latest:
        interaction_log(
            customer=call.customer,
            kind=call.kind,
            summary=call.summary,
            outcome=call.outcome,
            occurred_at=call.occurred_at,
            by=owners[call.created_by_id],
        )
    return len(older) + len(latest)


def _calls_over(rng: random.Random, customer: Customer, rhythm: Rhythm, days, today) -> list[Interaction]:
    wholesale = customer.segment and customer.segment.name == SEGMENTS[0]
    every = max(21, min(75, rhythm.gap_days * 2))  # a rep calls a weekly buyer monthly, a yearly one quarterly
    day = days[0] + datetime.timedelta(days=rng.randint(2, 10))  # the welcome call after the first purchase
    quiet_until = days[-1] + datetime.timedelta(days=rng.randint(20, 60))  # stops calling a customer gone quiet
    yesterday = today - datetime.timedelta(days=1)
    calls = []
    while day <= min(yesterday, quiet_until):
        outcome = rng.choices((REACHED, NO_ANSWER, CALL_BACK_LATER), weights=(75, 18, 7))[0]
        notes = {REACHED: CALL_NOTES[:2] + CALL_NOTES[3:], NO_ANSWER: NO_ANSWER_NOTES}.get(outcome, CALL_BACK_NOTES)
        visit = wholesale and outcome == REACHED and rng.random() < 0.2
        calls.append(
            Interaction(
                customer=customer,
                kind=Interaction.Kind.VISIT if visit else Interaction.Kind.CALL,
                occurred_at=_at_work(rng, day),
                summary=rng.choice(notes),
                outcome=outcome,
                created_by_id=customer.owner_id,
            )
        )
        gap = 2 if outcome != REACHED else every + rng.randint(-every // 4, every // 4)
        day += datetime.timedelta(days=gap)
    if not calls or all(call.outcome == NO_ANSWER for call in calls):
        # Everyone who buys has been reached at least once: the welcome call.
        calls.insert(0, _welcome_call(rng, customer, min(days[0] + datetime.timedelta(days=1), yesterday)))
    return calls


def _welcome_call(rng: random.Random, customer: Customer, day: datetime.date) -> Interaction:
    return Interaction(
        customer=customer,
        kind=Interaction.Kind.CALL,
        occurred_at=_at_work(rng, day),
        summary=CALL_NOTES[0],
        outcome=REACHED,
        created_by_id=customer.owner_id,
    )
