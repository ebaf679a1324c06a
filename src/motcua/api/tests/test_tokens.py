"""Officials' API tokens: issued, listed and revoked by an operator's command; each has a scope, an end and a
record of its last use."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from motcua.identity.models import ApiToken


def issue(capsys, *args) -> dict:
    call_command("tokens", "issue", "hoankiem.motcua", *args)
    return {"HTTP_AUTHORIZATION": f"Bearer {capsys.readouterr().out.strip()}"}


def test_a_token_works_until_it_is_revoked_and_its_use_is_recorded(client, seeded, capsys):
    bearer = issue(capsys, "--label", "app tiếp nhận")
    token = ApiToken.objects.get()
    assert token.last_used_at is None and token.expires_at - timezone.now() > timedelta(days=89)
    assert client.get("/api/queue", **bearer).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    call_command("tokens", "list", "hoankiem.motcua")
    listed = capsys.readouterr().out
    assert f"{token.id}\thoankiem.motcua\tapp tiếp nhận\tread act\tactive" in listed
    call_command("tokens", "revoke", str(token.id))
    assert client.get("/api/queue", **bearer).status_code == 401
    call_command("tokens", "list")
    assert "\trevoked\t" in capsys.readouterr().out


def test_a_read_token_may_not_act(client, seeded, capsys):
    bearer = issue(capsys, "--scope", "read")
    assert client.get("/api/queue", **bearer).status_code == 200
    refused = client.post("/api/dossiers/X/receive", {}, content_type="application/json", **bearer)
    assert refused.status_code == 403 and refused.json()["code"] == "token_scope"


def test_an_expired_token_opens_nothing(client, seeded, capsys):
    bearer = issue(capsys, "--days", "1")
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/queue", **bearer).status_code == 401


@pytest.mark.parametrize("args, message", [
    (["nobody"], "no official 'nobody'"), (["hoankiem.motcua", "--scope", "admin"], "--scope"),
    (["hoankiem.motcua", "--days", "0"], "--days")])
def test_bad_issue_requests_are_refused_clearly(seeded, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("tokens", "issue", *args)
    assert not ApiToken.objects.exists()


def test_revoking_an_unknown_token_says_so(seeded):
    with pytest.raises(CommandError, match="no active token 999"):
        call_command("tokens", "revoke", "999")
