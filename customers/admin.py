from django.contrib import admin

from customers import services
from customers.models import Customer, Interaction, Purchase, Segment


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "mobile", "company", "segment", "owner", "last_purchase_on", "total_spent"]
    list_filter = ["segment", "owner", "preferred_language", "email_opt_out"]
    search_fields = ["name", "mobile", "company", "search_text"]
    list_select_related = ["segment", "owner"]
    readonly_fields = ["first_purchase_on", "last_purchase_on", "purchase_count", "total_spent", "last_contact_on"]

    def save_model(self, request, obj, form, change):
        """Through the service, like every page: a new owner takes the customer's open calls along."""
        services.customer_save(customer=obj)


@admin.register(Purchase)
class PurchaseAdmin(admin.ModelAdmin):
    list_display = ["customer", "purchased_on", "amount", "reference"]
    search_fields = ["customer__name", "customer__mobile", "reference"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ["customer", "kind", "occurred_at", "created_by"]
    list_filter = ["kind"]
    list_select_related = ["customer", "created_by"]
    raw_id_fields = ["customer"]
