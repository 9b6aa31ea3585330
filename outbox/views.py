"""The "Sent emails" pages: in the demo (no SMTP) this is where every email can be read."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.roles import manager_required
from outbox.models import OutgoingEmail
from outbox.services import email_resend


@manager_required
def email_list(request):
    """The outbox, newest first."""
    status = request.GET.get("status", "")
    emails = OutgoingEmail.objects.only("id", "to", "subject", "status", "created_at", "sent_at", "attempts")
    if status in OutgoingEmail.Status.values:
        emails = emails.filter(status=status)
    page = Paginator(emails, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "emails/email_list.html",
        {"page": page, "emails": page.object_list, "status": status, "statuses": OutgoingEmail.Status.choices},
    )


@manager_required
def email_detail(request, pk):
    email = get_object_or_404(OutgoingEmail, pk=pk)
    if request.method == "POST" and email.status == OutgoingEmail.Status.FAILED:
        email_resend(email=email)
        messages.success(request, _("The email will be sent again."))
        return redirect("emails:detail", pk=pk)
    return render(request, "emails/email_detail.html", {"email": email})
