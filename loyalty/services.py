"""The loyalty rules: earning (set-based for any number of purchases), the returns window,
reversals when a purchase changes, manual adjustments, and the balances kept from the ledger.

Every change of points is a ``PointsEntry`` with a unique source key, so running anything twice
(a re-import, a backfill, two workers at once) counts nothing twice. ``LoyaltyAccount`` is
rewritten from the ledger's sums after each change (``accounts_refresh``); the one exception is a
single bonus entry just written (a survey answer), which adds its points in one upsert
(``_bonus_added``), the same sum one entry later.
"""

import calendar
import contextlib
import datetime
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import jdatetime
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import creation_recorded
from core import db
from core.numbers import format_number
from customers.models import Customer, Purchase
from loyalty.models import EarningRules, LoyaltyAccount, PointsEntry

log = logging.getLogger(__name__)

Kind, State = PointsEntry.Kind, PointsEntry.State
_CHUNK = 500  # customer ids per statement (SQLite's bound parameters)


def returns_window_days() -> int:
    """Points from a purchase are pending this many days (a return would take them back)."""
    return settings.PEYGIR_LOYALTY_RETURNS_WINDOW_DAYS


def expiry_months() -> int:
    """Earned points expire this many months after they were earned."""
    return settings.PEYGIR_LOYALTY_EXPIRY_MONTHS


def negative_allowed() -> bool:
    """Whether a reversal may take a balance below zero (points already spent)."""
    return settings.PEYGIR_LOYALTY_ALLOW_NEGATIVE


def point_value_rial() -> int:
    """What one point is worth, in Rial: the program's liability and a points call's stake."""
    return settings.PEYGIR_LOYALTY_POINT_VALUE_RIAL


RULES_CACHE_KEY = "loyalty:earning-rules"
RULES_CACHE_SECONDS = 60  # a worker whose cache is its own (no Redis) sees a manager's change this late


def earning_rules() -> EarningRules:
    """The one row of rules, read from the cache: every survey answer and purchase needs them, a
    manager changes them rarely (saving them empties the cache, ``_rules_changed``)."""
    rules = cache.get(RULES_CACHE_KEY)
    if rules is None:
        rules, _created = EarningRules.objects.get_or_create(pk=1)
        cache.set(RULES_CACHE_KEY, rules, RULES_CACHE_SECONDS)
    return rules


@receiver(post_save, sender=EarningRules, dispatch_uid="loyalty-rules-changed")
@receiver(post_delete, sender=EarningRules, dispatch_uid="loyalty-rules-removed")
def _rules_changed(sender, **kwargs):
    """Now, and again once the change is committed (a read in between may have cached the old row)."""
    cache.delete(RULES_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(RULES_CACHE_KEY))


def points_for(amount, rules: EarningRules | None = None) -> int:
    """Whole steps only: with 1 point per 10,000 Toman, 25,000 Toman earns 2 points."""
    rules = rules or earning_rules()
    return int(amount // rules.step) * rules.points_per_step


def _expires_on(day: datetime.date) -> datetime.date:
    return day + relativedelta(months=expiry_months())


# --- earning ----------------------------------------------------------------------------------


def purchases_earn(*, customer_ids: Iterable[int] | None = None, today: datetime.date | None = None) -> int:
    """Points for every purchase of these customers (``None``: every customer) that has none yet,
    and the referral bonuses their first purchases bring: ``INSERT ... SELECT ... ON CONFLICT DO
    NOTHING`` per chunk, not a row at a time, so an import of 200,000 purchases or a backfill over
    years of them is a few statements, and a rerun earns nothing twice. Returns the entries written."""
    today = today or timezone.localdate()
    rules = earning_rules()
    chunks = [None] if customer_ids is None else _chunks(sorted(set(customer_ids)))
    written = 0
    for ids in chunks:
        with transaction.atomic():
            written += _earn_on_purchases(rules, today, ids)
            rewarded = _reward_referrals(rules, today, ids)
            written += rewarded
            if ids is not None and rewarded:
                referrers = Customer.objects.filter(pk__in=ids, referred_by__isnull=False)
                ids = [*ids, *referrers.values_list("referred_by_id", flat=True)]
            accounts_refresh(customer_ids=ids)
    return written


def _refresh_accounts_of(entries) -> None:
    """The balances of the customers a set-based INSERT just wrote ``entries`` for, 500 at a time."""
    for ids in _chunks(sorted(set(entries.values_list("customer_id", flat=True)))):
        accounts_refresh(customer_ids=ids)


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[start : start + _CHUNK] for start in range(0, len(ids), _CHUNK)]


