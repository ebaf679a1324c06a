"""Ministries ranked on the dossiers of the procedures they govern and of those their own units decide, with the
drill-down ministry → sector → procedure → province → deciding agency, on the dashboard and in /api/index."""

import pytest
from django.utils import timezone

from motcua.demo.seeding import seed_dossiers, seed_ministry_dossiers
from motcua.metrics import queries, rollup
from motcua.metrics.queries import Period
from motcua.metrics.tests.test_rollup import drain_all


@pytest.fixture
def ministry_activity(seeded):
    seed_dossiers()
    seed_ministry_dossiers(timezone.now())
    drain_all()
    return Period("year", timezone.localdate().year)


def this_and_last_year(level: str, **filters) -> dict[str, int]:
    """Dossiers received per scope, over this year and last (the demo dossiers span the past days)."""
    year = timezone.localdate().year
    received: dict[str, int] = {}
    for y in (year - 1, year):
        for code, counts in queries.counts_by_scope(level, Period("year", y), **filters).items():
            received[code] = received.get(code, 0) + counts.received
    return received


def test_the_ministry_ranking_has_a_row_for_each_ministry_with_dossiers(ministry_activity):
    received = this_and_last_year("M")
    # Justice: the birth registrations; Public Security: the judicial record, the child's residence and the
    # passport; Health: the child's health-insurance card, which Finance counts too (the social security office
    # is its unit), beside the customs ruling; Foreign Affairs: the official passport
    assert {"BTP", "BCA", "BYT", "BTC", "BNG"} <= set(received)
    assert received["BNG"] == 1 and received["BYT"] == 1 and received["BTC"] == 2
    assert received["BTP"] == sum(this_and_last_year("MF", parent="BTP|ho_tich").values()) + 1  # + the lawyer
    rows = queries.ranking("M", ministry_activity)
    assert {r.code for r in rows} == {code for code, n in received.items() if n}  # those with too few unranked
    assert [r.rank for r in rows if r.rank] == list(range(1, sum(1 for r in rows if r.rank) + 1))
    assert all(0 <= r.index.score <= 100 for r in rows)


def test_drill_down_ministry_sector_procedure_province_agency(ministry_activity):
    sectors = this_and_last_year("MS", parent="BCA")
    assert set(sectors) >= {"BCA|xuat_nhap_canh", "BCA|ly_lich_tu_phap", "BCA|cu_tru"}
    assert this_and_last_year("MF", parent="BCA|xuat_nhap_canh") == {"BCA|1.001471": 1}
    # the Immigration Department is the ministry's own: its dossiers sit under the central agencies ("TW")
    assert this_and_last_year("MP", parent="BCA|1.001471") == {"BCA|1.001471|TW": 1}
    assert this_and_last_year("MA", parent="BCA|1.001471|TW") == {"BCA|1.001471|G01.QLXNC": 1}
    # the birth registrations are decided by commune People's Committees, under their province (Hà Nội)
    births = this_and_last_year("MP", parent="BTP|1.001193")
    assert set(births) == {"BTP|1.001193|01"}
    agencies = this_and_last_year("MA", parent="BTP|1.001193|01")
    assert agencies and sum(agencies.values()) == births["BTP|1.001193|01"] == this_and_last_year(
        "MF", scope="BTP|1.001193")["BTP|1.001193"]
    assert queries.names_for("M", ["BCA"]) == {"BCA": "Bộ Công an"}
    assert queries.names_for("MS", ["BCA|xuat_nhap_canh"]) == {"BCA|xuat_nhap_canh": "Quản lý xuất nhập cảnh"}
    assert queries.names_for("MP", ["BTP|1.001193|01", "BCA|1.001471|TW", "BTP|1.001193|99"]) == {
        "BTP|1.001193|01": "Thành phố Hà Nội", "BCA|1.001471|TW": "Cơ quan trung ương"}
    assert queries.names_for("MA", ["BCA|1.001471|G01.QLXNC"]) == {
        "BCA|1.001471|G01.QLXNC": "Cục Quản lý xuất nhập cảnh, Bộ Công an"}
    # the sector's figures are its procedures' and the ministry's its sectors'
    assert sum(sectors.values()) == this_and_last_year("M", scope="BCA")["BCA"]
    # where a level may hold thousands of rows, the busiest are ranked
    busiest = this_and_last_year("MS", parent="BCA")
    top = queries.counts_by_scope("MS", ministry_activity, parent="BCA", busiest=1)
    assert len(top) == 1 and next(iter(top.values())).received == max(busiest.values())


