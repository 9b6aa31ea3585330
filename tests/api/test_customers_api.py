"""/api/v1/customers/: a rep's token sees and changes their own customers (another rep's is a 404),
a manager's everyone; what is sent is checked field by field and a refused request writes nothing."""

import pytest
from auditlog.models import LogEntry

from customers.models import Customer, PurchaseRhythm
from tests.factories import CustomerFactory, RepFactory, SegmentFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/customers/"


def _names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


@pytest.fixture
def book(rep, other_rep):
    """Two customers of rep, one of the other rep, one nobody's."""
    return {
        "mine": CustomerFactory(name="آرش کیانی", owner=rep, mobile="09121110001", reference="C-1", email="A@x.ir"),
        "mine_too": CustomerFactory(name="بهار نوری", owner=rep, mobile="09121110002"),
        "theirs": CustomerFactory(name="کیان فرهادی", owner=other_rep, mobile="09121110003"),
        "nobodys": CustomerFactory(name="دنا مرادی", owner=None, mobile="09121110004"),
    }


# --- who sees what ---------------------------------------------------------------------------


def test_a_rep_lists_their_own_customers_only(rep_api, book):
    assert _names(rep_api.get(URL)) == ["آرش کیانی", "بهار نوری"]


def test_a_manager_lists_everyone(manager_api, book):
    assert _names(manager_api.get(URL)) == ["آرش کیانی", "بهار نوری", "دنا مرادی", "کیان فرهادی"]


def test_another_reps_customer_is_a_404_to_read_or_change(rep_api, book):
    theirs = book["theirs"]
    for response in (
        rep_api.get(f"{URL}{theirs.pk}/"),
        rep_api.patch(f"{URL}{theirs.pk}/", {"name": "دزدیده"}, format="json"),
        rep_api.put(f"{URL}{theirs.pk}/", {"name": "دزدیده", "phone": "09121110003"}, format="json"),
        rep_api.get(f"{URL}{theirs.pk}/purchases/"),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}
    theirs.refresh_from_db()
    assert theirs.name == "کیان فرهادی"


def test_a_customer_that_does_not_exist_is_the_same_404(rep_api, book):
    assert rep_api.get(f"{URL}999999/").json() == rep_api.get(f"{URL}{book['theirs'].pk}/").json()
    assert rep_api.get(f"{URL}{'9' * 30}/").status_code == 404  # no integer overflow


def test_a_rep_reads_their_customer_and_a_manager_anyone(rep_api, manager_api, book):
    mine = rep_api.get(f"{URL}{book['mine'].pk}/").json()
    assert mine["name"] == "آرش کیانی"
    assert mine["phone"] == "09121110001"
    assert mine["reference"] == "C-1"
    assert manager_api.get(f"{URL}{book['theirs'].pk}/").status_code == 200


# --- filters ---------------------------------------------------------------------------------


def test_search_is_the_customer_lists(rep_api, book):
    assert _names(rep_api.get(URL, {"q": "نوری"})) == ["بهار نوری"]
    assert _names(rep_api.get(URL, {"q": "+98 912 111 0002"})) == ["بهار نوری"]


def test_filters_by_the_keys_a_program_knows(manager_api, book):
    assert _names(manager_api.get(URL, {"reference": "C-1"})) == ["آرش کیانی"]
    assert _names(manager_api.get(URL, {"phone": "+989121110003"})) == ["کیان فرهادی"]
    assert _names(manager_api.get(URL, {"email": "a@X.ir"})) == ["آرش کیانی"]


def test_filters_by_owner_segment_and_silence(manager_api, rep, book):
    segment = SegmentFactory(name="عمده")
    Customer.objects.filter(pk=book["mine_too"].pk).update(segment=segment)
    PurchaseRhythm.objects.update_or_create(
        customer=book["nobodys"], defaults={"basis": PurchaseRhythm.Basis.OWN, "silent_since": "2026-01-01"}
    )

    assert _names(manager_api.get(URL, {"owner": rep.pk})) == ["آرش کیانی", "بهار نوری"]
    assert _names(manager_api.get(URL, {"segment": segment.pk})) == ["بهار نوری"]
    assert _names(manager_api.get(URL, {"silent": "true"})) == ["دنا مرادی"]
    assert "دنا مرادی" not in _names(manager_api.get(URL, {"silent": "false"}))


