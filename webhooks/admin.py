from django.contrib import admin

from webhooks.models import ShopOrder


@admin.register(ShopOrder)
class ShopOrderAdmin(admin.ModelAdmin):
    """What the shop posted, to look at only: an order changes by the shop posting it again."""

    list_display = ["order_id", "status", "amount_rial", "refunded_rial", "ordered_on", "customer", "last_posted_at"]
    list_filter = ["status"]
    search_fields = ["order_id", "customer__name", "customer__mobile"]
    list_select_related = ["customer"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
