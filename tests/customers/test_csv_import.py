"""customers.csv_io import: every row checked first, per-row errors, valid rows imported, re-import is a no-op."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from core import dates
from core.text import to_persian_digits
from customers import csv_io
from customers.import_files import ImportFileError
from customers.models import Customer, Purchase, Segment
from tests.factories import CustomerFactory, SegmentFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def preview(kind: str, text: str) -> csv_io.ImportPreview:
    return csv_io.preview_import(kind=kind, text=text)


def run_import(kind: str, text: str) -> tuple[csv_io.ImportPreview, int]:
    checked = preview(kind, text)
    return checked, csv_io.apply_import(checked)


def errors_by_line(checked: csv_io.ImportPreview) -> dict[int, list[str]]:
    return {row.line: row.errors for row in checked.rows if row.errors}


def snapshot() -> tuple:
    """Everything an import could change, to compare before and after a second run."""
    return (
        list(Customer.objects.order_by("mobile").values_list("mobile", "name", "owner_id", "segment_id")),
        list(
            Customer.objects.order_by("mobile").values_list(
                "first_purchase_on", "last_purchase_on", "purchase_count", "total_spent"
            )
        ),
        list(Purchase.objects.order_by("reference").values_list("customer_id", "purchased_on", "amount", "reference")),
        Segment.objects.count(),
    )


# --- customers -------------------------------------------------------------------------------

GOOD_CUSTOMERS = """name,mobile,email,company,city,segment,owner,language,notes
علي كريمي,09121234567,ali@example.com,پخش البرز,تهران,عمده,rep1,fa,"گفت ""فردا"" زنگ بزن، حتماً"
Sara Ahmadi,+98 935 111 2222,,,,,REP1,English,
مینا,۰۹۰۱ ۲۲۲ ۳۳۳۳,,,,عمده,,,"دو
خط"
"""


def test_a_good_customers_file_imports_every_row(rep):
    checked, imported = run_import(csv_io.CUSTOMERS, GOOD_CUSTOMERS)
    assert (imported, checked.error_count, checked.skipped_count) == (3, 0, 0)
    ali = Customer.objects.get(mobile="09121234567")
    assert (ali.name, ali.email, ali.company, ali.city, ali.owner) == (
        "علي كريمي",
        "ali@example.com",
        "پخش البرز",
        "تهران",
        rep,
    )
    assert ali.notes == 'گفت "فردا" زنگ بزن، حتماً'  # Excel's doubled quotes read back as one
    assert ali.segment.name == "عمده"
    sara = Customer.objects.get(mobile="09351112222")
    assert (sara.owner, sara.preferred_language) == (rep, "en")  # usernames and language names in any case
    mina = Customer.objects.get(mobile="09012223333")
    assert (mina.owner, mina.preferred_language, mina.notes) == (None, "fa", "دو\nخط")
    assert Segment.objects.filter(name="عمده").count() == 1


def test_imported_customers_are_searchable_however_the_name_is_typed(rep):
    run_import(csv_io.CUSTOMERS, GOOD_CUSTOMERS)
    assert Customer.objects.get(search_text__contains="علی کریمی").mobile == "09121234567"


def test_imported_customers_are_marked_with_their_source(rep):
    run_import(csv_io.CUSTOMERS, GOOD_CUSTOMERS)
    assert set(Customer.objects.values_list("source", flat=True)) == {Customer.Source.IMPORT}


def test_an_existing_segment_is_reused_not_duplicated(rep):
    wholesale = SegmentFactory(name="عمده")
    run_import(csv_io.CUSTOMERS, GOOD_CUSTOMERS)
    assert Customer.objects.get(mobile="09121234567").segment == wholesale
    assert Segment.objects.count() == 1


BAD_CUSTOMERS = """name,mobile,email,owner,language
خوب,09120000001,,rep1,fa
موبایل بد,02188,,,
,09120000003,,,
تکراری,0912-000-0001,,,
صاحب ناشناس,09120000005,,nobody,
زبان بد,09120000006,,,de
ایمیل بد,09120000007,not-an-email,,
"""


def test_bad_customer_rows_get_their_own_errors_and_the_good_rows_still_import(rep):
    checked, imported = run_import(csv_io.CUSTOMERS, BAD_CUSTOMERS)
    assert imported == 1
    assert list(Customer.objects.values_list("mobile", flat=True)) == ["09120000001"]
    errors = errors_by_line(checked)
    assert sorted(errors) == [3, 4, 5, 6, 7, 8]
    assert all(len(messages) == 1 for messages in errors.values())
    assert "۰۲۱۸۸" in errors[3][0]
    assert "۲" in errors[5][0]  # the line the mobile first appeared on
    assert "nobody" in errors[6][0]
    assert "not-an-email" in errors[8][0]


def test_customer_row_errors_are_in_english_on_an_english_page(rep):
    with translation.override("en"):
        errors = errors_by_line(preview(csv_io.CUSTOMERS, BAD_CUSTOMERS))
    assert errors == {
        3: [
            "“02188” is not a phone number. Type an Iranian number "
            "(e.g. 0912\u00a0123\u00a04567 or 021\u00a08877\u00a06655) "
            "or a number abroad with its country code (e.g. +49\u00a0151\u00a02345\u00a06789)."
        ],
        4: ["The name is empty."],
        5: ["Same phone as line 2."],
        6: ["No sales rep has the username “nobody”."],
        7: ["Language must be fa or en."],
        8: ["“not-an-email” is not an email address."],
    }


def test_customer_row_errors_are_in_persian_on_a_persian_page(rep):
    persian = errors_by_line(preview(csv_io.CUSTOMERS, BAD_CUSTOMERS))
    with translation.override("en"):
        english = errors_by_line(preview(csv_io.CUSTOMERS, BAD_CUSTOMERS))
    for line, messages in english.items():
        assert persian[line] != messages, f"line {line} is not translated"
    assert "nobody" in persian[6][0]
    assert "کارشناس" in persian[6][0]


def test_a_customer_already_in_peygir_gets_the_file_s_newer_details_not_a_second_record(rep):
    CustomerFactory(mobile="09121234567", name="قبلی", city="", owner=rep)
    checked, imported = run_import(csv_io.CUSTOMERS, GOOD_CUSTOMERS)
    assert (imported, checked.skipped_count, checked.error_count) == (3, 0, 0)
    assert [row.outcome for row in checked.rows] == [csv_io.UPDATE, csv_io.CREATE, csv_io.CREATE]
    updated = Customer.objects.get(mobile="09121234567")
    assert (updated.name, updated.city, updated.segment.name) == ("علي كريمي", "تهران", "عمده")
    assert Customer.objects.count() == 3


def test_a_customer_the_file_says_nothing_new_about_is_skipped(rep):
    run_import(csv_io.CUSTOMERS, GOOD_CUSTOMERS)
    checked, imported = run_import(csv_io.CUSTOMERS, "name,mobile,city\nعلي كريمي,09121234567,\n")
    assert (imported, checked.skipped_count) == (0, 1)
    assert Customer.objects.get(mobile="09121234567").city == "تهران"  # an empty cell blanks nothing


def test_importing_the_same_customers_file_twice_changes_nothing(rep):
    first, first_count = run_import(csv_io.CUSTOMERS, GOOD_CUSTOMERS + BAD_CUSTOMERS.split("\n", 1)[1])
    before = snapshot()
    second, second_count = run_import(csv_io.CUSTOMERS, GOOD_CUSTOMERS + BAD_CUSTOMERS.split("\n", 1)[1])
    assert snapshot() == before
    assert second_count == 0
    assert second.skipped_count == first_count
    assert second.error_count == first.error_count


EMAIL_ONLY_TWICE = """name,email,mobile
الف,Shop@Example.com,
ب,shop@example.com,
پ,other@example.com,09120000009
"""


def test_a_second_row_naming_its_customer_by_the_same_email_is_a_repeat_not_a_second_customer(rep):
    _checked, imported = run_import(csv_io.CUSTOMERS, EMAIL_ONLY_TWICE)
    again, imported_again = run_import(csv_io.CUSTOMERS, EMAIL_ONLY_TWICE)

    assert imported == 2
    with translation.override("en"):
        assert errors_by_line(preview(csv_io.CUSTOMERS, EMAIL_ONLY_TWICE)) == {3: ["Same email as line 2."]}
    assert (imported_again, again.skipped_count, again.error_count) == (0, 2, 1)
    assert Customer.objects.filter(email__iexact="shop@example.com").count() == 1


# --- purchases -------------------------------------------------------------------------------


@pytest.fixture
def buyer(rep):
    return CustomerFactory(mobile="09121234567", owner=rep)


GOOD_PURCHASES = """mobile,date,amount,invoice,note
09121234567,1403/02/15,1500000,F-1,اولی
۰۹۱۲۱۲۳۴۵۶۷,2024-06-01,"2,000,000",F-2,
+98 912 123 4567,۱۴۰۳/۰۳/۱۵,۲٬۵۰۰٬۰۰۰,F-3,سومی
"""


def test_a_good_purchases_file_imports_and_sets_the_figures(buyer):
    checked, imported = run_import(csv_io.PURCHASES, GOOD_PURCHASES)
    assert (imported, checked.error_count) == (3, 0)
    buyer.refresh_from_db()
    assert (buyer.first_purchase_on, buyer.last_purchase_on, buyer.purchase_count, buyer.total_spent) == (
        D(2024, 5, 4),
        D(2024, 6, 4),
        3,
        Decimal(6_000_000),
    )
    assert Purchase.objects.get(reference="F-1").note == "اولی"


def future_day() -> str:
    return dates.input_value(timezone.localdate() + datetime.timedelta(days=10), language="fa")


def bad_purchases() -> str:
    return f"""mobile,date,amount,invoice
