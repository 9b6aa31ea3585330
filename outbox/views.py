"""The "Sent emails" pages: in the demo (no SMTP) this is where every email can be read."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.numbers import format_number
from core.roles import manager_required
from outbox.models import OutgoingEmail
from outbox.services import ConfirmationNeeded, email_resend, emails_retry_failed

Status = OutgoingEmail.Status


@manager_required
def email_list(request):
    """The outbox, newest first."""
    status = request.GET.get("status", "")
    emails = OutgoingEmail.objects.only("id", "to", "subject", "status", "created_at", "sent_at", "attempts")
    if status in Status.values:
        emails = emails.filter(status=status)
    page = Paginator(emails, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "emails/email_list.html",
        {
            "page": page,
            "emails": page.object_list,
            "status": status,
            "statuses": Status.choices,
            "failed": OutgoingEmail.objects.filter(status=Status.FAILED).count(),
        },
    )


@manager_required
@require_POST
def retry_failed(request):
    count = emails_retry_failed()
    if count:
        text = ngettext(
            "%(n)s failed email will be tried again within a minute.",
            "%(n)s failed emails will be tried again within a minute.",
            count,
        )
        messages.success(request, text % {"n": format_number(count)})
    else:
        messages.info(request, _("No failed emails to retry."))
    return redirect("emails:list")


@manager_required
# The preview (an iframe's srcdoc) inherits this page's policy, and emails carry inline styles.
@csp_update({"style-src": [UNSAFE_INLINE]})
def email_detail(request, pk):
    email = get_object_or_404(OutgoingEmail, pk=pk)
    if request.method == "POST" and email.status in (Status.FAILED, Status.UNKNOWN):
        try:
            email_resend(email=email, confirmed=request.POST.get("confirm") == "yes")
        except ConfirmationNeeded:
            messages.warning(request, _("Tick the box to confirm: this email may already have been delivered."))
        else:
            messages.success(request, _("The email will be sent again."))
        return redirect("emails:detail", pk=pk)
    return render(request, "emails/email_detail.html", {"email": email})