def _only(column: str, ids: list[int] | None) -> str:
    """``AND column IN (1, 2, ...)``: ids are integers from the database, written as such."""
    return "" if ids is None else f" AND {column} IN ({', '.join(str(int(pk)) for pk in ids) or 'NULL'})"


def _earn_on_purchases(rules: EarningRules, today: datetime.date, ids: list[int] | None) -> int:
    points = f"{db.whole_times('p.amount', str(int(rules.step)))} * {int(rules.points_per_step)}"
    available_on = db.add_days("p.purchased_on", str(returns_window_days()))
    return db.insert_select(
        prototype=PointsEntry(kind=Kind.PURCHASE),
        values={
            "customer_id": "p.customer_id",
            "points": points,
            "source_key": "'purchase:' || p.id",
            "purchase_id": "p.id",
            "state": f"CASE WHEN {available_on} > {db.date_literal(today)} THEN 'pending' ELSE 'available' END",
            "available_on": available_on,
            "expires_on": db.add_months("p.purchased_on", str(expiry_months())),
            "effective_on": "p.purchased_on",
            "facts": db.json_object({"amount": "p.amount", "purchased_on": db.as_text("p.purchased_on")}),
        },
        source=f"customers_purchase AS p WHERE {points} > 0{_only('p.customer_id', ids)}",
        params=[],
    )


def _reward_referrals(rules: EarningRules, today: datetime.date, ids: list[int] | None) -> int:
    """The referrer's bonus once the customer they referred has bought (once per referred customer)."""
    if not rules.referral_bonus:
        return 0
    return db.insert_select(
        prototype=PointsEntry(
            kind=Kind.REFERRAL, points=rules.referral_bonus, expires_on=_expires_on(today), effective_on=today
        ),
        values={
            "customer_id": "c.referred_by_id",
            "source_key": "'referral:' || c.id",
            "facts": db.json_object({"referred_id": "c.id"}),
        },
        source=(
            "customers_customer AS c WHERE c.referred_by_id IS NOT NULL AND c.first_purchase_on IS NOT NULL"
            f"{_only('c.id', ids)}"
        ),
        params=[],
    )


def _birthdays(today: datetime.date) -> tuple[list[datetime.date], list[datetime.date]]:
    """The birth dates whose birthday is ``today``: in the Jalali calendar (Persian customers) and
    in the Gregorian one (the others). A 30 Esfand or 29 Feb birthday is kept on the last day of a
    short year."""
    jtoday = jdatetime.date.fromgregorian(date=today)
    esfand_29 = jtoday.month == 12 and jtoday.day == 29 and not jtoday.isleap()
    february_28 = today.month == 2 and today.day == 28 and not calendar.isleap(today.year)
    jalali_days = (29, 30) if esfand_29 else (jtoday.day,)
    jalali = _every_year(lambda *ymd: jdatetime.date(*ymd).togregorian(), jtoday.year, jtoday.month, jalali_days)
    gregorian = _every_year(datetime.date, today.year, today.month, (28, 29) if february_28 else (today.day,))
    return jalali, gregorian


def _every_year(make, this_year: int, month: int, days: tuple[int, ...]) -> list[datetime.date]:
    found = []
    for year in range(this_year - 120, this_year + 1):
        for day in days:
            with contextlib.suppress(ValueError):  # a 30 Esfand or 29 Feb that year does not have
                found.append(make(year, month, day))
    return found


