"""The back office's queue: a search form (labels, GET parameters, no script needed), paged, its filters refused by
field when malformed, its cost the same however many rows; the API searches the same way."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.backoffice import views
from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.demo.seeding import DEMO_CITIZENS
from motcua.demo.testing import log_in_official, official_actor, sample_submission
from motcua.dossiers import services
from motcua.identity.actors import Role
from motcua.identity.callers import issue_token
from motcua.identity.models import Official

HOAN_KIEM = "H01.X00070.UB"


def at_counter(name: str, person=DEMO_CITIZENS[0], procedure_code: str = "1.001193") -> str:
    receiver = official_actor(HOAN_KIEM, Role.RECEIVER)
    spec = spec_of(Procedure.objects.get(code=procedure_code).current_version)
    return services.submit(sample_submission(spec, person, channel="counter", applicant_name=name), receiver)[0].code


def listed(page: str) -> list[str]:
    return re.findall(r'<td data-testid="applicant">([^<]*)</td>', page)


@pytest.fixture
def officer(client, seeded):
    return log_in_official(client, "hoankiem.motcua")


def test_the_queue_is_searched_with_a_labelled_form(officer):
    at_counter("Đặng Thị Đào")
    at_counter("Trần Thị Bình", DEMO_CITIZENS[1], "1.004873")
    at_counter("Nguyễn Văn An")
    page = officer.get("/backoffice/").content.decode()
    assert sorted(listed(page)) == ["Nguyễn Văn An", "Trần Thị Bình", "Đặng Thị Đào"]
    for field in ("q", "status", "procedure", "flag", "days", "due_from", "due_to"):
        assert re.search(rf'<label for="f-{field}">[^<]+</label>\s*<(input|select) id="f-{field}" [^>]*name="{field}"',
                         page), field
    assert listed(officer.get("/backoffice/", {"q": "thi"}).content.decode()) in (
        ["Đặng Thị Đào", "Trần Thị Bình"], ["Trần Thị Bình", "Đặng Thị Đào"])
    found = officer.get("/backoffice/", {"q": "THI", "procedure": "1.004873", "status": "1"}).content.decode()
    assert listed(found) == ["Trần Thị Bình"] and "Tìm thấy 1 hồ sơ" in found
    assert 'value="THI"' in found and '<option value="1.004873" selected>' in found


@pytest.mark.parametrize(("params", "field", "message"), [
    ({"status": "11"}, "status", "Chọn một trạng thái trong danh sách."),
    ({"flag": "soon"}, "flag", "Chọn một hạn trong danh sách."),
    ({"flag": "nearing", "days": "0"}, "days", "Số ngày làm việc từ 1 đến 60."),
    ({"days": "x"}, "days", "Số ngày làm việc từ 1 đến 60."),
    ({"due_from": "2026-02-30"}, "due_from", "Ngày không hợp lệ (năm-tháng-ngày)."),
    ({"due_from": "2026-03-05", "due_to": "2026-03-01"}, "due_to", "Ngày cuối phải từ ngày đầu trở đi."),
])
def test_malformed_filters_are_refused_by_field(officer, params, field, message):
    at_counter("Đặng Thị Đào")
    response = officer.get("/backoffice/", params)
    page = response.content.decode()
    assert response.status_code == 400 and listed(page) == []
    assert re.search(rf'<div class="field[^"]* has-error"><label for="f-{field}">', page)
    assert f'<p class="field-error" role="alert">{message}</p>' in page
    assert f'<a href="#f-{field}">{message}</a>' in page  # the summary leads to the field


def test_errors_are_said_in_english_on_the_english_page(officer):
    officer.cookies["django_language"] = "en"
    page = officer.get("/backoffice/", {"due_from": "soon"}).content.decode()
    assert "Not a valid date (year-month-day)." in page


def test_the_queue_is_paged_keeping_its_search(officer, monkeypatch):
    monkeypatch.setattr(views, "QUEUE_PAGE", 2)
    for name in ("Đặng Thị Đào", "Đỗ Thị Hà", "Phạm Thị Hoa"):
        at_counter(name)
    first = officer.get("/backoffice/", {"q": "thi"}).content.decode()
    assert len(listed(first)) == 2 and 'href="?q=thi&amp;page=2"' in first
    second = officer.get("/backoffice/", {"q": "thi", "page": "2"}).content.decode()
    assert len(listed(second)) == 1 and not set(listed(first)) & set(listed(second))


def test_the_pages_cost_does_not_grow_with_its_rows(officer):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert officer.get("/backoffice/").status_code == 200
        return len(captured)

    at_counter("Đặng Thị Đào")
    one = queries()
    for name in ("Đỗ Thị Hà", "Phạm Thị Hoa", "Vũ Văn Nam"):
        at_counter(name)
    assert queries() == one


def test_only_the_agencys_own_dossiers_are_searched(client, seeded):
    code = at_counter("Đặng Thị Đào")
    log_in_official(client, "hanoi.stp.motcua")
    assert listed(client.get("/backoffice/", {"q": code}).content.decode()) == []
    assert listed(client.get("/backoffice/", {"q": "dao", "status": "2"}).content.decode()) == []


def test_the_api_searches_the_queue_the_same_way(client, seeded):
    at_counter("Đặng Thị Đào")
    at_counter("Trần Thị Bình", DEMO_CITIZENS[1])
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(Official.objects.get(user__username='hoankiem.motcua'))}"}
    found = client.get("/api/queue", {"q": "dang dao"}, **bearer).json()
    assert found["count"] == 1 and found["items"][0]["applicant_name"] == "Đặng Thị Đào"
    assert client.get("/api/queue", {"q": DEMO_CITIZENS[1].id_number}, **bearer).json()["count"] == 1
    assert client.get("/api/queue", {"procedure": "1.004873"}, **bearer).json()["count"] == 0
    assert client.get("/api/queue", {"days": "0"}, **bearer).status_code == 422
