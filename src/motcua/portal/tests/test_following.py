"""Following one's dossiers on the portal: "my dossiers" narrowed to what needs the citizen, each dossier saying
at its top what is asked of them; and the same in the API."""

import re

import pytest

from motcua.demo.seeding import DEMO_CITIZENS
from motcua.demo.testing import dossiers_at_each_need
from motcua.portal import views

AN = DEMO_CITIZENS[0]


@pytest.fixture
def dossiers(citizen):
    return dossiers_at_each_need(AN)


def listed_codes(page: str) -> set[str]:
    return set(re.findall(r'data-testid="needed-([^"]+)"', page))


def test_my_dossiers_narrow_to_what_needs_me_and_say_what(citizen, dossiers):
    d = dossiers
    page = citizen.get("/ho-so/", {"following": "needs_action"}).content.decode()
    assert listed_codes(page) == {d["asked"], d["owing"], d["returned"]}
    for code, label in ((d["asked"], "Bổ sung hồ sơ"), (d["owing"], "Nộp phí, lệ phí"),
                        (d["returned"], "Đánh giá việc giải quyết")):
        assert re.search(rf'data-testid="needed-{re.escape(code)}"><a [^>]*>{label}', page), code
    assert 'aria-current="page">Cần tôi thực hiện <span class="count">3</span>' in page
    assert listed_codes(citizen.get("/ho-so/", {"following": "in_progress"}).content.decode()) == {
        d["new"], d["asked"], d["owing"]}
    assert listed_codes(citizen.get("/ho-so/", {"following": "finished"}).content.decode()) == {
        d["returned"], d["rated"]}
    assert listed_codes(citizen.get("/ho-so/", {"following": "nonsense"}).content.decode()) == set(d.values())


def test_my_dossiers_are_paged_keeping_the_filter(citizen, dossiers, monkeypatch):
    monkeypatch.setattr(views, "MY_DOSSIERS_PAGE", 2)
    first = citizen.get("/ho-so/", {"following": "needs_action"}).content.decode()
    assert len(listed_codes(first)) == 2 and "?following=needs_action&amp;page=2" in first
    second = citizen.get("/ho-so/", {"following": "needs_action", "page": "2"}).content.decode()
    assert len(listed_codes(second)) == 1 and listed_codes(first).isdisjoint(listed_codes(second))
    assert listed_codes(citizen.get("/ho-so/", {"page": "999"}).content.decode())  # past the end: the last page


def test_the_dossier_says_at_its_top_what_is_asked(citizen, dossiers):
    d = dossiers
    for code, needed, section in ((d["asked"], "Bổ sung hồ sơ theo yêu cầu", 'id="bo-sung"'),
                                  (d["owing"], "Nộp phí, lệ phí", 'data-testid="fee-due"'),
                                  (d["returned"], "Đánh giá việc giải quyết hồ sơ", 'data-testid="rating-form"')):
        page = citizen.get(f"/ho-so/{code}/").content.decode()
        assert f"Việc bạn cần làm:</strong> {needed}" in page
        assert page.index('data-testid="needed-action"') < page.index(section) < page.index('data-testid="status"')
    for code in (d["new"], d["rated"]):
        page = citizen.get(f"/ho-so/{code}/").content.decode()
        assert 'data-testid="needed-action"' not in page and 'data-testid="rating-form"' not in page


def test_english_pages_say_it_in_english(citizen, dossiers):
    citizen.cookies["django_language"] = "en"
    page = citizen.get("/ho-so/", {"following": "needs_action"}).content.decode()
    assert "Needs my action" in page and "Pay the fee" in page and "Financial obligation requested" in page
    assert "What you need to do:</strong> Rate how the dossier was handled" in citizen.get(
        f"/ho-so/{dossiers['returned']}/").content.decode()


def test_the_api_says_the_needed_action_and_narrows_the_same_way(citizen, dossiers):
    d = dossiers
    needing = citizen.get("/api/dossiers", {"following": "needs_action"}).json()
    assert needing["count"] == 3
    assert {i["code"]: i["needed_action"] for i in needing["items"]} == {
        d["asked"]: "supplement", d["owing"]: "payment", d["returned"]: "rating"}
    assert citizen.get("/api/dossiers", {"following": "finished"}).json()["count"] == 2
    assert citizen.get(f"/api/dossiers/{d['rated']}").json()["needed_action"] is None
    assert citizen.get("/api/dossiers", {"following": "soon"}).status_code == 422
