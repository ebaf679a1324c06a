"""The REST API end to end through Django's test client, on the configured database."""

import base64
import threading
import uuid

import pytest
from django.db import connection

from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.demo.seeding import BIRTH_FORM, DEMO_CITIZENS, DEMO_COMMUNE, DEMO_PASSWORD
from motcua.demo.testing import log_in_citizen, sample_scan, sample_value
from motcua.documents.models import Attachment
from motcua.dossiers.models import Dossier, DossierAction
from motcua.identity.actors import citizen_actor
from motcua.identity.callers import issue_token
from motcua.identity.models import Official

CITIZEN = DEMO_CITIZENS[0]
AGENCY = "H01.X00070.UB"


def attached(evidence_code, content=None, name="to-khai.pdf"):
    """A file of the submission, as the API takes it (base64)."""
    content = sample_scan() if content is None else content
    return {"evidence": evidence_code, "name": name, "content": base64.b64encode(content).decode()}


def submission(**overrides):
    body = {
        "procedure_code": "1.001193",
        "channel": "online",
        "applicant": {"id_number": CITIZEN.id_number, "name": CITIZEN.name, "phone": CITIZEN.phone},
        "commune_code": DEMO_COMMUNE,
        "form": dict(BIRTH_FORM),
        "evidence": ["to_khai"],
    }
    body.update(overrides)
    return body


def bearer(username):
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(Official.objects.get(user__username=username))}"}


def post(client, path, body=None, **headers):
    return client.post(path, body or {}, content_type="application/json", **headers)


@pytest.fixture
def submitted(citizen):
    response = post(citizen, "/api/dossiers", submission())
    assert response.status_code == 201, response.json()
    return response.json()["code"]


# --- catalog -------------------------------------------------------------------------------------

def test_catalog_search_and_read(client, seeded):
    found = client.get("/api/procedures", {"q": "dang ky khai sinh"}).json()
    assert "1.001193" in [p["code"] for p in found["items"]]
    detail = client.get("/api/procedures/1.001193").json()
    assert detail["name_vi"] == "Đăng ký khai sinh" and detail["version"] >= 1
    assert detail["definition"]["workflow"][0]["step"] == "reception"


def test_unknown_procedure_is_404_with_bilingual_detail(client, seeded):
    response = client.get("/api/procedures/9.999999")
    assert response.status_code == 404
    assert response.json()["detail"] == {"vi": "Không tìm thấy.", "en": "Not found."}


