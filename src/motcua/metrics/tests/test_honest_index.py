"""Nothing scored that is not measured, everywhere the index is shown; units with too few dossiers are not
ranked; publication on time measured from the catalog."""

from datetime import date

import pytest
import yaml

from motcua.catalog.services import PROCEDURES_DIR, import_procedures
from motcua.metrics import queries
from motcua.metrics.models import KpiCounter
from motcua.metrics.queries import Period

YEAR = Period("year", 2025)
QUERY = "period=year&year=2025"


def month_row(level: str, scope: str, **counters) -> None:
    KpiCounter.objects.create(level=level, scope=scope, parent="", month=date(2025, 3, 1), **counters)


@pytest.fixture
def provinces(db, settings):
    """Hà Nội busy and middling, Đà Nẵng busy and good, Hồ Chí Minh City with 3 perfect dossiers."""
    settings.INDEX_MIN_DOSSIERS = 10
    queries.clear_caches()
    month_row("P", "01", received=50, finished=50, finished_on_time=35, synced=50, online=30)
    month_row("P", "48", received=12, finished=12, finished_on_time=12, synced=12, online=12)
    month_row("P", "79", received=3, finished=3, finished_on_time=3, synced=3, online=3)
    month_row("N", "", received=65, finished=65, finished_on_time=50, synced=65, online=45)


def test_a_unit_with_too_few_dossiers_is_listed_last_and_not_ranked(provinces, settings):
    rows = queries.ranking("P", YEAR)
    assert [(r.code, r.rank) for r in rows] == [("48", 1), ("01", 2), ("79", None)]
    assert rows[-1].index.share > rows[0].index.share * 0.99  # its figures are shown, only the rank is withheld
    settings.INDEX_MIN_DOSSIERS = 3
    # ranked now: level with Đà Nẵng on the share, after it (busier first on a tie), above Hà Nội
    assert [(r.code, r.rank) for r in queries.ranking("P", YEAR)] == [("48", 1), ("79", 2), ("01", 3)]


def test_the_api_exposes_what_is_measured_and_who_is_ranked(client, provinces):
    body = client.get(f"/api/index?{QUERY}").json()
    assert body["measured"] and body["max_score"] < 100 and body["share"] == pytest.approx(
        100 * body["score"] / body["max_score"], abs=0.01)
    transparency = next(g for g in body["groups"] if g["code"] == "transparency")
    publish = next(m for m in transparency["metrics"] if m["code"] == "PUBLISH_ON_TIME")
    assert (publish["measured"], publish["score"]) == (False, None)
    assert transparency["max_score"] == sum(m["max_score"] for m in transparency["metrics"] if m["measured"])
    assert transparency["points"] == 18
    children = body["children"]
    assert [(c["code"], c["rank"], c["ranked"]) for c in children] == [("48", 1, True), ("01", 2, True),
                                                                       ("79", None, False)]


def test_the_dashboard_and_its_export_say_not_measured_and_not_ranked(client, provinces):
    page = client.get(f"/chi-so/?{QUERY}").content.decode()
    assert "chưa xếp hạng" in page and "chưa đo" in page and "điểm quy đổi" in page.lower()
    not_ranked = page.index('data-code="79"')
    assert page.index('data-code="48"') < page.index('data-code="01"') < not_ranked
    csv = client.get(f"/chi-so/?{QUERY}&format=csv").content.decode("utf-8-sig").splitlines()
    assert csv[-1].startswith("chưa xếp hạng / not ranked,79,")
    assert "chưa đo / not measured" not in csv[1]  # every group of Đà Nẵng has something measured


def test_publication_on_time_is_measured_from_verified_catalog_dates(seeded, tmp_path):
    birth = yaml.safe_load((PROCEDURES_DIR / "1.001193.yaml").read_text(encoding="utf-8"))
    on_time = {"decision": "1/QĐ-UBND", "publisher": "province", "decided": "2025-06-23",
               "basis": "Nghị định 1/2025/NĐ-CP", "effective": "2025-07-01", "disclosed": "2025-07-01",
               "source": "https://example.org"}  # published 6 working days ahead (≥ 5); disclosed after 6 (> 5)
    for code, publication in (("9.100001", on_time), ("9.100002", {**on_time, "unverified": ["effective"]})):
        (tmp_path / f"{code}.yaml").write_text(yaml.safe_dump({**birth, "code": code, "publication": publication},
                                                               allow_unicode=True), encoding="utf-8")
    assert import_procedures([tmp_path]).ok
    facts = queries.catalog_facts("F", "9.100001")
    assert (facts.publication_known, facts.published_on_time, facts.disclosure_known, facts.disclosed_on_time) == (
        1, 1, 1, 0)
    doubtful = queries.catalog_facts("F", "9.100002")  # the effective date unverified: publication not measured
    assert (doubtful.publication_known, doubtful.disclosure_known, doubtful.disclosed_on_time) == (0, 1, 0)
    national = queries.catalog_facts("N", "")
    assert national.publication_known == 1 and national.disclosure_known == 2
