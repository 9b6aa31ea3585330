"""The team page: a manager adds colleagues, deactivates one who left (their work goes to a successor
in one step), reactivates, and sends a password link; nobody deactivates themselves or the last manager."""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts import services
from accounts.selectors import team_members
from audit import registry
from customers.models import Customer
from customers.services import customer_reassign
from followups.models import FollowUp, FollowUpPlan
from outbox.models import OutgoingEmail
from tests.factories import CustomerFactory, FollowUpFactory, FollowUpPlanFactory, ManagerFactory, RepFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture(autouse=True)
def _english():
    """The services' refusals are matched by their English wording."""
    with translation.override("en"):
        yield


def _customers_of(user, count):
    return [CustomerFactory(owner=user) for _ in range(count)]


# --- adding ----------------------------------------------------------------------------------


def test_a_new_member_has_no_password_and_gets_the_reset_email(manager):
    member = services.member_add(
        first_name="نگار", last_name="امینی", username="negar", email="negar@example.com", role="rep", by=manager
    )

    assert not member.has_usable_password()
    assert list(member.groups.values_list("name", flat=True)) == ["rep"]
    email = OutgoingEmail.objects.get(to="negar@example.com")
    assert "/accounts/reset/" in email.text_body


def test_the_add_page_adds_a_manager_and_says_where_the_email_went(manager_client):
    response = manager_client.post(
        reverse("accounts:team_add"),
        {"first_name": "نگار", "last_name": "", "username": "negar", "email": "negar@example.com", "role": "manager"},
    )

    assert response.status_code == 302
    assert User.objects.get(username="negar").groups.filter(name="manager").exists()
    assert OutgoingEmail.objects.filter(to="negar@example.com").count() == 1


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("username", "rep1", "Someone on the team already has this user name."),
        ("username", "نام با فاصله", "Enter a valid username"),
        ("email", "rep1@example.com", "Someone on the team already uses this email."),
        ("email", "not-an-email", "Enter a valid email address."),
        ("role", "admin", "Select a valid choice."),
    ],
)
def test_a_bad_new_member_is_refused_with_the_reason_and_the_form_kept(
    manager_client, en_client, rep, field, value, error
):
    rep.email = "rep1@example.com"
    rep.save()
    data = {"first_name": "نگار", "username": "negar", "email": "negar@example.com", "role": "rep", field: value}

    response = manager_client.post(reverse("accounts:team_add"), data)

    assert response.status_code == 400
    assert error in response.content.decode()
    assert "نگار" in response.content.decode()  # what was typed stays
    assert not OutgoingEmail.objects.exists()


# --- deactivating ---------------------------------------------------------------------------


def test_a_leaving_rep_hands_customers_calls_and_plans_to_the_successor_in_one_step(manager, rep, other_rep):
    mine = _customers_of(rep, 3)
    call = FollowUpFactory(customer=mine[0], assignee=rep)
    plan = FollowUpPlanFactory(customer=mine[1], assignee=rep)
    done = FollowUpFactory(customer=mine[2], assignee=rep, status=FollowUp.Status.DONE)
    # A call of a colleague's customer that a manager gave the leaving rep goes too.
    lent = FollowUpFactory(customer=CustomerFactory(owner=manager), assignee=rep)

    services.member_deactivate(member=rep, successor=other_rep, by=manager)

    rep.refresh_from_db()
    assert not rep.is_active
    assert set(Customer.objects.filter(owner=other_rep)) == set(mine)
    assert FollowUp.objects.get(pk=call.pk).assignee == other_rep
    assert FollowUp.objects.get(pk=lent.pk).assignee == other_rep
    assert FollowUpPlan.objects.get(pk=plan.pk).assignee == other_rep
    assert FollowUp.objects.get(pk=done.pk).assignee == rep  # history stays with who did it


def test_each_moved_customer_leaves_an_audit_entry_like_a_single_reassignment(manager, rep, other_rep):
    single = CustomerFactory(owner=rep)
    customer_reassign(customer=single, owner=other_rep)  # the signal path, for comparison
    bulk = _customers_of(rep, 2)

    services.member_deactivate(member=rep, successor=other_rep, by=manager)

    reference = LogEntry.objects.get_for_object(single).get(action=LogEntry.Action.UPDATE)
    tracked = registry.tracked_for(Customer)
    for customer in bulk:
        entry = LogEntry.objects.get_for_object(customer).get(action=LogEntry.Action.UPDATE)
        assert entry.changes == reference.changes
        assert entry.actor == manager
        assert entry.additional_data == {"customer_id": customer.pk}
        assert registry.change_for(tracked, entry).key == "owner_reassigned"


def test_a_hand_over_streams_in_chunks_with_a_bounded_number_of_queries(manager, rep, other_rep, monkeypatch):
    from customers import services as customer_services

    monkeypatch.setattr(customer_services, "HAND_OVER_CHUNK", 2)
    _customers_of(rep, 5)

    with CaptureQueriesContext(connection) as queries:
        moved = customer_services.customers_hand_over(from_owner=rep, to_owner=other_rep, by=manager)

    assert moved == 5
    assert LogEntry.objects.filter(action=LogEntry.Action.UPDATE).count() == 5
    # Per chunk: select, update, audit insert, calls and plans: a few queries, not a few per customer.
    assert len(queries) <= 3 * 6 + 2


def test_a_manager_cannot_deactivate_themselves(manager, rep):
    with pytest.raises(ValidationError, match="yourself"):
        services.member_deactivate(member=manager, successor=rep, by=manager)

    manager.refresh_from_db()
    assert manager.is_active


