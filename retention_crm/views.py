from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from retention_crm.models import OutgoingEmail, UserPreference
from retention_crm.outbox import email_resend
from retention_crm.roles import manager_required


@require_POST
def language_switch(request):
    """Django's set_language (the cookie), remembered for the user's emails too."""
    response = set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(UserPreference._meta.get_field("language").choices):
        UserPreference.objects.update_or_create(user=request.user, defaults={"language": language})
    return response


@manager_required
def email_list(request):
    """The outbox, newest first: in the demo (no SMTP) this is where sent emails can be read."""
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
