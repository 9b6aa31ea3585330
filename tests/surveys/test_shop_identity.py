"""Who is asking: the shop's name and logo on the public survey pages and in survey emails."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from surveys import selectors, services
from surveys.models import ShopIdentity
from tests.surveys.factories import send_survey, tiny_png

pytestmark = pytest.mark.django_db

URL = reverse("surveys:shop_settings")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\0" * 64


def _upload(data: bytes, name: str = "logo.png", content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_until_a_manager_sets_a_name_customers_see_peygir_in_their_language(settings):
    settings.PEYGIR_SHOP_NAME = ""
    identity = selectors.shop_identity()
    assert selectors.shop_name(identity, "fa") == "پیگیر"
    assert selectors.shop_name(identity, "en") == "Peygir"


def test_the_setting_names_the_shop_until_the_manager_does(settings):
    settings.PEYGIR_SHOP_NAME = "Rose Shop"
    assert selectors.shop_branding(language="en")["shop_name"] == "Rose Shop"
    services.shop_identity_update(name_fa="فروشگاه گل", name_en="")
    assert selectors.shop_branding(language="fa")["shop_name"] == "فروشگاه گل"
    assert selectors.shop_branding(language="en")["shop_name"] == "فروشگاه گل"  # the other language, not the setting


def test_a_manager_sets_names_and_a_png_logo(manager_client):
    response = manager_client.post(URL, {"name_fa": " گل‌سرخ ", "name_en": "Rose", "logo": _upload(tiny_png())})
    assert response.status_code == 302
    identity = ShopIdentity.objects.get()
    assert (identity.name_fa, identity.name_en, identity.logo_type) == ("گل‌سرخ", "Rose", "image/png")
    assert bytes(identity.logo) == tiny_png()


def test_a_jpeg_logo_is_accepted_by_its_magic_bytes_whatever_its_name(manager_client):
    manager_client.post(URL, {"name_fa": "گل", "name_en": "", "logo": _upload(JPEG, "logo.bin", "text/plain")})
    assert ShopIdentity.objects.get().logo_type == "image/jpeg"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.svg"),
        (b"<html><script>alert(1)</script></html>", "logo.png"),
        (b"GIF89a" + b"\0" * 20, "logo.gif"),
    ],
)
def test_anything_but_png_or_jpeg_is_refused_with_a_clear_message_and_the_names_are_kept(manager_client, data, name):
    response = manager_client.post(URL, {"name_fa": "گل", "name_en": "Rose", "logo": _upload(data, name)})
    assert response.status_code == 200
    assert "لوگو باید تصویر PNG یا JPEG باشد" in response.content.decode()
    assert 'value="Rose"' in response.content.decode()  # nothing typed is lost
    assert not ShopIdentity.objects.exists()


def test_a_logo_over_the_limit_is_refused(manager_client):
    big = tiny_png() + b"\0" * services.LOGO_MAX_BYTES
    response = manager_client.post(URL, {"name_fa": "گل", "name_en": "", "logo": _upload(big)})
    assert "لوگو بیش از حد بزرگ است: حداکثر ۲۵۶ کیلوبایت." in response.content.decode()
    assert not ShopIdentity.objects.exists()


def test_names_over_the_limit_are_refused(manager_client):
    response = manager_client.post(URL, {"name_fa": "گ" * 101, "name_en": ""})
    assert response.status_code == 200 and response.context["form"].errors["name_fa"]


def test_the_logo_can_be_removed_and_a_save_without_a_file_keeps_it(manager_client):
    services.shop_identity_update(name_fa="گل", name_en="Rose", logo=tiny_png())
    manager_client.post(URL, {"name_fa": "گل", "name_en": "Rose Shop"})
    assert bytes(ShopIdentity.objects.get().logo) == tiny_png()
    manager_client.post(URL, {"name_fa": "گل", "name_en": "Rose Shop", "remove_logo": "on"})
    identity = ShopIdentity.objects.get()
    assert (bytes(identity.logo), identity.logo_type, identity.name_en) == (b"", "", "Rose Shop")


def test_only_managers_edit_the_shop_identity(rep_client):
    assert rep_client.get(URL).status_code == 403
    assert rep_client.post(URL, {"name_fa": "دزد", "name_en": ""}).status_code == 403
    assert not ShopIdentity.objects.exists()


def test_the_logo_is_served_as_a_picture_that_cannot_be_sniffed_as_a_page(client):
    services.shop_identity_update(name_fa="گل", name_en="", logo=tiny_png())
    url = selectors.shop_branding(language="fa")["shop_logo_url"]
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == tiny_png()
    assert client.get(reverse("survey_links:shop_logo", args=["0000000000000000"])).status_code == 404


def test_a_new_logo_gets_a_new_address(client):
    services.shop_identity_update(name_fa="گل", name_en="", logo=tiny_png())
    old = selectors.shop_branding(language="fa")["shop_logo_url"]
    services.shop_identity_update(name_fa="گل", name_en="", logo=tiny_png(rgb=(200, 0, 0)))
    assert selectors.shop_branding(language="fa")["shop_logo_url"] != old
    assert client.get(old).status_code == 404


def test_the_answer_unsubscribe_and_link_problem_pages_name_the_shop(client, sent):
    services.shop_identity_update(name_fa="فروشگاه گل‌سرخ", name_en="Rose Shop", logo=tiny_png())
    logo = selectors.shop_branding(language="fa")["shop_logo_url"]
    for path in (sent.path, sent.unsubscribe_path, "/s/not-a-real-token/"):
        html = client.get(path).content.decode()
        assert "فروشگاه گل‌سرخ" in html and f'src="{logo}"' in html


def test_the_invitation_and_the_reminder_name_the_shop_with_an_absolute_logo_address(customer):
    services.shop_identity_update(name_fa="فروشگاه گل‌سرخ", name_en="Rose Shop", logo=tiny_png())
    logo = "https://peygir.example" + selectors.shop_branding(language="fa")["shop_logo_url"]
    sent = send_survey(customer)
    assert "فروشگاه گل‌سرخ" in sent.email.text_body
    assert "فروشگاه گل‌سرخ" in sent.email.html_body and f'src="{logo}"' in sent.email.html_body
    services._queue_email(sent.invitation, sent.token, reminder=True)
    reminder = type(sent.email).objects.get(key=f"survey-reminder-{sent.invitation.pk}")
    assert "فروشگاه گل‌سرخ" in reminder.html_body and f'src="{logo}"' in reminder.html_body


def test_an_english_customers_email_uses_the_english_name(en_customer):
    services.shop_identity_update(name_fa="فروشگاه گل‌سرخ", name_en="Rose Shop")
    sent = send_survey(en_customer)
    assert "Rose Shop" in sent.email.html_body and "فروشگاه گل‌سرخ" not in sent.email.html_body
    assert "<img" not in sent.email.html_body  # no logo, no broken picture
