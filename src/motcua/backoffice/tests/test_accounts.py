"""No default accounts: outside the demo `motcua seed` creates no one and the bundled e-ID provider is not
served; operators create officials with a one-time password that must be changed, under the password rules."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command

from motcua.demo.testing import log_in_official
from motcua.eid.models import EidAccount
from motcua.identity.callers import issue_token
from motcua.identity.models import ApiToken, Authenticator, Official

AGENCY = "H01.X00070.UB"
STRONG = "mùa thu Hà Nội 1945 rất đẹp"


def create(capsys, username="hoankiem.moi", *extra) -> str:
    call_command("officials", "create", username, "--agency", AGENCY, "--role", "receiver",
                 "--name", "Phạm Thị Mới", "--email", "moi@hoankiem.example.vn", *extra)
    return re.search(r"one-time password \(to be changed at first login, within \d+ h\): (\S+)", capsys.readouterr().out).group(1)


def test_seed_outside_the_demo_creates_no_account(db, settings, capsys):
    get_user_model().objects.all().delete()
    settings.DEMO_MODE = False
    call_command("seed", "--no-dossiers")
    assert "create officials with `motcua officials create`" in capsys.readouterr().out
    assert not get_user_model().objects.exists() and not EidAccount.objects.exists()


def test_the_bundled_e_id_provider_is_served_only_when_configured(client, seeded, settings):
    settings.BUNDLED_EID = False
    for path in ("/eid/dang-nhap/", "/eid/.well-known/openid-configuration", "/eid/.well-known/jwks.json"):
        assert client.get(path).status_code == 404, path
    login = client.get("/dang-nhap/")
    assert login.status_code == 503 and "chưa được cấu hình" in login.content.decode()
    settings.BUNDLED_EID = True
    assert client.get("/eid/.well-known/openid-configuration").status_code == 200


def test_a_new_official_changes_the_one_time_password_before_anything_else(client, seeded, capsys):
    password = create(capsys)
    log_in_official(client, "hoankiem.moi", password)
    assert client.get("/backoffice/")["Location"].startswith("/backoffice/doi-mat-khau/")
    for weak in ("12345678", "password1234", "hoankiem.moi1", "123456789012"):
        refused = client.post("/backoffice/doi-mat-khau/", {
            "old_password": password, "new_password1": weak, "new_password2": weak})
        assert refused.status_code == 400 and 'aria-invalid="true"' in refused.content.decode(), weak
    changed = client.post("/backoffice/doi-mat-khau/", {
        "old_password": password, "new_password1": STRONG, "new_password2": STRONG, "next": "/backoffice/"})
    assert changed.status_code == 302 and changed["Location"] == "/backoffice/"
    assert client.get("/backoffice/").status_code == 200  # the session stays
    assert not Official.objects.get(user__username="hoankiem.moi").password_change_required
    assert any("vừa được đổi" in m.body for m in mail.outbox)
    client.post("/backoffice/dang-xuat/")
    again = client.post("/backoffice/dang-nhap/", {"username": "hoankiem.moi", "password": password})
    assert again.status_code == 200  # the one-time password is spent
    log_in_official(client, "hoankiem.moi", STRONG)


def test_a_one_time_password_opens_nothing_but_the_change_page_and_lapses(client, seeded, capsys, settings):
    password = create(capsys)
    log_in_official(client, "hoankiem.moi", password)
    assert client.get("/api/queue").status_code == 401  # the API does not take such a session either
    client.post("/backoffice/dang-xuat/")
    settings.ONE_TIME_PASSWORD_HOURS = 0
    call_command("officials", "reset-password", "hoankiem.moi")
    password = re.search(r": (\S+)$", capsys.readouterr().out.strip()).group(1)
    lapsed = client.post("/backoffice/dang-nhap/", {"username": "hoankiem.moi", "password": password})
    assert lapsed.status_code == 200 and "đã hết hạn" in lapsed.content.decode()
    assert client.get("/backoffice/").status_code == 302


def test_reset_and_deactivation_end_what_the_official_holds(client, seeded, capsys):
    create(capsys)
    user = get_user_model().objects.get(username="hoankiem.moi")
    user.set_password(STRONG)
    user.save()
    Official.objects.filter(user=user).update(password_change_required=False)
    log_in_official(client, "hoankiem.moi", STRONG)
    call_command("officials", "reset-password", "hoankiem.moi")
    assert client.get("/backoffice/").status_code == 302  # the session ended with the old password
    token = issue_token(Official.objects.get(user=user))
    Authenticator.objects.create(user=user, name="authenticator", confirmed=True)
    call_command("officials", "reset-second-factor", "hoankiem.moi")
    assert not Authenticator.objects.filter(user=user).exists()
    call_command("officials", "deactivate", "hoankiem.moi")
    assert "1 token(s) revoked" in capsys.readouterr().out
    assert ApiToken.objects.get().revoked_at is not None
    assert client.get("/api/queue", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    call_command("officials", "list", "--agency", AGENCY)
    assert re.search(r"hoankiem\.moi\tPhạm Thị Mới\treceiver\tH01\.X00070\.UB\t.*inactive must-change-password",
                     capsys.readouterr().out)


@pytest.mark.parametrize("args, message", [
    (["hoankiem.motcua", "--agency", AGENCY, "--role", "receiver", "--name", "X"], "username: "),
    (["hoankiem.moi", "--agency", "NONE", "--role", "receiver", "--name", "X"], "agency: No agency with code NONE"),
    (["hoankiem.moi", "--agency", AGENCY, "--role", "receiver", "--name", " "], "name: "),
])
def test_bad_accounts_are_refused_with_the_field(seeded, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("officials", "create", *args)
    assert not get_user_model().objects.filter(username="hoankiem.moi").exists()


def test_a_site_without_any_e_id_provider_is_reported(settings):
    from motcua.eid import checks

    settings.BUNDLED_EID, settings.OIDC = False, {**settings.OIDC, "DISCOVERY_URL": ""}
    assert [w.id for w in checks.eid_provider_configured(None)] == ["motcua.W132"]
    settings.OIDC = {**settings.OIDC, "DISCOVERY_URL": "https://eid.example.vn/.well-known/openid-configuration"}
    assert checks.eid_provider_configured(None) == []