def birthday_bonuses_give(*, today: datetime.date | None = None) -> int:
    """The birthday bonus for every customer whose birthday is today, once (one INSERT ... SELECT over
    the birth dates that fall today: an indexed list, not a scan of every customer's date)."""
    today = today or timezone.localdate()
    bonus = earning_rules().birthday_bonus
    if not bonus:
        return 0
    jalali, gregorian = _birthdays(today)

    def dates(days: list[datetime.date]) -> str:
        return ", ".join(db.date_literal(day) for day in days) or "NULL"

    written = db.insert_select(
        prototype=PointsEntry(kind=Kind.BIRTHDAY, points=bonus, expires_on=_expires_on(today), effective_on=today),
        values={
            "customer_id": "c.id",
            "source_key": f"'birthday:' || c.id || ':{today.isoformat()}'",
            "facts": db.json_object({"day": f"'{today.isoformat()}'"}),
        },
        source=(
            f"customers_customer AS c WHERE (c.preferred_language = 'fa' AND c.birth_date IN ({dates(jalali)})) "
            f"OR (c.preferred_language <> 'fa' AND c.birth_date IN ({dates(gregorian)}))"
        ),
        params=[],
    )
    if written:
        given_today = PointsEntry.objects.filter(kind=Kind.BIRTHDAY, source_key__endswith=f":{today.isoformat()}")
        _refresh_accounts_of(given_today)
    return written


@transaction.atomic(savepoint=False)  # within the answer's transaction: its commit or rollback, no savepoint
def survey_answer_reward(*, customer: Customer, response_id: int, at: datetime.datetime | None = None) -> bool:
    """The bonus for a confirmed survey answer, once per answer (changing it earns nothing more).

    Two statements on the answer's path: the entry, unless its key is there (``ON CONFLICT DO
    NOTHING``, no savepoint), and, when it was new, its points added to the available balance."""
    bonus = earning_rules().survey_bonus
    if not bonus:
        return False
    day = timezone.localdate(at) if at else timezone.localdate()
    entry = PointsEntry(
        customer=customer,
        points=bonus,
        kind=Kind.SURVEY,
        source_key=f"survey:{response_id}",
        expires_on=_expires_on(day),
        effective_on=day,
        facts={"response_id": response_id},
    )
    written = db.insert_select(prototype=entry, values={}, source="(SELECT 1) AS one", params=[])
    if written:
        _bonus_added(customer.pk, bonus)
    return bool(written)


def _bonus_added(customer_id: int, points: int) -> None:
    """An available entry of ``points`` just written for this customer: the kept balance moves by
    it in one upsert (the account created if it is the customer's first), where ``accounts_refresh``
    would sum the whole ledger again to the same figure."""
    account = connection.ops.quote_name(LoyaltyAccount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {account} ({ACCOUNT_COLUMNS}) VALUES (%s, %s, 0, 0, 0, %s) "
            f"ON CONFLICT (customer_id) DO UPDATE SET available = {account}.available + EXCLUDED.available, "
            "updated_at = EXCLUDED.updated_at",
            [customer_id, points, timezone.now()],
        )


# --- when a purchase changes --------------------------------------------------------------------


@transaction.atomic
def purchases_points_settle(*, purchases: list[Purchase], removed: bool = False) -> list[PointsEntry]:
    """Purchases edited (another amount) or deleted (a return): for each, one entry brings its points
    to what it earns now, a reversal when fewer; nothing is ever edited. Points still pending are
    reversed as pending (they net out when the window ends). Points already spent take the balance
    below zero only if the setting allows; otherwise the reversal is capped at what is left, and
    logged. A batch (an import's corrected purchases) costs the same few statements as one."""
    if not purchases:
        return []
    customer_ids = sorted({purchase.customer_id for purchase in purchases})
    available = {customer_id: account.available for customer_id, account in _locked_accounts(customer_ids).items()}
    earned_on: dict[int, list[PointsEntry]] = {purchase.pk: [] for purchase in purchases}
    for entry in PointsEntry.objects.filter(purchase__in=list(earned_on)).order_by("pk"):
        earned_on[entry.purchase_id].append(entry)
    written, never_earned = [], set()
    for purchase in purchases:
        entries = earned_on[purchase.pk]
        if not entries:
            if not removed:  # too small to earn before the edit: it earns now, as a new purchase would
                never_earned.add(purchase.customer_id)
            continue
        entry = _settling_entry(purchase, entries, removed=removed, available=available)
        if entry is not None:
            written.append(entry)
            if entry.state == State.AVAILABLE:
                available[purchase.customer_id] += entry.points
    PointsEntry.objects.bulk_create(written)
    if removed:
        PointsEntry.objects.filter(purchase__in=list(earned_on)).update(purchase=None)
    if never_earned:
        purchases_earn(customer_ids=never_earned)
    accounts_refresh(customer_ids=customer_ids)
    return written


