"""Error pages in the site's look and the reader's language, never a stack trace."""

import pytest
from django.conf import settings
from django.test import Client

from motcua.demo.seeding import DEMO_CITIZENS
from motcua.demo.testing import log_in_citizen
from motcua.dossiers.models import Dossier
from motcua.portal.tests.test_portal import form_post


def in_english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.django_db
def test_404_in_vietnamese_then_english(client):
    page = client.get("/khong-co-trang-nay/")
    assert page.status_code == 404
    html = page.content.decode()
    assert "Không tìm thấy trang" in html and 'class="topbar"' in html and '<html lang="vi">' in html
    assert "Page not found" in in_english(client).get("/khong-co-trang-nay/").content.decode()


def test_403_for_a_dossier_of_someone_else(citizen, client):
    citizen.post("/thu-tuc/1.001193/nop/", form_post())
    code = Dossier.objects.get().code
    log_in_citizen(client, DEMO_CITIZENS[1])
    page = client.get(f"/ho-so/{code}/")
    assert page.status_code == 403
    html = page.content.decode()
    assert "Không được phép" in html and 'class="topbar"' in html


@pytest.mark.django_db
def test_403_and_400_of_the_handlers(rf):
    from django.core.exceptions import PermissionDenied, SuspiciousOperation

    from motcua.core.error_pages import bad_request, permission_denied

    assert "Không được phép" in permission_denied(rf.get("/"), PermissionDenied()).content.decode()
    assert "Yêu cầu không hợp lệ" in bad_request(rf.get("/"), SuspiciousOperation()).content.decode()


@pytest.mark.urls("motcua.core.tests.raising_urls")
@pytest.mark.parametrize("language, title", [("vi", "Đã có lỗi xảy ra"), ("en", "Something went wrong")])
def test_500_shows_no_stack_trace(settings, language, title):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/hong/")
    assert page.status_code == 500
    html = page.content.decode()
    assert title in html and f'<html lang="{language}">' in html and 'class="topbar"' in html
    assert "secret detail" not in html and "Traceback" not in html and "RuntimeError" not in html
    assert "default-src 'self'" in page["Content-Security-Policy"]
