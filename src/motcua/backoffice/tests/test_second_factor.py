"""Every path an official takes asks for the verified second factor where the account has or needs one: the
back office, the API with the session, and no other door (the e-ID provider's login page) opens an official's
session. Leaders and administrators enrol their authenticator themselves, after their password."""

import base64
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django_otp.oath import totp

from motcua.demo.seeding import DEMO_PASSWORD
from motcua.demo.testing import log_in_official, one_time_code
from motcua.identity.models import Authenticator

LEADER = "hoankiem.lanhdao"


def password_only(client, username):
    return client.post("/backoffice/dang-nhap/", {"username": username, "password": DEMO_PASSWORD})


def code_from_page(page: str) -> str:
    """What the official's phone shows after scanning the page's code (the key is printed under it)."""
    secret = re.search(r'<code class="secret">([A-Z2-7=]+)</code>', page).group(1)
    return f"{totp(base64.b32decode(secret)):06d}"


def test_a_leader_enrols_an_authenticator_before_acting(client, seeded):
    assert password_only(client, LEADER).status_code == 302
    assert client.get("/backoffice/")["Location"].startswith("/backoffice/xac-thuc-hai-buoc/?next=/backoffice/")
    assert client.get("/api/queue").status_code == 401  # the API does not take the half-open session either
    page = client.get("/backoffice/xac-thuc-hai-buoc/").content.decode()
    assert "<svg" in page and "cần xác thực hai bước" in page
    wrong = client.post("/backoffice/xac-thuc-hai-buoc/", {"otp_token": "000000", "next": "/backoffice/"})
    assert wrong.status_code == 400 and "Mã không khớp" in wrong.content.decode()
    Authenticator.objects.filter(user__username=LEADER).update(throttling_failure_count=0)
    done = client.post("/backoffice/xac-thuc-hai-buoc/", {"otp_token": code_from_page(page), "next": "/backoffice/"})
    assert done.status_code == 302 and done["Location"] == "/backoffice/"
    assert client.get("/backoffice/").status_code == 200 and client.get("/api/queue").status_code == 200
    assert Authenticator.objects.get(user__username=LEADER).confirmed


def test_once_enrolled_the_code_is_asked_at_every_login(client, seeded):
    log_in_official(client, LEADER)
    client.post("/backoffice/dang-xuat/")
    refused = password_only(client, LEADER)
    assert refused.status_code == 200 and "Nhập mã 6 chữ số" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    log_in_official(client, LEADER)
    assert client.get("/api/queue").status_code == 200


def test_an_administrator_needs_one_whatever_the_role(client, seeded):
    get_user_model().objects.filter(username="hoankiem.motcua").update(is_staff=True)
    password_only(client, "hoankiem.motcua")
    assert client.get("/backoffice/").status_code == 302


def test_other_officials_are_offered_one_and_are_told_when_it_changes(client, seeded):
    get_user_model().objects.filter(username="hoankiem.motcua").update(email="motcua@hoankiem.example.vn")
    password_only(client, "hoankiem.motcua")
    assert client.get("/backoffice/").status_code == 200  # not required of a reception officer
    page = client.get("/backoffice/xac-thuc-hai-buoc/").content.decode()
    assert "Bảo vệ tài khoản" in page
    client.post("/backoffice/xac-thuc-hai-buoc/", {"otp_token": code_from_page(page)})
    assert [m.to for m in mail.outbox] == [["motcua@hoankiem.example.vn"]]
    assert "authenticator" in mail.outbox[0].body
    client.post("/backoffice/dang-xuat/")
    assert password_only(client, "hoankiem.motcua").status_code == 200  # from now on the code is asked


def test_no_other_login_opens_an_officials_session(client, seeded):
    """Django's own login (as the bundled e-ID provider's page or the admin would do it) leaves no mark of the
    back office's login: neither the back office nor the API take it."""
    client.force_login(get_user_model().objects.get(username="hoankiem.motcua"))
    assert client.get("/backoffice/").status_code == 403
    assert client.get("/api/queue").status_code == 401


def test_a_device_once_used_does_not_take_the_same_code_again(client, seeded):
    log_in_official(client, LEADER)
    device = Authenticator.objects.get(user__username=LEADER)
    client.post("/backoffice/dang-xuat/")
    replayed = client.post("/backoffice/dang-nhap/", {"username": LEADER, "password": DEMO_PASSWORD,
                                                      "otp_token": one_time_code(device)})
    assert replayed.status_code == 200 and "_auth_user_id" not in client.session


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/"])
def test_after_enrolment_only_this_site_is_a_destination(client, seeded, next_url):
    password_only(client, LEADER)
    page = client.get("/backoffice/xac-thuc-hai-buoc/").content.decode()
    done = client.post("/backoffice/xac-thuc-hai-buoc/", {"otp_token": code_from_page(page), "next": next_url})
    assert done["Location"] == "/backoffice/"
