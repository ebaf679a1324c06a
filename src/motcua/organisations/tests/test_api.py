"""The organisations API: an organisation's login files for it, grants and revokes a staff delegation; the
staff member files under it, then is refused at once, to file and to read."""

import base64
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from motcua.demo.seeding import DEMO_CITIZENS, DEMO_ORGANISATIONS, sample_scan
from motcua.demo.testing import log_in_citizen

AN, BINH, CUONG = DEMO_CITIZENS
COMPANY = DEMO_ORGANISATIONS[0]
CUSTOMS = "1.000355"


def organisation_client(person=AN, organisation=COMPANY):
    """A portal session as an organisation's e-ID login leaves it (the registry confirmed it at the login)."""
    client = log_in_citizen(Client(), person)
    session = client.session
    session["citizen"] = {**session["citizen"], "organisation": {
        "code": organisation.code, "tax_code": organisation.code, "name": organisation.name,
        "kind": organisation.kind, "role": organisation.representative_title}}
    session.save()
    return client


def post(client, path, body):
    return client.post(path, body, content_type="application/json")


RULING = {"procedure_code": CUSTOMS, "phone": "0912345678",
          "form": {"goods_description": "Máy pha cà phê", "direction": "import", "phone": "0912345678"},
          "files": [{"evidence": "tai_lieu_ky_thuat", "name": "catalogue.pdf",
                     "content": base64.b64encode(sample_scan()).decode()}]}


def test_an_organisation_files_through_the_api_and_lists_its_dossiers(seeded):
    an = organisation_client()
    assert an.get("/api/organisations/mine").json() == [
        {"code": COMPANY.code, "name": COMPANY.name, "filed_as": "legal_representative", "procedures": [],
         "expires_on": None}]
    filed = post(an, f"/api/organisations/{COMPANY.code}/dossiers", RULING)
    assert filed.status_code == 201, filed.json()
    code = filed.json()["code"]
    detail = an.get(f"/api/dossiers/{code}").json()
    assert detail["applicant"]["name"] == COMPANY.name
    assert detail["provenance"]["applicant.name"]["registry"] == "organisation"
    assert [d["code"] for d in an.get(f"/api/organisations/{COMPANY.code}/dossiers").json()] == [code]
    # An's personal login is not the organisation's.
    personal = log_in_citizen(Client(), AN)
    assert personal.get(f"/api/organisations/{COMPANY.code}/dossiers").status_code == 404
    refused = post(personal, f"/api/organisations/{COMPANY.code}/dossiers", RULING)
    assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "not_for_organisation"


def test_a_delegation_granted_used_and_revoked_through_the_api(seeded):
    an, binh = organisation_client(), log_in_citizen(Client(), BINH)
    expires = (timezone.localdate() + timedelta(days=30)).isoformat()
    granted = post(an, f"/api/organisations/{COMPANY.code}/delegations", {
        "staff_id_number": BINH.id_number, "staff_name": BINH.name, "procedures": [CUSTOMS], "expires_on": expires})
    assert granted.status_code == 201 and granted.json()["in_force"]
    assert binh.get("/api/organisations/mine").json()[0]["filed_as"] == "staff"
    filed = post(binh, f"/api/organisations/{COMPANY.code}/dossiers", RULING)
    assert filed.status_code == 201, filed.json()
    code = filed.json()["code"]
    assert binh.get(f"/api/dossiers/{code}").status_code == 200
    revoked = post(an, f"/api/organisations/{COMPANY.code}/delegations/{granted.json()['id']}/revoke", {})
    assert revoked.status_code == 200 and not revoked.json()["in_force"]
    again = post(binh, f"/api/organisations/{COMPANY.code}/dossiers", RULING)
    assert again.status_code == 422 and again.json()["errors"][0]["code"] == "delegation_revoked"
    assert binh.get(f"/api/dossiers/{code}").status_code == 403
    assert binh.get("/api/organisations/mine").json() == []
    assert [d["staff_id_number"] for d in an.get(f"/api/organisations/{COMPANY.code}/delegations").json()] == [
        BINH.id_number]


def test_a_delegation_is_checked(seeded):
    an = organisation_client()
    bad = post(an, f"/api/organisations/{COMPANY.code}/delegations", {
        "staff_id_number": "123", "staff_name": "", "procedures": ["1.001193"], "expires_on": "2020-01-01"})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"staff_id_number", "staff_name", "procedures",
                                                         "expires_on"}
    staff = log_in_citizen(Client(), BINH)
    assert staff.get(f"/api/organisations/{COMPANY.code}/delegations").status_code == 403