def test_bad_query_parameter_is_422_not_500(client, seeded):
    response = client.get("/api/procedures", {"limit": "many"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "limit"


def test_divisions(client, seeded):
    assert len(client.get("/api/divisions/provinces").json()) == 34
    communes = client.get("/api/divisions/provinces/01/communes").json()
    assert any(c["code"] == DEMO_COMMUNE for c in communes)
    names = [c["name"] for c in communes]  # Vietnamese order of the names after the kind: Đ after D, Ă after A
    assert names.index("Phường Ba Đình") < names.index("Xã Ba Vì") < names.index("Phường Dương Nội") \
        < names.index("Phường Đống Đa") < names.index("Phường Hoàn Kiếm")


# --- submission ----------------------------------------------------------------------------------

def test_submit_routes_to_competent_commune_and_shapes_code(citizen):
    response = post(citizen, "/api/dossiers", submission())
    assert response.status_code == 201
    body = response.json()
    assert body["status"]["code"] == 1 and body["agency"]["code"] == AGENCY
    prefix, day, seq = body["code"].rsplit("-", 2)
    assert prefix == AGENCY and len(day) == 6 and len(seq) >= 4 and seq.isdigit()


def test_submission_anywhere_picks_the_chosen_commune(citizen):
    other = "26506"  # a commune in Hồ Chí Minh City, far from the applicant's home
    response = post(citizen, "/api/dossiers", submission(commune_code=other))
    assert response.status_code == 201, response.json()
    assert response.json()["agency"]["code"] == f"H79.X{other}.UB"


def test_idempotency_key(citizen):
    key = str(uuid.uuid4())
    first = post(citizen, "/api/dossiers", submission(), HTTP_IDEMPOTENCY_KEY=key)
    again = post(citizen, "/api/dossiers", submission(), HTTP_IDEMPOTENCY_KEY=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["code"] == again.json()["code"]
    changed = post(citizen, "/api/dossiers", submission(form={**BIRTH_FORM, "birth_place": "Khác"}),
                   HTTP_IDEMPOTENCY_KEY=key)
    assert changed.status_code == 409
    assert changed.json()["errors"][0]["field"] == "idempotency_key"
    assert Dossier.objects.count() == 1


@pytest.mark.parametrize("overrides, field", [
    ({"procedure_code": "nope"}, "procedure_code"),
    ({"channel": "fax"}, "channel"),
    ({"applicant": {"id_number": "123", "name": "A"}}, "applicant.id_number"),
    ({"commune_code": "99999"}, "commune_code"),
    ({"form": {**BIRTH_FORM, "child_birth_date": "2026-13-45"}}, "form.child_birth_date"),
    ({"form": {**BIRTH_FORM, "child_sex": "X"}}, "form.child_sex"),
    ({"form": {k: v for k, v in BIRTH_FORM.items() if k != "child_full_name"}}, "form.child_full_name"),
    ({"form": {**BIRTH_FORM, "surprise": 1}}, "form.surprise"),
    ({"evidence": ["to_khai", "giay_chung_sinh"]}, "evidence.giay_chung_sinh"),
    ({"applicant": {"id_number": CITIZEN.id_number, "name": "Nguyễn Văn An 😀"}}, "applicant.name"),
    ({"applicant": {"id_number": CITIZEN.id_number, "name": "\u202eAn"}}, "applicant.name"),
    ({"applicant": {"id_number": CITIZEN.id_number, "name": "\u200b\u200b"}}, "applicant.name"),
    ({"form": {**BIRTH_FORM, "birth_place": "Bệnh viện 王"}}, "form.birth_place"),
    ({"form": "not an object"}, "form"),
    ({"applicant": None}, "applicant.id_number"),
])
def test_bad_submission_gives_field_errors_and_writes_nothing(citizen, overrides, field):
    response = post(citizen, "/api/dossiers", submission(**overrides))
    assert response.status_code == 422, response.json()
    errors = response.json()["errors"]
    assert field in [e["field"] for e in errors], errors
    assert all(e["vi"] and e["en"] for e in errors)
    assert Dossier.objects.count() == 0 and DossierAction.objects.count() == 0


def permit_submission(**overrides):
    """A building permit (1.013225): online, its design drawings must come as a file, and so must the land-use
    right certificate, which the applicant's wallet does not hold (the API pre-fills as the portal does)."""
    spec = spec_of(Procedure.objects.get(code="1.013225").current_version)
    files = [*overrides.pop("files", []), attached("giay_chung_nhan_qsdd", name="so-do.pdf")]
    return submission(**{"procedure_code": spec.code, "form": {f.name: sample_value(f) for f in spec.fields},
                         "evidence": ["don_de_nghi"], "files": files, **overrides})


@pytest.mark.parametrize(("overrides", "field", "code"), [
    ({}, "evidence.ban_ve_thiet_ke", "file_required"),
    ({"evidence": ["don_de_nghi", "ban_ve_thiet_ke"]}, "evidence.ban_ve_thiet_ke", "file_required"),
    ({"files": [attached("ban_ve_thiet_ke", b"")]}, "evidence.ban_ve_thiet_ke", "empty_file"),
    ({"files": [{**attached("ban_ve_thiet_ke"), "content": "bản vẽ"}]}, "files.0.content", "base64_invalid"),
])
def test_online_a_document_is_a_file_not_a_tick(citizen, overrides, field, code):
    response = post(citizen, "/api/dossiers", permit_submission(**overrides))
    assert response.status_code == 422, response.json()
    assert (field, code) in [(e["field"], e["code"]) for e in response.json()["errors"]]
    assert not Dossier.objects.exists()


def test_online_the_declaration_is_the_form_and_other_documents_are_attached(citizen):
    response = post(citizen, "/api/dossiers", permit_submission(files=[attached("ban_ve_thiet_ke", name="ban-ve.pdf")]))
    assert response.status_code == 201, response.json()
    dossier = Dossier.objects.get(code=response.json()["code"])
    assert dossier.evidence == ["ban_ve_thiet_ke", "don_de_nghi", "giay_chung_nhan_qsdd"]
    origin = dossier.provenance["evidence.giay_chung_nhan_qsdd"]  # looked for in the wallet, then asked
    assert (origin["registry"], origin["found"]) == ("documents", False)
    drawing = Attachment.objects.get(dossier=dossier, evidence_code="ban_ve_thiet_ke")
    assert (drawing.evidence_code, drawing.original_name, drawing.file.read()) == ("ban_ve_thiet_ke", "ban-ve.pdf",
                                                                                    sample_scan())


def test_malformed_json_is_a_client_error(citizen):
    response = citizen.post("/api/dossiers", "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500
    assert Dossier.objects.count() == 0


def test_submit_requires_login(client, seeded):
    response = post(client, "/api/dossiers", submission())
    assert response.status_code == 401
    assert response.json()["detail"]["vi"]


def test_procedure_demands_e_id_level(client, seeded):
    level_one = log_in_citizen(client, DEMO_CITIZENS[2])
    body = submission(applicant={"id_number": DEMO_CITIZENS[2].id_number, "name": DEMO_CITIZENS[2].name})
    response = post(level_one, "/api/dossiers", body)
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "eid_level_too_low"
    assert Dossier.objects.count() == 0


def test_citizen_cannot_submit_for_someone_else(citizen):
    other = DEMO_CITIZENS[1]
    response = post(citizen, "/api/dossiers", submission(applicant={"id_number": other.id_number, "name": other.name}))
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "not_self"


def test_counter_submission_by_official(client, seeded):
    body = submission(channel="counter", applicant={"id_number": DEMO_CITIZENS[2].id_number, "name": "Lê Hoàng Cường"})
    response = post(client, "/api/dossiers", body, **bearer("hoankiem.motcua"))
    assert response.status_code == 201, response.json()
    assert response.json()["channel"] == "counter"
    assert "receive" in response.json()["allowed_actions"]


@pytest.mark.parametrize(("official", "channel", "code"), [
    ("hoankiem.motcua", "online", "online_by_applicant_only"),  # "online" in a citizen's name, past the e-ID
    ("hoankiem.chuyenvien", "counter", "counter_only"),
    ("hoankiem.lanhdao", "post", "counter_only"),
])
def test_officials_record_counter_and_postal_submissions_only_at_reception(client, seeded, official, channel, code):
    response = post(client, "/api/dossiers", submission(channel=channel), **bearer(official))
    assert response.status_code == 403
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == ("channel", code) and error["vi"] != error["en"]
    assert Dossier.objects.count() == 0


def test_citizens_file_online_only(citizen):
    response = post(citizen, "/api/dossiers", submission(channel="counter"))
    assert response.status_code == 403
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("channel", "counter_only")]
    assert Dossier.objects.count() == 0


# --- reading ---------------------------------------------------------------------------------------

def test_public_status_has_no_personal_data(client, submitted):
    client.logout()
    body = client.get(f"/api/dossiers/{submitted}/status").json()
    assert body["status"]["code"] == 1
    assert CITIZEN.id_number not in str(body) and CITIZEN.name not in str(body)


def test_detail_for_applicant_and_agency_only(client, submitted):
    assert client.get(f"/api/dossiers/{submitted}").json()["applicant"]["id_number"] == CITIZEN.id_number
    stranger = log_in_citizen(client, DEMO_CITIZENS[1])
    assert stranger.get(f"/api/dossiers/{submitted}").status_code == 403
    assert client.get(f"/api/dossiers/{submitted}", **bearer("hanoi.stp.motcua")).status_code == 403
    assert client.get(f"/api/dossiers/{submitted}", **bearer("hoankiem.chuyenvien")).status_code == 200
    from motcua.registries.models import AccessLog

    read = AccessLog.objects.get(person_id_number=CITIZEN.id_number, registry="dossier")  # the official's only
    assert (read.reader_id, read.dossier_code, read.purpose) == ("hoankiem.chuyenvien", submitted,
                                                                 "Xem hồ sơ khi giải quyết")


def test_full_lifecycle_through_the_api(client, submitted):
    receiver, specialist, leader = (bearer(f"hoankiem.{r}") for r in ("motcua", "chuyenvien", "lanhdao"))
    steps = [("receive", receiver, {}), ("forward", receiver, {}), ("forward", specialist, {}),
             ("complete", leader, {"outcome": "approved", "confirmation": DEMO_PASSWORD, "reviewed": True}), ("return-result", receiver, {})]
    for kind, who, body in steps:
        response = post(client, f"/api/dossiers/{submitted}/{kind}", body, **who)
        assert response.status_code == 200, (kind, response.json())
    final = client.get(f"/api/dossiers/{submitted}", **receiver).json()
    assert final["status"]["code"] == 10
    assert [e["action"] for e in final["journal"]] == ["submit", "receive", "forward", "forward", "complete",
                                                      "return_result"]
    assert len(final["handoffs"]) == 3 and final["on_time"] is not None
    assert final["journal"][1]["actor"]["agency"] == AGENCY
    journal = client.get(f"/api/dossiers/{submitted}/journal", **receiver).json()
    assert len(journal) == 6


def test_illegal_transition_is_409_bilingual(client, submitted):
    response = post(client, f"/api/dossiers/{submitted}/complete", {"confirmation": DEMO_PASSWORD, "reviewed": True},
                    **bearer("hoankiem.lanhdao"))
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "illegal_transition" and "Không thể" in body["detail"]["vi"]


def test_outsiders_acting_learn_nothing_of_the_dossier(client, submitted):
    """An official of another agency or another citizen gets the same 403 whatever the action, so no answer
    (illegal transition, nothing owed…) tells them the dossier's status."""
    for kind in ("receive", "complete", "pay", "request-payment"):
        response = post(client, f"/api/dossiers/{submitted}/{kind}", {"reason": "x"}, **bearer("hanoi.stp.motcua"))
        assert (response.status_code, response.json()["code"]) == (403, "not_yours")
    log_in_citizen(client, DEMO_CITIZENS[1])
    for kind in ("withdraw", "supplement"):
        response = post(client, f"/api/dossiers/{submitted}/{kind}", {"reason": "x"})
        assert (response.status_code, response.json()["code"]) == (403, "not_yours")


def test_reason_required_is_field_error(client, submitted):
    response = post(client, f"/api/dossiers/{submitted}/refuse", {"reason": "  "}, **bearer("hoankiem.motcua"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "reason"


@pytest.mark.parametrize(("reason", "code"), [("Thiếu giấy tờ \u202egnp.exe", "bidi_control"),
                                              ("Thiếu bản sao 📎", "unprintable_character")])
def test_a_reason_the_tracking_sheet_could_not_print_is_refused(client, submitted, reason, code):
    response = post(client, f"/api/dossiers/{submitted}/refuse", {"reason": reason}, **bearer("hoankiem.motcua"))
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("reason", code)]
    assert DossierAction.objects.filter(dossier__code=submitted).count() == 1  # the submission only


def test_supplement_once_and_citizen_supplies(client, submitted):
    receiver = bearer("hoankiem.motcua")
    assert post(client, f"/api/dossiers/{submitted}/receive", {}, **receiver).status_code == 200
    first = post(client, f"/api/dossiers/{submitted}/request-supplement", {"reason": "Thiếu giấy tờ"}, **receiver)
    assert first.json()["status"]["code"] == 5 and first.json()["paused"] is True
    empty = post(client, f"/api/dossiers/{submitted}/supplement", {})  # the applicant's session
    assert empty.status_code == 422 and empty.json()["errors"][0]["code"] == "empty_supplement"
    supplied = post(client, f"/api/dossiers/{submitted}/supplement", {"reason": "Đã gửi bản sao qua bưu điện"})
    assert supplied.json()["status"]["code"] == 2, supplied.json()
    again = post(client, f"/api/dossiers/{submitted}/request-supplement", {"reason": "Lần 2"}, **receiver)
    assert again.status_code == 409 and again.json()["code"] == "supplement_once"


def test_apology_needs_later_working_date(client, submitted):
    receiver = bearer("hoankiem.motcua")
    received = post(client, f"/api/dossiers/{submitted}/receive", {}, **receiver).json()
    bad = post(client, f"/api/dossiers/{submitted}/apologize",
               {"reason": "Cần xác minh", "new_date": received["appointment_date"]}, **receiver)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "new_date"
    wrong_type = post(client, f"/api/dossiers/{submitted}/apologize", {"reason": "x", "new_date": "soon"}, **receiver)
    assert wrong_type.status_code == 422 and wrong_type.json()["errors"][0]["field"] == "new_date"


def test_transfer_to_unknown_agency_is_field_error(client, submitted):
    receiver = bearer("hoankiem.motcua")
    post(client, f"/api/dossiers/{submitted}/receive", {}, **receiver)
    response = post(client, f"/api/dossiers/{submitted}/transfer", {"reason": "x", "to_agency": "NOPE"}, **receiver)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "to_agency"


def test_queue_lists_agency_dossiers_by_due_date(client, submitted):
    receiver = bearer("hoankiem.motcua")
    post(client, f"/api/dossiers/{submitted}/receive", {}, **receiver)
    queue = client.get("/api/queue", **receiver).json()
    assert queue["count"] == 1 and queue["items"][0]["code"] == submitted
    assert queue["items"][0]["due_date"] and queue["items"][0]["applicant_name"] == CITIZEN.name
    assert client.get("/api/queue", **bearer("hanoi.stp.motcua")).json()["count"] == 0
    assert client.get("/api/queue").status_code == 403  # the applicant's session is not an official's
    client.logout()
    assert client.get("/api/queue").status_code == 401


def test_openapi_document_is_committed_and_current(client, seeded):
    import json
    from pathlib import Path

    committed = Path(__file__).resolve().parents[4] / "docs" / "openapi.json"
    generated = client.get("/api/openapi.json").json()
    assert json.loads(committed.read_text(encoding="utf-8")) == generated, \
        "docs/openapi.json is stale: run `motcua openapi docs/openapi.json`"


@pytest.mark.django_db(transaction=True)
def test_codes_unique_under_concurrent_submissions(seeded):
    from motcua.dossiers import services

    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memorydb"):
        pytest.skip("in-memory SQLite serializes writers; the PostgreSQL run checks real concurrency")
    codes, failures = [], []

    def one(i):
        try:
            sub = services.Submission(
                procedure_code="1.001193", channel="online", applicant_id_number=f"0010900{i:05d}",
                applicant_name="Người nộp", commune_code=DEMO_COMMUNE, form=dict(BIRTH_FORM), evidence=["to_khai"])
            dossier, _ = services.submit(sub, citizen_actor(sub.applicant_id_number, eid_level=2))
            codes.append(dossier.code)
        except Exception as exc:  # noqa: BLE001 — collected and asserted below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures
    assert len(set(codes)) == 24
    assert sorted(int(c.rsplit("-", 1)[1]) for c in codes) == list(range(1, 25))


def test_database_refuses_to_rewrite_the_journal(submitted):
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic():
        DossierAction.objects.filter(dossier__code=submitted).update(reason="rewritten")


@pytest.mark.parametrize("path, body", [
    ("/api/dossiers", {"procedure_code": "\x00", "applicant": {"id_number": "1", "name": "a\x00"}}),
    ("/api/procedures/1.001193%00", None),
    ("/api/procedures?q=a%00b", None),
])
def test_nul_characters_are_refused_not_crashing(citizen, path, body):
    response = post(citizen, path, body) if body else citizen.get(path)
    assert response.status_code in (404, 422)
    if response.status_code == 422:
        assert response.json()["errors"][0]["code"] == "nul_character"
    assert Dossier.objects.count() == 0


@pytest.mark.parametrize("header", ["Basic Zm9vOmJhcg==", "Token abc", "bearer-ish"])
def test_an_authorization_header_other_than_bearer_never_falls_back_to_the_session(seeded, header):
    from django.test import Client

    client = log_in_citizen(Client(enforce_csrf_checks=True))
    response = post(client, "/api/dossiers", submission(), HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert not Dossier.objects.exists()
    assert client.get("/api/wallet", HTTP_AUTHORIZATION=header).status_code == 401


def test_a_signed_decision_needs_a_fresh_second_factor(client, submitted):
    """A token or an open session alone does not sign: the leader confirms in the same request, with a code
    from their authenticator once enrolled (the password then no longer does), and the proof is kept nowhere."""
    from motcua.demo.testing import fresh_code
    from motcua.identity.models import Authenticator

    receiver, specialist, leader = (bearer(f"hoankiem.{r}") for r in ("motcua", "chuyenvien", "lanhdao"))
    for kind, who in (("receive", receiver), ("forward", receiver), ("forward", specialist)):
        assert post(client, f"/api/dossiers/{submitted}/{kind}", {}, **who).status_code == 200
    url = f"/api/dossiers/{submitted}/complete"
    refused = post(client, url, {"outcome": "approved", "reviewed": True}, **leader)
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["field"] == "confirmation" and "mật khẩu" in refused.json()["detail"]["vi"]
    Authenticator.objects.create(user=Official.objects.get(user__username="hoankiem.lanhdao").user,
                                 name="authenticator", confirmed=True)
    signed = {"outcome": "approved", "reviewed": True}
    assert post(client, url, {**signed, "confirmation": DEMO_PASSWORD}, **leader).status_code == 403
    done = post(client, url, {**signed, "confirmation": fresh_code("hoankiem.lanhdao")}, **leader)
    assert done.status_code == 200, done.json()
    stored = DossierAction.objects.filter(dossier__code=submitted, kind="complete").get()
    assert not {"confirmation", "reviewed"} & set(stored.data) and DEMO_PASSWORD not in str(stored.data)


def test_confirmations_cannot_be_guessed(client, submitted, settings):
    """Wrong confirmations are counted whatever process checks them: after LOGIN_FAILURE_LIMIT of them in 15
    minutes not even the right one is checked (429), and nothing is signed."""
    receiver, specialist, leader = (bearer(f"hoankiem.{r}") for r in ("motcua", "chuyenvien", "lanhdao"))
    for kind, who in (("receive", receiver), ("forward", receiver), ("forward", specialist)):
        assert post(client, f"/api/dossiers/{submitted}/{kind}", {}, **who).status_code == 200
    url = f"/api/dossiers/{submitted}/complete"
    for guess in range(settings.AXES_FAILURE_LIMIT):
        guessed = {"outcome": "approved", "reviewed": True, "confirmation": f"doan-{guess}"}
        assert post(client, url, guessed, **leader).status_code == 403
    throttled = post(client, url, {"outcome": "approved", "reviewed": True, "confirmation": DEMO_PASSWORD}, **leader)
    assert throttled.status_code == 429 and throttled.json()["code"] == "confirmation_throttled"
    assert throttled.json()["errors"][0]["field"] == "confirmation"
    assert not DossierAction.objects.filter(dossier__code=submitted, kind="complete").exists()


def test_every_schema_has_a_name_of_its_own():
    """OpenAPI keys schemas by class name: two routers' schemas of one name would describe one of them wrongly."""
    import inspect

    from ninja import Schema

    from motcua.api import urls

    seen: dict[str, str] = {}
    for module in {m for m in vars(urls).values() if inspect.ismodule(m) and m.__name__.startswith("motcua.api.")}:
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, Schema) and value.__module__ == module.__name__:
                assert seen.setdefault(name, module.__name__) == module.__name__, f"{name} is defined twice"