def test_filters_by_the_day_a_customer_was_added(manager_api, book):
    Customer.objects.filter(pk=book["mine"].pk).update(created_at="2020-01-01T00:00:00Z")

    assert "آرش کیانی" not in _names(manager_api.get(URL, {"created_since": "2021-01-01"}))
    assert "آرش کیانی" in _names(manager_api.get(URL, {"created_since": "2019-12-31T00:00:00+03:30"}))


def test_another_owner_filter_shows_a_rep_nothing(rep_api, other_rep, book):
    assert _names(rep_api.get(URL, {"owner": other_rep.pk})) == []


def test_a_bad_filter_is_a_400_that_names_it(manager_api, book):
    response = manager_api.get(URL, {"owner": "abc", "phone": "12", "sort": "price", "silent": "maybe"})

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"owner", "phone", "sort", "silent"}


# --- pagination ------------------------------------------------------------------------------


def test_lists_page_with_a_count_and_the_next_page(manager_api, rep):
    Customer.objects.bulk_create(CustomerFactory.build(owner=rep) for _ in range(7))

    first = manager_api.get(URL, {"page_size": 3}).json()
    last = manager_api.get(URL, {"page_size": 3, "page": 3}).json()

    assert first["count"] == 7 and len(first["results"]) == 3
    assert first["previous"] is None and "page=2" in first["next"]
    assert len(last["results"]) == 1 and last["next"] is None
    assert manager_api.get(URL, {"page": 4, "page_size": 3}).status_code == 404


def test_a_page_holds_at_most_200(manager_api, rep):
    Customer.objects.bulk_create(CustomerFactory.build(owner=rep) for _ in range(205))

    assert len(manager_api.get(URL, {"page_size": 1000}).json()["results"]) == 200
    assert len(manager_api.get(URL).json()["results"]) == 50


@pytest.mark.parametrize("role", ["manager_api", "rep_api"])
def test_the_list_makes_the_same_few_queries_for_1_and_200_rows(request, role, rep, django_assert_num_queries):
    client = request.getfixturevalue(role)
    CustomerFactory(owner=rep, segment=SegmentFactory(name="بخش"))
    client.get(URL)  # the token's "last used" is written on the first request of the minute
    # the token and its colleague, the colleague's role, the count, the page
    with django_assert_num_queries(4):
        assert len(client.get(URL).json()["results"]) == 1
    Customer.objects.bulk_create(
        CustomerFactory.build(owner=rep, segment=SegmentFactory(name=f"بخش {n % 5}")) for n in range(250)
    )
    with django_assert_num_queries(4):
        assert len(client.get(URL, {"page_size": 200}).json()["results"]) == 200


# --- adding ----------------------------------------------------------------------------------


def test_a_rep_adds_a_customer_who_is_theirs(rep_api, rep):
    response = rep_api.post(URL, {"name": "نگار امینی", "phone": "+98 (912) 555-0101"}, format="json")

    assert response.status_code == 201, response.content
    customer = Customer.objects.get(pk=response.json()["id"])
    assert (customer.owner, customer.mobile, customer.source) == (rep, "09125550101", Customer.Source.API)
    assert response.json()["phone"] == "09125550101"


def test_phones_abroad_and_landlines_are_kept_in_e164(rep_api):
    landline = rep_api.post(URL, {"name": "دفتر", "phone": "021 8877 6655"}, format="json").json()
    abroad = rep_api.post(URL, {"name": "Anna", "phone": "0049 151 2345 6789"}, format="json").json()

    assert (landline["phone"], abroad["phone"]) == ("+982188776655", "+4915123456789")


def test_a_manager_chooses_the_owner_or_nobody(manager_api, rep, other_rep):
    chosen = manager_api.post(URL, {"name": "الف", "email": "a@example.com", "owner": other_rep.pk}, format="json")
    nobody = manager_api.post(URL, {"name": "ب", "email": "b@example.com"}, format="json")

    assert chosen.status_code == nobody.status_code == 201
    assert chosen.json()["owner"] == other_rep.pk
    assert nobody.json()["owner"] is None


def test_a_rep_cannot_give_a_customer_to_someone_else(rep_api, other_rep):
    response = rep_api.post(URL, {"name": "الف", "email": "a@example.com", "owner": other_rep.pk}, format="json")

    assert response.status_code == 400
    assert response.json() == {"errors": {"owner": ["Only a manager chooses the owner."]}}
    assert not Customer.objects.exists()


def test_a_customer_needs_a_customer_id_a_phone_or_an_email(rep_api):
    response = rep_api.post(URL, {"name": "بی‌نشان", "phone": "", "email": ""}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "errors": {"non_field_errors": ["Give at least one of the customer ID, the phone and the email."]}
    }
    assert not Customer.objects.exists()