09121234567,1403/02/15,1500000,F-1
02122,1403/02/15,100,F-4
09350000000,1403/02/15,100,F-5
09121234567,yesterday,100,F-6
09121234567,1402/12/30,100,F-7
09121234567,1403/02/15,abc,F-8
09121234567,1403/02/16,100,F-1
09121234567,1403/02/15,100,
09121234567,{future_day()},100,F-10
09121234567,1403/02/15,NaN,F-11
09121234567,1403/02/15,-5,F-12
"""


def test_bad_purchase_rows_get_their_own_errors_and_the_good_rows_still_import(buyer):
    checked, imported = run_import(csv_io.PURCHASES, bad_purchases())
    assert imported == 1
    assert list(Purchase.objects.values_list("reference", flat=True)) == ["F-1"]
    errors = errors_by_line(checked)
    assert sorted(errors) == list(range(3, 13))
    assert "۰۲۱۲۲" in errors[3][0]  # bad phone, quoted in Persian digits
    assert "۰۹۳۵۰۰۰۰۰۰۰" in errors[4][0]  # no such customer
    assert "yesterday" in errors[5][0]  # not a date
    assert "۱۴۰۲/۱۲/۳۰" in errors[6][0]  # not in the calendar: 1402 is not a leap year
    assert "abc" in errors[7][0]
    assert "۲" in errors[8][0]  # same invoice as line 2
    assert errors[9]  # no invoice number
    assert to_persian_digits(future_day()) in errors[10][0]
    assert "NaN" in errors[11][0]
    assert "-۵" in errors[12][0]


def test_purchase_row_errors_are_in_english_on_an_english_page(buyer):
    with translation.override("en"):
        errors = errors_by_line(preview(csv_io.PURCHASES, bad_purchases()))
    assert errors[4] == ["No customer has the phone 09350000000."]
    assert errors[6] == ["1402/12/30 does not exist in the calendar."]
    assert errors[7] == ["“abc” is not an amount."]
    assert errors[8] == ["Same invoice as line 2."]
    assert errors[9] == ["The invoice number is empty."]
    assert errors[10] == [f"The date {future_day()} is in the future."]


def test_purchase_row_errors_are_in_persian_on_a_persian_page(buyer):
    persian = errors_by_line(preview(csv_io.PURCHASES, bad_purchases()))
    with translation.override("en"):
        english = errors_by_line(preview(csv_io.PURCHASES, bad_purchases()))
    for line, messages in english.items():
        assert persian[line] != messages, f"line {line} is not translated"
    assert "۰۹۳۵۰۰۰۰۰۰۰" in persian[4][0]  # the typed mobile in Persian digits
    assert "مشتری" in persian[4][0]


def test_a_row_with_several_problems_lists_them_all(buyer):
    checked = preview(csv_io.PURCHASES, "mobile,date,amount,invoice\n0212,1402/12/30,abc,\n")
    assert len(checked.rows[0].errors) == 4


def test_importing_the_same_purchases_file_twice_changes_nothing(buyer):
    _first, first_count = run_import(csv_io.PURCHASES, GOOD_PURCHASES)
    before = snapshot()
    second, second_count = run_import(csv_io.PURCHASES, GOOD_PURCHASES)
    assert snapshot() == before
    assert (first_count, second_count) == (3, 0)
    assert second.skipped_count == 3
    assert all(row.skipped == gettext("Already imported: skipped.") for row in second.rows)


def test_a_purchase_already_entered_is_found_by_invoice_number_and_corrected_to_the_file(buyer):
    Purchase.objects.create(customer=buyer, purchased_on=D(2024, 6, 1), amount=Decimal(1), reference="F-2")
    checked, imported = run_import(csv_io.PURCHASES, GOOD_PURCHASES)
    assert (imported, checked.skipped_count) == (3, 0)
    assert [row.outcome for row in checked.rows] == [csv_io.CREATE, csv_io.UPDATE, csv_io.CREATE]
    assert Purchase.objects.get(reference="F-2").amount == Decimal(2_000_000)
    assert Purchase.objects.count() == 3
    assert Customer.objects.get(pk=buyer.pk).total_spent == Decimal(6_000_000)


def _imported_purchases_queries(customers, count: int, start: int) -> int:
    """``count`` new purchases spread over ``customers``, checked and written as one chunk; the
    queries the check and the write took."""
    lines = "".join(
        f"{customers[n % len(customers)].mobile},2024-06-{1 + n % 28:02d},1500000,F-{start + n}\n"
        for n in range(count)
    )
    with CaptureQueriesContext(connection) as queries:
        _checked, imported = run_import(csv_io.PURCHASES, "mobile,date,amount,invoice\n" + lines)
    assert imported == count
    return len(queries)


def test_a_chunk_of_purchases_costs_the_queries_of_a_few_whatever_its_rows(rep):
    """Set-based: checking and writing 500 purchases (their figures, rhythm and points too) takes
    about the statements of 5, none per row."""
    customers = [CustomerFactory(owner=rep) for _ in range(20)]

    few, many = _imported_purchases_queries(customers, 5, 0), _imported_purchases_queries(customers, 500, 5)

    assert many <= few + 10  # SQLite splits a long IN (...) or VALUES by its variable limit
    assert sum(Customer.objects.values_list("purchase_count", flat=True)) == 505


def test_the_same_invoice_number_for_two_customers_is_two_purchases(buyer, rep):
    CustomerFactory(mobile="09350000000", owner=rep)
    _checked, imported = run_import(
        csv_io.PURCHASES, "mobile,date,amount,invoice\n09121234567,1403/02/15,1,X\n09350000000,1403/02/15,1,X\n"
    )
    assert imported == 2


# --- the file as a whole -------------------------------------------------------------------


def test_persian_column_names_are_understood(buyer, rep):
    customers = "نام,موبایل,شهر,مسئول,زبان\nکاوه,09120000009,شیراز,rep1,فارسی\n"
    purchases = "موبایل,تاریخ,مبلغ,شماره فاکتور,توضیح\n09121234567,۱۴۰۳/۰۲/۱۵,۱۰۰۰,ف-۱,نقدی\n"
    assert run_import(csv_io.CUSTOMERS, customers)[1] == 1
    assert run_import(csv_io.PURCHASES, purchases)[1] == 1
    kaveh = Customer.objects.get(mobile="09120000009")
    assert (kaveh.name, kaveh.city, kaveh.owner) == ("کاوه", "شیراز", rep)
    assert Purchase.objects.get(reference="ف-۱").note == "نقدی"


def test_column_names_ignore_case_spaces_and_unknown_columns(rep):
    checked, imported = run_import(csv_io.CUSTOMERS, " Name , MOBILE ,Favourite colour\nالف,09120000001,آبی\n")
    assert imported == 1
    assert checked.columns == ["name", "mobile"]


def test_semicolon_separated_files_are_read(buyer):
    text = "mobile;date;amount;invoice\n09121234567;1403/02/15;1,500,000;S-1\n"
    checked, imported = run_import(csv_io.PURCHASES, text)
    assert (imported, checked.error_count) == (1, 0)
    assert Purchase.objects.get().amount == Decimal(1_500_000)


def test_tab_separated_files_are_read(rep):
    assert run_import(csv_io.CUSTOMERS, "name\tmobile\nالف\t09120000001\n")[1] == 1


def test_blank_lines_are_ignored_and_line_numbers_stay_true(rep):
    checked = preview(csv_io.CUSTOMERS, "name,mobile\n\nالف,09120000001\n,,\nب,bad\n")
    assert [row.line for row in checked.rows] == [3, 5]
    assert list(errors_by_line(checked)) == [5]


def test_missing_required_columns_are_named():
    with pytest.raises(ImportFileError) as caught, translation.override("en"):
        preview(csv_io.PURCHASES, "mobile,amount\n09121234567,100\n")
    assert "date" in str(caught.value)
    assert "invoice" in str(caught.value)


@pytest.mark.parametrize("text", ["", "  \n\n"])
def test_an_empty_file_is_refused(text):
    with pytest.raises(ImportFileError):
        preview(csv_io.CUSTOMERS, text)


def test_a_file_with_only_the_header_has_nothing_to_import():
    checked, imported = run_import(csv_io.CUSTOMERS, "name,mobile\n")
    assert (checked.rows, imported) == ([], 0)


QUOTE_ERROR_EN = (
    'Line {line} could not be read: a quote (") in it is never closed, or is followed by more text in the same '
    "cell, so the lines after it run together. Remove that quote, or put the whole cell in quotes and double each "
    'quote inside it (""); then save the file and upload it again.'
)


def test_a_quote_never_closed_is_a_file_error_naming_the_line_it_opened_on():
    good = "09121234567,1403/02/15,100,F-1\n"
    text = "mobile,date,amount,invoice\n" + good + '"09121234567,1403/02/15,100,F-2\n' + good * 5000
    with pytest.raises(ImportFileError) as caught, translation.override("en"):
        preview(csv_io.PURCHASES, text)
    assert str(caught.value) == QUOTE_ERROR_EN.format(line=3)


def test_a_quote_never_closed_in_a_short_file_is_the_same_error_not_a_mobile_error(rep):
    """The tester's file: the open quote used to fold the last lines into one cell and blame the mobile."""
    text = 'name,mobile\nعلی,09121234567\n"رضا,09121234568\nسارا,09121234569\n'
    with pytest.raises(ImportFileError) as caught, translation.override("en"):
        preview(csv_io.CUSTOMERS, text)
    assert str(caught.value) == QUOTE_ERROR_EN.format(line=3)
    assert not Customer.objects.exists()


