"""U+0000, which no PostgreSQL text can hold: refused in the decoded input by the field that holds it, after
the caller is authenticated; "%00" typed as text is just text."""

import json

import pytest

from motcua.demo.seeding import BIRTH_FORM, DEMO_CITIZENS, DEMO_COMMUNE
from motcua.dossiers.models import Dossier

CITIZEN = DEMO_CITIZENS[0]


def submit(client, **form):
    body = {"procedure_code": "1.001193", "applicant": {"id_number": CITIZEN.id_number, "name": CITIZEN.name},
            "commune_code": DEMO_COMMUNE, "form": {**BIRTH_FORM, **form}, "evidence": ["to_khai"]}
    return client.post("/api/dossiers", json.dumps(body), content_type="application/json")


def test_percent_zero_zero_in_json_text_is_text(citizen):
    response = submit(citizen, birth_place="Phòng %00 số 5")
    assert response.status_code == 201, response.json()
    assert Dossier.objects.get().form_data["birth_place"] == "Phòng %00 số 5"


@pytest.mark.parametrize(("form", "field"), [
    ({"birth_place": "Bệnh viện\u0000"}, "form.birth_place"),
    ({"birth_place": ["a", "b\u0000"]}, "form.birth_place.1"),
    ({"bad\u0000key": "x"}, "form.bad\\u0000key"),
])
def test_a_nul_in_a_json_string_is_refused_by_its_field(citizen, form, field):
    response = submit(citizen, **form)
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [(field, "nul_character")]
    assert errors[0]["vi"] != errors[0]["en"] and not Dossier.objects.exists()


def test_a_nul_in_a_query_parameter_is_refused_by_its_name(client, seeded):
    response = client.get("/api/procedures", {"q": "khai\u0000sinh"})
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("q", "nul_character")]
    assert client.get("/api/procedures", {"q": "100%00"}).status_code == 200


@pytest.mark.parametrize("send", [
    lambda client: submit(client, birth_place="\u0000"),
    lambda client: client.get("/api/queue", {"flag": "\u0000"}),
    lambda client: client.get("/api/dossiers/H01.X00070.UB-260101-0001", {"x": "\u0000"}),
])
def test_an_unauthenticated_request_with_a_nul_is_told_to_authenticate(client, seeded, send):
    assert send(client).status_code == 401


def test_pages_refuse_a_nul_by_field_and_take_percent_zero_zero_as_text(client, seeded):
    refused = client.get("/thu-tuc/", {"q": "khai\u0000sinh"})
    assert refused.status_code == 400 and "'q'" in refused.content.decode()
    assert client.get("/thu-tuc/", {"q": "100%00"}).status_code == 200
    posted = client.post("/backoffice/dang-nhap/", {"username": "hoankiem\u0000", "password": "x"})
    assert posted.status_code == 400 and "'username'" in posted.content.decode()


def test_a_path_with_a_nul_names_nothing(client, seeded):
    assert client.get("/api/dossiers/A\u0000B/status").status_code == 404
    assert client.get("/tra-cuu/A\u0000B").status_code == 404


def test_an_idempotency_key_with_a_nul_is_refused(citizen):
    body = {"procedure_code": "1.001193", "applicant": {"id_number": CITIZEN.id_number, "name": CITIZEN.name}}
    response = citizen.post("/api/dossiers", json.dumps(body), content_type="application/json",
                            HTTP_IDEMPOTENCY_KEY="k\u0000")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["Idempotency-Key"]
