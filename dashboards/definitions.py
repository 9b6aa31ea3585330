"""What the dashboards' words mean: the one place each rule is written (the pages state them).

- **Active on a day D**: bought in the N days up to and including D (``PEYGIR_ACTIVE_DAYS``,
  90 by default; a manager may try another N on the page).
- For a period (whole days ``a`` to ``b``): **S**, active at its start (on the day before ``a``);
  **E**, active at its end (on ``b``); **new**, the customers whose first purchase falls in the
  period; **churned**, active at the start and not at the end; **reactivated**, not active at the
  start, active at the end, with a purchase before the period. So E = S - churned + reactivated +
  the new customers still active at the end.
- **Churn rate** = churned / S; **retention rate** = 1 - churn rate; beside it the standard form
  (E - N) / S, which also counts the reactivated and takes off every new customer.
- **Revenue churn**: what the churned customers spent in the N days before the period started,
  over what all S customers spent in those days (the revenue that did not come back).
- **Cohort**: the customers whose first purchase fell in one month; its month k retention is the
  share of them who bought in the k-th month after it (month 0: all of them), and its revenue
  retention the revenue of month k over the revenue of month 0.
- **Churn event**: a customer stops being active on the day N days after a purchase that no
  purchase follows within those N days (the day is past). Their **lifetime at churn** is the days
  from their first purchase to that last purchase; **one-and-done**: they had bought once.
"""

from django.conf import settings

MIN_ACTIVE_DAYS, MAX_ACTIVE_DAYS = 7, 730
LIFETIME_BUCKETS = ((0, 30), (31, 60), (61, 90), (91, 180), (181, 365), (366, None))  # days, inclusive
COHORT_MONTHS = 24  # month 0 to month 24 after the first purchase


# Up to this many customers a figure the snapshots do not hold is counted in the request (a second
# or two); a larger shop's takes up to a minute at 100,000 customers, so the worker counts it.
INLINE_CUSTOMERS = 20_000


def counted_in_the_request() -> bool:
    from customers.models import Customer  # read when asked: the definitions load before the models

    return Customer.objects.count() <= INLINE_CUSTOMERS


def active_days() -> int:
    """The N of "bought within the last N days" the pages use unless a manager tries another."""
    return settings.PEYGIR_ACTIVE_DAYS


def bucket_of(days: int) -> int:
    """The index in ``LIFETIME_BUCKETS`` of a lifetime in days."""
    for index, (low, high) in enumerate(LIFETIME_BUCKETS):
        if days >= low and (high is None or days <= high):
            return index
    raise ValueError(days)


def rate(part, whole) -> float | None:
    """part / whole, or None when there is nothing to divide (the page says "—")."""
    return float(part) / float(whole) if whole else None
