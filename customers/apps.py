from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self):
        from accounts.selectors import register_member_count
        from customers import audit_trail, receivers  # noqa: F401  (receivers connects signal receivers)
        from customers.selectors import customers_owned_count

        audit_trail.register()
        register_member_count(key="customers", label=_("Customers"), count=customers_owned_count)
