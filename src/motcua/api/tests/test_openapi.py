"""The OpenAPI document says what every operation can answer, how to authenticate (token or session
cookie), and how to go from a submission to the dossier's status and actions (links); the errors it
describes are told in Vietnamese and in English."""

import pytest

from motcua.api.tests.test_api import bearer, post, submission
from motcua.demo.testing import log_in_citizen

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def document(client, seeded):
    return client.get("/api/openapi.json").json()


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def test_every_operation_declares_what_the_shared_layers_answer(document):
    checked = 0
    for path, method, operation in operations(document):
        declared = set(operation["responses"])
        assert {"400", "422"} <= declared, (method, path)
        if "{" in path:
            assert "404" in declared, (method, path)
        if "requestBody" in operation:
            assert "413" in declared, (method, path)
        if "security" in operation:
            assert "401" in declared and operation["security"][:2] == [{"ActorAuth": []}, {"SessionCookie": []}]
            app_scopes = operation["security"][2:]  # an app's access token, with the one scope it needs
            assert app_scopes == [] or (len(app_scopes) == 1 and "403" in declared), (method, path)
        checked += method == "get"
    assert checked >= 10


def test_the_session_cookie_is_a_declared_way_to_authenticate(document):
    schemes = document["components"]["securitySchemes"]
    assert (schemes["ActorAuth"]["type"], schemes["ActorAuth"]["scheme"]) == ("http", "bearer")
    assert schemes["EidApp"]["type"] == "oauth2"
    cookie = schemes["SessionCookie"]
    assert (cookie["type"], cookie["in"], cookie["name"]) == ("apiKey", "cookie", "sessionid")
    assert "X-CSRFToken" in cookie["description"]


def resolve(document, link_name: str, answer: dict) -> tuple[str, str]:
    """The method and path a link leads to, with its parameters taken from the answer it comes from."""
    link = document["components"]["links"][link_name]
    method, path = next((method, path) for path, method, operation in operations(document)
                        if operation["operationId"] == link["operationId"])
    for name, expression in link["parameters"].items():
        assert expression.startswith("$response.body#/")
        path = path.replace(f"{{{name}}}", answer[expression.removeprefix("$response.body#/")])
    return method, path


def test_links_lead_from_a_submission_to_its_status_and_actions(client, document):
    submitted = document["paths"]["/api/dossiers"]["post"]["responses"]
    for status in ("200", "201"):
        assert {"public_status", "read_dossier", "read_journal", "dossier_receive"} <= set(submitted[status]["links"])
    assert "links" in document["paths"]["/api/dossiers/{code}"]["get"]["responses"]["200"]
    answer = post(log_in_citizen(client), "/api/dossiers", submission()).json()

    method, path = resolve(document, "public_status", answer)
    assert (method, client.get(path).json()["status"]["code"]) == ("get", 1)
    method, path = resolve(document, "dossier_receive", answer)
    received = client.post(path, {}, content_type="application/json", **bearer("hoankiem.motcua"))
    assert (method, received.status_code, received.json()["status"]["code"]) == ("post", 200, 2)
    assert "dossier_forward" in document["paths"][path.replace(answer["code"], "{code}")]["post"]["responses"]["200"]["links"]


@pytest.mark.parametrize(("path", "body", "field", "code", "vi", "en"), [
    ("/api/procedures?limit=many", None, "limit", "int_parsing", "Phải là số nguyên.", "Must be a whole number."),
    ("/api/procedures?limit=0", None, "limit", "greater_than_equal", "Tối thiểu 1.", "At least 1."),
    ("/api/procedures?level=district", None, "level", "literal_error", "Chọn một trong: 'ministry', 'province' hoặc "
     "'commune'.", "Choose one of: 'ministry', 'province' or 'commune'."),
    ("/api/dossiers", {"procedure_code": "1.001193"}, "applicant", "missing", "Thiếu trường bắt buộc.",
     "This field is required."),
    ("/api/dossiers", {"procedure_code": "1.001193", "applicant": {"id_number": "1", "name": "A" * 300}},
     "applicant.name", "string_too_long", "Tối đa 255 ký tự.", "At most 255 characters."),
])
def test_validation_errors_are_told_in_both_languages_by_field(client, seeded, path, body, field, code, vi, en):
    log_in_citizen(client)
    response = post(client, path, body) if body else client.get(path)
    assert response.status_code == 422
    answer = response.json()
    assert answer["detail"]["vi"] != answer["detail"]["en"]
    assert {"field": field, "code": code, "vi": vi, "en": en} in answer["errors"]


def test_an_unreadable_body_is_told_in_both_languages(client, seeded):
    response = log_in_citizen(client).post("/api/dossiers", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == {"vi": "Không đọc được nội dung gửi lên (JSON).",
                                         "en": "The request body could not be read (JSON)."}
