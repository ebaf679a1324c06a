"""Organisation e-ID accounts at the bundled provider: the person logs in, chooses the organisation they
represent, and the ID token, the userinfo answer and a refreshed token say it in the `organisation` claim."""

import base64
import hashlib
import json
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings

from motcua.demo.seeding import DEMO_ORGANISATIONS
from motcua.eid.models import EidAccount, OrganisationLogin
from motcua.identity import oidc

REDIRECT = "http://127.0.0.1:8000/dang-nhap/xong/"
VERIFIER = "v" * 64
COMPANY = DEMO_ORGANISATIONS[0]


def authorize(client, scope="openid profile organisation"):
    return client.get("/eid/authorize/", {
        "client_id": settings.OIDC["CLIENT_ID"], "response_type": "code", "redirect_uri": REDIRECT, "scope": scope,
        "state": "s1", "nonce": "n1", "code_challenge_method": "S256",
        "code_challenge": base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()})


def choose(client, page, organisation):
    form = page.context["form"]
    hidden = {name: form[name].value() or "" for name in form.fields if form[name].is_hidden}
    return client.post("/eid/authorize/", {**hidden, "organisation": organisation, "allow": "on"})


def token(client, **form):
    return client.post("/eid/token/", {"client_id": settings.OIDC["CLIENT_ID"],
                                       "client_secret": settings.OIDC["CLIENT_SECRET"], **form}).json()


def claims_of(jwt: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(jwt.split(".")[1] + "=="))


@pytest.fixture
def an(client, seeded):
    client.force_login(EidAccount.objects.get(id_number=COMPANY.representative.id_number).user)
    return client


def test_the_person_chooses_the_organisation_and_the_tokens_carry_it(an):
    page = authorize(an)
    assert page.status_code == 200 and [o.code for o in page.context["organisations"]] == [COMPANY.code]
    assert COMPANY.name in page.content.decode()
    answer = choose(an, page, COMPANY.code)
    code = parse_qs(urlparse(answer["Location"]).query)["code"][0]
    tokens = token(an, grant_type="authorization_code", code=code, redirect_uri=REDIRECT, code_verifier=VERIFIER)
    expected = {"code": COMPANY.code, "tax_code": COMPANY.code, "name": COMPANY.name, "kind": "enterprise",
                "representative_id": COMPANY.representative.id_number, "representative_role": "Giám đốc"}
    claims = claims_of(tokens["id_token"])
    assert claims["organisation"] == expected and claims["personal_id"] == COMPANY.representative.id_number
    assert oidc.organisation_of(claims)["code"] == COMPANY.code
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert an.get("/eid/userinfo/", headers=bearer).json()["organisation"] == expected
    refreshed = token(an, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    again = {"Authorization": f"Bearer {refreshed['access_token']}"}
    assert an.get("/eid/userinfo/", headers=again).json()["organisation"] == expected
    assert OrganisationLogin.objects.filter(grant__isnull=False).count() == 0  # the code's link went with it


def test_a_personal_login_says_no_organisation(an):
    answer = authorize(an, scope="openid profile")
    code = parse_qs(urlparse(answer["Location"]).query)["code"][0]
    tokens = token(an, grant_type="authorization_code", code=code, redirect_uri=REDIRECT, code_verifier=VERIFIER)
    assert "organisation" not in claims_of(tokens["id_token"])


def test_only_an_organisation_the_person_represents_can_be_chosen(an, client):
    refused = choose(an, authorize(an), "8001234567")  # Cường's household business
    assert refused.status_code == 400 and "Location" not in refused
    cancelled = an.post("/eid/authorize/", {**{k: v for k, v in refused.context["form"].cleaned_data.items()
                                               if k not in ("allow", "organisation") and v}})
    assert "error=access_denied" in cancelled["Location"]


def test_a_level_one_person_has_no_organisation_login(client, seeded):
    client.force_login(EidAccount.objects.get(id_number="079078001122").user)  # Cường: level 1
    page = authorize(client)
    assert page.status_code == 200 and list(page.context["organisations"]) == []


@pytest.mark.parametrize("organisation, problem", [
    (None, "no_organisation"),
    ({"code": "0109876543", "name": "X", "kind": "enterprise", "representative_id": "001185004321",
      "representative_role": "Giám đốc"}, "bad_organisation"),
])
def test_the_relying_party_checks_the_claim(organisation, problem):
    claims = {"personal_id": "001090012345", "eid_level": 2, **({"organisation": organisation} if organisation else {})}
    with pytest.raises(oidc.LoginFailed) as refused:
        oidc.organisation_of(claims)
    assert refused.value.code == problem
