"""Fill ``Customer.next_call_on`` once for the customers already there; from now on
followups.services keeps it wherever a call or a plan changes."""

from django.db import migrations
from django.db.models import Min, OuterRef, Subquery
from django.db.models.functions import Coalesce, Least

_PENDING = ("open", "rescheduled")


def fill_next_call(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    FollowUp = apps.get_model("followups", "FollowUp")
    FollowUpPlan = apps.get_model("followups", "FollowUpPlan")

    def earliest(model, field, **where):
        rows = model.objects.filter(customer=OuterRef("pk"), **where).order_by().values("customer")
        return Subquery(rows.annotate(day=Min(field)).values("day")[:1])

    pending = earliest(FollowUp, "due_on", status__in=_PENDING)
    planned = earliest(FollowUpPlan, "next_due_on", active=True)
    Customer.objects.update(next_call_on=Least(Coalesce(pending, planned), Coalesce(planned, pending)))


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0008_customer_next_call"),
        ("followups", "0008_system_sentences_to_facts"),
    ]

    operations = [migrations.RunPython(fill_next_call, migrations.RunPython.noop)]