def test_a_quote_closed_in_the_middle_of_a_cell_names_the_line_it_opened_on():
    text = 'name,mobile\nعلی,09121234567\n"رضا,09121234568\nسارا,"09121234569"x\n'
    with pytest.raises(ImportFileError) as caught, translation.override("en"):
        preview(csv_io.CUSTOMERS, text)
    assert str(caught.value) == QUOTE_ERROR_EN.format(line=3)


def test_the_quote_error_is_in_persian_on_a_persian_page():
    with pytest.raises(ImportFileError) as caught, translation.override("fa"):
        preview(csv_io.CUSTOMERS, 'name,mobile\n"علی,09121234567\n')
    assert str(caught.value).startswith("ردیف ۲ خوانده نشد")


def test_a_row_running_over_several_lines_says_so_beside_its_errors(rep):
    """A lone quote that a later one closes: the row swallows the next line, and its errors say why."""
    text = 'name,mobile,city\nعلی,"0912123,تهران\nرضا,09121234568",شیراز\nسارا,09121234569,\n'
    checked = preview(csv_io.CUSTOMERS, text)
    [broken, sara] = checked.rows
    assert (broken.line, broken.last_line, sara.line) == (2, 3, 4)
    with translation.override("en"):
        checked = preview(csv_io.CUSTOMERS, text)
    assert checked.rows[0].errors[-1] == (
        'This row runs from line 2 to line 3: if it should not, a quote (") lacks its pair.'
    )
    assert checked.rows[1].importable