def _locked_account(customer_id: int) -> LoyaltyAccount:
    return _locked_accounts([customer_id])[customer_id]


def _locked_accounts(customer_ids: list[int]) -> dict[int, LoyaltyAccount]:
    """The customers' accounts (made where missing), locked in id order until the transaction ends:
    two changes of one balance take turns."""
    LoyaltyAccount.objects.bulk_create(
        [LoyaltyAccount(customer_id=customer_id) for customer_id in customer_ids], ignore_conflicts=True
    )
    accounts = LoyaltyAccount.objects.select_for_update().filter(customer_id__in=customer_ids).order_by("customer_id")
    return {account.customer_id: account for account in accounts}


def _settling_entry(
    purchase: Purchase, entries: list[PointsEntry], *, removed: bool, available: dict[int, int]
) -> PointsEntry | None:
    earned = sum(entry.points for entry in entries)
    change = (0 if removed else points_for(purchase.amount)) - earned
    if change == 0:
        return None
    first = entries[0]
    pending = first.state == State.PENDING
    facts = {"amount": str(purchase.amount), "purchased_on": purchase.purchased_on.isoformat(), "removed": removed}
    left = available[purchase.customer_id]
    if change < 0 and not pending and not negative_allowed() and left + change < 0:
        log.warning(
            "loyalty: reversal for purchase %s capped at %s points (wanted %s): points already spent",
            purchase.pk,
            -left,
            change,
        )
        facts |= {"wanted": change}
        change = -left
        if change == 0:
            facts["capped_to_nothing"] = True
    if removed:
        facts["purchase_id"] = purchase.pk
    return PointsEntry(
        customer_id=purchase.customer_id,
        purchase=None if removed else purchase,
        points=change,
        kind=Kind.PURCHASE if change > 0 else Kind.REVERSAL,
        source_key=f"purchase:{purchase.pk}:settle:{len(entries)}",
        state=State.PENDING if pending else State.AVAILABLE,
        available_on=first.available_on if pending else None,
        # Points added to a purchase count on its day; a return (fewer points) on the day it happened.
        effective_on=purchase.purchased_on if change > 0 else timezone.localdate(),
        # The lot's own expiry, also on a reversal: FIFO expiry then nets it against that lot.
        expires_on=first.expires_on or _expires_on(purchase.purchased_on),
        facts=facts,
    )


# --- the returns window ---------------------------------------------------------------------------


def points_release_pending(*, today: datetime.date | None = None) -> int:
    """Points whose returns window is over become available (nightly). Returns the entries released."""
    today = today or timezone.localdate()
    due = PointsEntry.objects.filter(state=State.PENDING, available_on__lte=today)
    customer_ids = sorted(set(due.values_list("customer_id", flat=True)))
    released = 0
    for ids in _chunks(customer_ids):
        with transaction.atomic():
            released += due.filter(customer_id__in=ids).update(state=State.AVAILABLE)
            accounts_refresh(customer_ids=ids)
    return released


# --- expiry ------------------------------------------------------------------------------------------
#
# Earned points are lots, each with its expiry date; spending (redemptions, points taken by hand)
# and earlier expiries use the oldest lots first (FIFO). So on day D what is left of the lots
# expiring by D is: (the lots expiring by D, net of their own reversals) - (everything used so
# far), when positive. No allocation is stored: the ledger alone says it, and a rerun writes the
# same key. ``next_expiry`` applies the same rule to one customer's coming dates.


def expiry_rule() -> str:
    """``earned``: points expire N months after they were earned; ``inactivity``: all of them once
    the customer has not bought for N months."""
    return settings.PEYGIR_LOYALTY_EXPIRY_RULE


def _expiry_totals(day: datetime.date) -> str:
    """Per customer: the available lots expiring by ``day`` and what has been used (SQL)."""
    entry = connection.ops.quote_name(PointsEntry._meta.db_table)
    by = db.date_literal(day)
    return (
        "SELECT e.customer_id AS customer_id, "
        f"SUM(CASE WHEN e.expires_on IS NOT NULL AND e.expires_on <= {by} THEN e.points ELSE 0 END) AS lots, "
        "-SUM(CASE WHEN e.expires_on IS NULL AND e.points < 0 THEN e.points ELSE 0 END) AS used "
        f"FROM {entry} AS e WHERE e.state = 'available' GROUP BY e.customer_id"
    )