def test_a_phone_or_customer_id_someone_else_has_is_said_beside_the_field(rep_api, book):
    response = rep_api.post(URL, {"name": "تکراری", "phone": "09121110003", "reference": "C-1"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "errors": {
            "phone": ["Another customer has this phone number."],
            "reference": ["Another customer has this customer ID."],
        }
    }
    assert Customer.objects.count() == 4


def test_bad_fields_are_each_named_and_nothing_is_written(rep_api):
    response = rep_api.post(
        URL,
        {
            "name": "",
            "phone": "12",
            "email": "not-an-email",
            "birth_date": "2999-01-01",
            "preferred_language": "de",
            "segment": 999999,
            "company": "x" * 201,
        },
        format="json",
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"name", "phone", "email", "birth_date", "preferred_language", "company"}
    assert errors["birth_date"] == ["This date is in the future."]
    assert errors["company"] == ["Ensure this field has no more than 200 characters."]
    assert not Customer.objects.exists()


def test_an_unknown_segment_is_named(manager_api):
    response = manager_api.post(URL, {"name": "الف", "email": "a@example.com", "segment": 999999}, format="json")

    assert response.json() == {"errors": {"segment": ["No segment has this id."]}}
    assert not Customer.objects.exists()


def test_a_body_that_is_not_json_is_a_400(rep_api):
    response = rep_api.generic("POST", URL, "{not json", content_type="application/json")

    assert response.status_code == 400
    assert set(response.json()) == {"detail"}


def test_the_audit_trail_names_the_tokens_colleague(rep_api, rep):
    customer_id = rep_api.post(URL, {"name": "نگار امینی", "email": "n@example.com"}, format="json").json()["id"]

    entry = LogEntry.objects.get_for_object(Customer.objects.get(pk=customer_id)).get(action=LogEntry.Action.CREATE)
    assert entry.actor == rep


# --- changing --------------------------------------------------------------------------------


def test_a_rep_changes_some_fields_of_their_customer(rep_api, book):
    customer = book["mine"]

    response = rep_api.patch(f"{URL}{customer.pk}/", {"city": "شیراز", "phone": "۰۹۱۲ ۹۹۹ ۰۰۰۰"}, format="json")

    assert response.status_code == 200, response.content
    customer.refresh_from_db()
    assert (customer.city, customer.mobile, customer.name) == ("شیراز", "09129990000", "آرش کیانی")


def test_put_needs_the_name(rep_api, book):
    response = rep_api.put(f"{URL}{book['mine'].pk}/", {"city": "شیراز"}, format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"name"}


def test_a_rep_cannot_hand_their_customer_to_another_rep(rep_api, other_rep, book):
    response = rep_api.patch(f"{URL}{book['mine'].pk}/", {"owner": other_rep.pk}, format="json")

    assert response.status_code == 400
    book["mine"].refresh_from_db()
    assert book["mine"].owner != other_rep


def test_a_manager_reassigns_a_customer(manager_api, other_rep, book):
    response = manager_api.patch(f"{URL}{book['mine'].pk}/", {"owner": other_rep.pk}, format="json")

    assert response.status_code == 200
    book["mine"].refresh_from_db()
    assert book["mine"].owner == other_rep


def test_a_manager_cannot_give_a_customer_to_a_colleague_without_a_role_or_who_left(manager_api, book):
    left = RepFactory(username="left", is_active=False)

    response = manager_api.patch(f"{URL}{book['mine'].pk}/", {"owner": left.pk}, format="json")

    assert response.json() == {"errors": {"owner": ["Choose an active colleague: a sales rep or a manager."]}}


def test_removing_the_last_key_is_refused(rep_api, book):
    customer = book["mine_too"]  # a phone only

    response = rep_api.patch(f"{URL}{customer.pk}/", {"phone": ""}, format="json")

    assert response.status_code == 400
    customer.refresh_from_db()
    assert customer.mobile == "09121110002"


def test_a_phone_taken_by_a_request_at_the_same_moment_is_a_400_not_a_500(rep_api, book, monkeypatch):
    """The model's check passed before the other row was written: the database refuses, and says why."""
    monkeypatch.setattr(Customer, "full_clean", lambda self, *args, **kwargs: None)

    response = rep_api.post(URL, {"name": "همزمان", "phone": "09121110003"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"errors": {"phone": ["Another customer has this phone number."]}}
    assert Customer.objects.count() == 4