def test_a_cell_on_two_lines_in_quotes_is_one_cell_and_its_row_keeps_its_first_line(rep):
    checked, imported = run_import(csv_io.CUSTOMERS, 'name,mobile,notes\nعلی,09121234567,"دو\nخط"\nرضا,09121234568,\n')
    assert [(row.line, row.errors) for row in checked.rows] == [(2, []), (4, [])]
    assert imported == 2
    assert Customer.objects.get(mobile="09121234567").notes == "دو\nخط"


def test_old_mac_line_endings_are_read(rep):
    assert run_import(csv_io.CUSTOMERS, "name,mobile\rالف,09120000001\rب,09120000002\r")[1] == 2


NUL_ERROR_EN = (
    "Line {line} contains a NUL character (an invisible zero byte), which cannot be stored. The file may be "
    "damaged or not saved as text: open it in Excel and save it again as “CSV UTF-8”, or delete that character, "
    "then upload it again."
)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("name,mobile\nعلی,09121234567\nرضا\x00,09121234568\n", 3),
        ("name,mobile\nعلی,09121234567,\x00\n", 2),
        ("na\x00me,mobile\nعلی,09121234567\n", 1),
        ('name,mobile,notes\nعلی,09121234567,"دو\nخط"\nرضا,09121234568,\x00\n', 4),
    ],
    ids=["in a cell", "after the last cell", "in the header", "after a cell on two lines"],
)
def test_a_nul_character_is_a_file_error_naming_its_line(rep, text, line):
    """PostgreSQL cannot store NUL: it used to pass the preview and fail the import."""
    with pytest.raises(ImportFileError) as caught, translation.override("en"):
        preview(csv_io.CUSTOMERS, text)
    assert str(caught.value) == NUL_ERROR_EN.format(line=line)
    assert not Customer.objects.exists()


def test_a_nul_character_in_a_purchases_file_is_refused_too(buyer):
    with pytest.raises(ImportFileError):
        preview(csv_io.PURCHASES, "mobile,date,amount,invoice\n09121234567,1403/02/15,100,F\x00-1\n")


def test_the_nul_error_is_in_persian_on_a_persian_page():
    with pytest.raises(ImportFileError) as caught, translation.override("fa"):
        preview(csv_io.CUSTOMERS, "name,mobile\nعلی\x00,09121234567\n")
    assert str(caught.value).startswith("ردیف ۲ یک نویسهٔ تهی")


def test_a_segment_name_longer_than_the_database_allows_is_a_row_error():
    checked = preview(csv_io.CUSTOMERS, f"name,mobile,segment\nعلی,09121234567,{'ب' * 101}\n")
    assert checked.error_count == 1
