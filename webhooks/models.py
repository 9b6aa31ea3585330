"""What Peygir remembers of each order a shop posted: the key that makes the webhook idempotent."""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Customer, Purchase


class ShopOrder(models.Model):
    """One order of the shop, by its ID: the state last applied and the purchase it is recorded as.

    A post is compared with this row: the same state writes nothing, another state edits the
    purchase (or removes it on a refund or cancellation), and a post about an older state of the
    order than ``changed_at`` is ignored, so a delayed delivery cannot undo a newer one.
    """

    class Status(models.TextChoices):
        PAID = "paid", _("paid")
        REFUNDED = "refunded", _("refunded")
        CANCELLED = "cancelled", _("cancelled")

    order_id = models.CharField(_("order ID"), max_length=64, unique=True)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shop_orders",
    )
    # Empty once the purchase is removed (a refund, a cancellation, or someone deleted it in Peygir).
    purchase = models.OneToOneField(
        Purchase,
        verbose_name=_("purchase"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shop_order",
    )
    # Empty only inside the transaction that first inserts the row (webhooks.services).
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, blank=True)
    amount_rial = models.DecimalField(_("amount (Rial)"), max_digits=18, decimal_places=0, default=Decimal(0))
    refunded_rial = models.DecimalField(_("refunded (Rial)"), max_digits=18, decimal_places=0, default=Decimal(0))
    ordered_on = models.DateField(_("order date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    # The order's last change as the shop told it (its updated_at, or the post's signed timestamp).
    changed_at = models.DateTimeField(_("changed in the shop"), null=True, blank=True)
    first_posted_at = models.DateTimeField(_("first posted"), default=timezone.now)
    last_posted_at = models.DateTimeField(_("last changed by a post"), default=timezone.now)

    class Meta:
        ordering = ["-last_posted_at", "-id"]
        verbose_name = _("shop order")
        verbose_name_plural = _("shop orders")
        constraints = [
            models.CheckConstraint(
                condition=Q(refunded_rial__gte=0) & Q(refunded_rial__lte=F("amount_rial")),
                name="shop_order_refund_within_amount",
            ),
        ]

    def __str__(self):
        return self.order_id