def points_expire(*, today: datetime.date | None = None) -> int:
    """The nightly expiry: one ``INSERT ... SELECT`` of an expiry entry per customer whose points are
    due, keyed by customer and day (a rerun, or two workers, write it once). Returns the entries."""
    today = today or timezone.localdate()
    prototype = PointsEntry(kind=Kind.EXPIRY, effective_on=today, facts={})
    if expiry_rule() == "inactivity":
        account = connection.ops.quote_name(LoyaltyAccount._meta.db_table)
        silent_since = db.add_months("c.last_purchase_on", str(expiry_months()))
        written = db.insert_select(
            prototype=prototype,
            values={
                "customer_id": "a.customer_id",
                "points": "-a.available",
                "source_key": f"'expiry:' || a.customer_id || ':inactive:' || {db.as_text('c.last_purchase_on')}",
                "facts": db.json_object({"rule": "'inactivity'", "last_purchase_on": db.as_text("c.last_purchase_on")}),
            },
            source=(
                f"{account} AS a JOIN customers_customer AS c ON c.id = a.customer_id "
                "WHERE a.available > 0 AND c.last_purchase_on IS NOT NULL "
                f"AND {silent_since} <= {db.date_literal(today)}"
            ),
            params=[],
        )
    else:
        written = db.insert_select(
            prototype=prototype,
            values={
                "customer_id": "t.customer_id",
                "points": "-(t.lots - t.used)",
                "source_key": f"'expiry:' || t.customer_id || ':{today.isoformat()}'",
                "facts": db.json_object({"rule": "'earned'", "day": f"'{today.isoformat()}'"}),
            },
            source=f"({_expiry_totals(today)}) AS t WHERE t.lots - t.used > 0",
            params=[],
        )
    if written:
        _refresh_accounts_of(PointsEntry.objects.filter(kind=Kind.EXPIRY, created_at__gte=prototype.created_at))
    return written


@dataclass(frozen=True)
class Expiry:
    points: int
    on: datetime.date


def next_expiry(customer: Customer, *, today: datetime.date | None = None) -> Expiry | None:
    """The points that expire next and when, by the rule of ``points_expire``."""
    return next_expiries([customer], today=today)[customer.pk]


def next_expiries(customers: Iterable[Customer], *, today: datetime.date | None = None) -> dict[int, Expiry | None]:
    """``next_expiry`` of many customers, their available entries read in one query."""
    today = today or timezone.localdate()
    customers = list(customers)
    lots: dict[int, list[tuple[int, datetime.date | None]]] = {customer.pk: [] for customer in customers}
    for ids in _chunks(list(lots)):
        available = PointsEntry.objects.filter(customer_id__in=ids, state=State.AVAILABLE)
        for customer_id, points, expires in available.values_list("customer_id", "points", "expires_on"):
            lots[customer_id].append((points, expires))
    return {customer.pk: _next_expiry(lots[customer.pk], customer.last_purchase_on, today) for customer in customers}


def _next_expiry(entries, last_purchase_on, today: datetime.date) -> Expiry | None:
    if expiry_rule() == "inactivity":
        available = sum(points for points, _expires in entries)
        last = last_purchase_on
        return Expiry(available, last + relativedelta(months=expiry_months())) if available > 0 and last else None
    used = -sum(points for points, expires in entries if expires is None and points < 0)
    for day in sorted({expires for _points, expires in entries if expires and expires >= today}):
        due = sum(points for points, expires in entries if expires and expires <= day) - used
        if due > 0:
            return Expiry(due, day)
    return None


# --- a manager's adjustment -------------------------------------------------------------------------


@transaction.atomic
def points_adjust(*, customer: Customer, points: int, reason: str, by: AbstractBaseUser) -> PointsEntry:
    """Points given or taken by hand, with the reason (on the customer's timeline and in the audit log).
    Taking more than is available is refused unless the setting allows a negative balance."""
    reason = (reason or "").strip()
    if not points:
        raise ValidationError({"points": _("Enter a number of points other than zero.")})
    if not reason:
        raise ValidationError({"reason": _("Say why: the customer's history keeps the reason.")})
    account = _locked_account(customer.pk)
    if points < 0 and not negative_allowed() and account.available + points < 0:
        available = format_number(account.available)
        raise ValidationError({"points": _("Only %(points)s points are available to take.") % {"points": available}})
    today = timezone.localdate()
    entry = PointsEntry.objects.create(
        customer=customer,
        points=points,
        kind=Kind.ADJUSTMENT,
        source_key=f"adjustment:{uuid.uuid4().hex}",
        expires_on=_expires_on(today) if points > 0 else None,
        note=reason[:300],
        created_by=by,
    )
    accounts_refresh(customer_ids=[customer.pk])
    creation_recorded(instance=entry, fields={"points": points, "note": entry.note}, customer_id=customer.pk, by=by)
    return entry