def test_the_last_active_manager_cannot_be_deactivated(manager, rep):
    superuser = User.objects.create_superuser("owner", "owner@example.com", "x")
    superuser.is_active = False
    superuser.save()

    with pytest.raises(ValidationError, match="last active manager"):
        services.member_deactivate(member=manager, successor=rep, by=ManagerFactory.build(pk=10**6))

    assert User.objects.get(pk=manager.pk).is_active


def test_one_of_two_managers_can_be_deactivated(manager, rep):
    other_manager = ManagerFactory(username="boss2")
    CustomerFactory(owner=other_manager)

    services.member_deactivate(member=other_manager, successor=rep, by=manager)

    assert not User.objects.get(pk=other_manager.pk).is_active
    assert Customer.objects.get().owner == rep


def test_the_successor_must_be_active_and_someone_else(manager, rep, other_rep):
    other_rep.is_active = False
    other_rep.save()
    with pytest.raises(ValidationError, match="must be active"):
        services.member_deactivate(member=rep, successor=other_rep, by=manager)
    with pytest.raises(ValidationError, match="other than"):
        services.member_deactivate(member=rep, successor=rep, by=manager)


def test_a_failed_hand_over_leaves_the_member_active_and_their_customers_theirs(manager, rep, other_rep, monkeypatch):
    from followups import services as followup_services

    customer = CustomerFactory(owner=rep)

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(followup_services, "followups_hand_over", broken)
    with pytest.raises(RuntimeError):
        services.member_deactivate(member=rep, successor=other_rep, by=manager)

    assert User.objects.get(pk=rep.pk).is_active
    assert Customer.objects.get(pk=customer.pk).owner == rep
    assert not LogEntry.objects.filter(object_pk=str(customer.pk), action=LogEntry.Action.UPDATE).exists()


def test_the_deactivate_page_moves_the_work_and_the_member_cannot_log_in(manager_client, rep, other_rep, client):
    CustomerFactory(owner=rep)
    url = reverse("accounts:team_deactivate", args=[rep.pk])

    assert manager_client.get(url).status_code == 200
    response = manager_client.post(url, {"successor": other_rep.pk})

    assert response.status_code == 302
    assert Customer.objects.get().owner == other_rep
    assert not User.objects.get(pk=rep.pk).is_active


def test_the_deactivate_page_refuses_a_successor_not_on_the_list(manager_client, rep):
    response = manager_client.post(reverse("accounts:team_deactivate", args=[rep.pk]), {"successor": rep.pk})

    assert response.status_code == 400
    assert User.objects.get(pk=rep.pk).is_active


def test_the_deactivate_page_shows_why_a_manager_cannot_deactivate_themselves(manager_client, manager, rep, en_client):
    response = manager_client.post(reverse("accounts:team_deactivate", args=[manager.pk]), {"successor": rep.pk})

    assert response.status_code == 400
    assert "You cannot deactivate yourself" in response.content.decode()


# --- reactivating, reset links ----------------------------------------------------------------


def test_a_reactivated_member_can_log_in_again(manager_client, rep):
    rep.is_active = False
    rep.save()

    manager_client.post(reverse("accounts:team_reactivate", args=[rep.pk]))

    assert User.objects.get(pk=rep.pk).is_active


def test_a_manager_sends_a_password_link_through_the_outbox(manager_client, rep):
    rep.email = "rep1@example.com"
    rep.save()

    manager_client.post(reverse("accounts:team_reset_link", args=[rep.pk]))

    assert OutgoingEmail.objects.filter(to="rep1@example.com").count() == 1


def test_no_link_goes_to_a_member_without_an_email(manager_client, rep):
    response = manager_client.post(reverse("accounts:team_reset_link", args=[rep.pk]), follow=True)

    assert not OutgoingEmail.objects.exists()
    assert "no email" in response.content.decode() or "ایمیل" in response.content.decode()


# --- the page ----------------------------------------------------------------------------------


def test_the_team_page_shows_everyone_with_role_and_counts(manager_client, manager, rep, other_rep):
    _customers_of(rep, 2)
    FollowUpFactory(customer=CustomerFactory(owner=rep), assignee=rep)
    other_rep.is_active = False
    other_rep.save()

    members = {member.username: member for member in team_members()}

    assert members["rep1"].count_customers == 3 and members["rep1"].count_open_calls == 1
    assert members["rep1"].is_rep_role and not members["rep1"].is_manager_role
    assert members["manager"].is_manager_role and members["manager"].count_customers == 0
    response = manager_client.get(reverse("accounts:team"))
    assert response.status_code == 200
    assert "rep2" in response.content.decode()  # inactive members are listed too


def test_the_team_page_takes_the_same_queries_for_3_or_30_members(manager_client, manager):
    def queries_for_page():
        with CaptureQueriesContext(connection) as queries:
            assert manager_client.get(reverse("accounts:team")).status_code == 200
        return len(queries)

    for _ in range(2):
        CustomerFactory(owner=RepFactory())
    few = queries_for_page()
    for _ in range(27):
        FollowUpFactory(customer=CustomerFactory(owner=RepFactory()))
    assert queries_for_page() == few


def test_the_team_page_is_paged(manager_client, manager):
    for _ in range(55):
        RepFactory()

    first = manager_client.get(reverse("accounts:team"))
    second = manager_client.get(reverse("accounts:team"), {"page": 2})

    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 6


def test_a_deactivated_member_s_open_session_no_longer_works(manager, rep, other_rep, client):
    client.force_login(rep)
    assert client.get(reverse("customers:list")).status_code == 200

    services.member_deactivate(member=rep, successor=other_rep, by=manager)

    response = client.get(reverse("customers:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