def test_the_ministry_dimension_is_rebuilt_identically(ministry_activity):
    before = rollup.table_snapshot()
    assert {key[0] for key in before[0]} >= {"M", "MS", "MF", "MP", "MA"}
    assert {key[0] for key in before[1]} >= {"MP", "MA"}  # the passport renewal is still open
    rollup.rebuild()
    assert rollup.table_snapshot() == before


def test_dashboard_pages_of_the_drill_down(client, ministry_activity):
    national = client.get("/chi-so/").content.decode()
    assert 'data-testid="table-M"' in national and 'href="/chi-so/bo/BNG/?' in national
    ministry = client.get("/chi-so/bo/BCA/")
    assert ministry.status_code == 200
    assert 'href="/chi-so/bo/BCA/linh-vuc/xuat_nhap_canh/?' in ministry.content.decode()
    sector = client.get("/chi-so/bo/BCA/linh-vuc/xuat_nhap_canh/").content.decode()
    assert 'href="/chi-so/bo/BCA/thu-tuc/1.001471/?' in sector and "Bộ Công an" in sector  # breadcrumb
    procedure = client.get("/chi-so/bo/BCA/thu-tuc/1.001471/").content.decode()
    assert 'href="/chi-so/bo/BCA/thu-tuc/1.001471/tinh/TW/?' in procedure and "Cơ quan trung ương" in procedure
    central = client.get("/chi-so/bo/BCA/thu-tuc/1.001471/tinh/TW/").content.decode()
    assert 'href="/chi-so/co-quan/G01.QLXNC/?' in central and "Quản lý xuất nhập cảnh" in central
    assert 'href="/chi-so/bo/BCA/thu-tuc/1.001471/?' in central  # breadcrumb back to the procedure
    assert 'href="/chi-so/bo/BTP/thu-tuc/1.001193/tinh/01/?' in client.get(
        "/chi-so/bo/BTP/thu-tuc/1.001193/").content.decode()
    assert client.get("/chi-so/bo/BCA/?format=csv").content.decode().count("BCA|") >= 3
    for missing in ("/chi-so/bo/BXX/", "/chi-so/bo/BCA/linh-vuc/no_sector/", "/chi-so/bo/BXX/thu-tuc/1.001471/",
                    "/chi-so/bo/BCA/thu-tuc/1.001471/tinh/99/"):
        assert client.get(missing).status_code == 404


def test_api_ranks_ministries_and_drills_down(client, ministry_activity):
    year = ministry_activity.year
    ranked = client.get(f"/api/index?ranking=M&year={year}").json()["children"]
    assert ranked and {r["code"] for r in ranked} <= set(this_and_last_year("M"))
    assert next(r for r in ranked if r["code"] == "BNG")["name"] == "Bộ Ngoại giao"
    for level, code, child in (("M", "BNG", "BNG|lanh_su"), ("MS", "BNG|lanh_su", "BNG|2.002352"),
                               ("MF", "BNG|2.002352", "BNG|2.002352|TW"), ("MP", "BNG|2.002352|TW",
                                                                          "BNG|2.002352|G05.LS")):
        body = client.get(f"/api/index?level={level}&code={code}&year={year}").json()
        assert body["received"] == 1 and [r["code"] for r in body["children"]] == [child]
    for level, code in (("M", "BXX"), ("MP", "BXX|2.002352|TW"), ("MP", "BNG|2.002352|99")):
        assert client.get(f"/api/index?level={level}&code={code}").status_code == 404