# --- the kept balances --------------------------------------------------------------------------------


def _ledger_sums(ids: list[int] | None) -> str:
    """One pass over the ledger: each customer's available and pending sums (SQL, aliased by the caller)."""
    entry = connection.ops.quote_name(PointsEntry._meta.db_table)
    return (
        "SELECT e.customer_id, "
        "COALESCE(SUM(CASE WHEN e.state = 'available' THEN e.points END), 0) AS available, "
        "COALESCE(SUM(CASE WHEN e.state = 'pending' THEN e.points END), 0) AS pending "
        f"FROM {entry} AS e WHERE 1 = 1{_only('e.customer_id', ids)} GROUP BY e.customer_id"
    )


# A new account's columns, for the statements that create accounts in bulk (the ledger's, the tiers').
ACCOUNT_COLUMNS = "customer_id, available, pending, tier_rank, spend_12m, updated_at"
NEW_ACCOUNT = "0, 0, 0, 0"  # available, pending, tier_rank, spend_12m (customer_id before, updated_at after)


def accounts_refresh(*, customer_ids: Iterable[int] | None = None) -> int:
    """Rewrite the kept balances of these customers (``None``: all with entries) from the ledger, in
    three statements whatever their number: accounts are created where missing, every balance is
    set from one pass of sums over the ledger (``UPDATE ... FROM``), and an account left without
    entries goes back to zero."""
    ids = None if customer_ids is None else [int(pk) for pk in customer_ids]
    if ids == []:
        return 0
    account, entry = (connection.ops.quote_name(m._meta.db_table) for m in (LoyaltyAccount, PointsEntry))
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {account} ({ACCOUNT_COLUMNS}) SELECT DISTINCT e.customer_id, {NEW_ACCOUNT}, %s "
            f"FROM {entry} AS e WHERE 1 = 1{_only('e.customer_id', ids)} "
            "ON CONFLICT DO NOTHING",
            [now],
        )
        cursor.execute(
            f"UPDATE {account} SET available = s.available, pending = s.pending, updated_at = %s "
            f"FROM ({_ledger_sums(ids)}) AS s "
            f"WHERE s.customer_id = {account}.customer_id",
            [now],
        )
        updated = db.rows_affected(cursor)
        cursor.execute(
            f"UPDATE {account} SET available = 0, pending = 0, updated_at = %s "
            f"WHERE (available <> 0 OR pending <> 0){_only(f'{account}.customer_id', ids)} "
            f"AND NOT EXISTS (SELECT 1 FROM {entry} AS e WHERE e.customer_id = {account}.customer_id)",
            [now],
        )
    return updated


def accounts_drift(*, limit: int = 100) -> tuple[int, list[tuple[int, int, int, int, int]]]:
    """Kept balances that differ from the ledger: (how many, up to ``limit`` of them as
    (customer id, kept available, ledger available, kept pending, ledger pending)), from one pass of
    the ledger's sums joined to the accounts."""
    account = connection.ops.quote_name(LoyaltyAccount._meta.db_table)
    drifted = (
        f"FROM {account} AS a LEFT JOIN ({_ledger_sums(None)}) AS s ON s.customer_id = a.customer_id "
        "WHERE a.available <> COALESCE(s.available, 0) OR a.pending <> COALESCE(s.pending, 0)"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) {drifted}")
        count = cursor.fetchone()[0]
        cursor.execute(
            "SELECT a.customer_id, a.available, COALESCE(s.available, 0), a.pending, COALESCE(s.pending, 0) "
            f"{drifted} ORDER BY a.customer_id LIMIT %s",
            [limit],
        )
        rows = [tuple(int(value) for value in row) for row in cursor.fetchall()]
    return count, rows
