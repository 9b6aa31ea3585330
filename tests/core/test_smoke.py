import pytest

pytestmark = pytest.mark.django_db


def test_login_page_renders_in_persian_by_default(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert 'lang="fa"' in response.content.decode()
