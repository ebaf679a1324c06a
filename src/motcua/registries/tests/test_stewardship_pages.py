"""The data steward's pages: datasets with runs and the trend chart, a run's findings, the side-by-side review
with its decide buttons (POST, CSRF), the export; for officials of the registry keeper's agency only."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from motcua.catalog.models import Agency
from motcua.demo.seeding import DEMO_PASSWORD
from motcua.demo.testing import log_in_official
from motcua.identity.models import Official
from motcua.registries import reconciliation, synthetic_datasets
from motcua.registries.models import AccessLog, CorrectionReport, Finding, Person, StewardDecision
from motcua.registries.synthetic import generate
from motcua.tests.test_web_security import INLINE


@pytest.fixture
def run(seeded, tmp_path):
    generate(1500, seed=13, batch_size=1500)
    people = list(Person.objects.order_by("id_number").values(
        "id_number", "full_name", "birth_date", "sex", "permanent_commune", "permanent_address")[:900:3])
    path = tmp_path / "bhxh.csv"
    synthetic_datasets.write(synthetic_datasets.MinistryDataset(seed=4).records(people, 300), path)
    return reconciliation.reconcile(path, synthetic_datasets.mapping_path(path), "test")


@pytest.fixture
def keeper(seeded):
    user = get_user_model().objects.create_user("bocongan.dancu", password=DEMO_PASSWORD)
    Official.objects.create(user=user, agency=Agency.objects.get(code="G01"), role="specialist", full_name="Cán bộ dân cư")
    return log_in_official(Client(), "bocongan.dancu")


def _page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    html = response.content.decode()
    assert not INLINE.search(html), url
    return html


def test_the_keeper_sees_datasets_runs_and_the_trend(run, keeper):
    html = _page(keeper, "/backoffice/doi-soat-du-lieu/")
    assert "Người tham gia bảo hiểm xã hội" in html and '<svg class="chart"' in html and "Khớp hoàn toàn" in html
    assert f"/backoffice/doi-soat-du-lieu/lan/{run.pk}/" in html and 'enctype="multipart/form-data"' in html
    keeper.cookies.load({"django_language": "en"})
    english = _page(keeper, "/backoffice/doi-soat-du-lieu/")
    assert "Social-insurance members" in english and "Dataset reconciliation" in english
    html = _page(keeper, f"/backoffice/doi-soat-du-lieu/lan/{run.pk}/?ket-qua=probable")
    probable = Finding.objects.filter(run=run, outcome="probable").order_by("line").first()
    assert f"/backoffice/doi-soat-du-lieu/ket-qua/{probable.pk}/" in html


def test_other_officials_see_nothing_of_it(run, seeded):
    other = log_in_official(Client(), "hoankiem.chuyenvien")
    assert "Người tham gia bảo hiểm xã hội" not in _page(other, "/backoffice/doi-soat-du-lieu/")
    finding = Finding.objects.filter(run=run).first()
    _page(other, f"/backoffice/doi-soat-du-lieu/lan/{run.pk}/", 403)
    _page(other, f"/backoffice/doi-soat-du-lieu/ket-qua/{finding.pk}/", 403)
    assert other.post(f"/backoffice/doi-soat-du-lieu/ket-qua/{finding.pk}/quyet-dinh/", {
        "field": "id_number", "decision": "registry_right", "reason": "x"}).status_code == 403
    assert other.get(f"/backoffice/doi-soat-du-lieu/lan/{run.pk}/tra-ve.csv").status_code == 403
    assert not StewardDecision.objects.exists()
    assert Client().get("/backoffice/doi-soat-du-lieu/").status_code == 302  # to the login page


def test_the_steward_reviews_side_by_side_and_decides(run, keeper):
    conflict = next(f for f in Finding.objects.filter(run=run, outcome="conflict").order_by("line")
                    if f.conflicts[0]["field"] in ("full_name", "birth_date"))
    field = conflict.conflicts[0]["field"]
    html = _page(keeper, f"/backoffice/doi-soat-du-lieu/ket-qua/{conflict.pk}/")
    assert conflict.conflicts[0]["source"] in html and conflict.conflicts[0]["registry"] in html
    read = AccessLog.objects.get(person_id_number=conflict.person_id_number, reader_id="bocongan.dancu")
    assert read.purpose.startswith("Đối soát dữ liệu") and read.reader_agency == "G01"
    assert 'name="csrfmiddlewaretoken"' in html and 'value="registry_wrong"' in html and 'value="unsure"' in html
    csrf = Client(enforce_csrf_checks=True)
    csrf.cookies = keeper.cookies
    url = f"/backoffice/doi-soat-du-lieu/ket-qua/{conflict.pk}/quyet-dinh/"
    assert csrf.post(url, {"field": field, "decision": "registry_wrong", "reason": "x"}).status_code == 403
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    refused = keeper.post(url, {"field": field, "decision": "registry_wrong", "reason": "", "csrfmiddlewaretoken": token},
                          follow=True)
    assert "Hãy ghi lý do" in refused.content.decode() and not StewardDecision.objects.exists()
    done = keeper.post(url, {"field": field, "decision": "registry_wrong", "reason": "Bản gốc giấy khai sinh",
                             "csrfmiddlewaretoken": token}, follow=True)
    page = done.content.decode()
    assert "Đã ghi nhận quyết định" in page and "Bản gốc giấy khai sinh" in page and "Cán bộ dân cư" in page
    assert CorrectionReport.objects.get(reference=f"finding:{conflict.pk}").origin == "reconciliation"
    probable = Finding.objects.filter(run=run, outcome="probable").order_by("line").first()
    keeper.post(f"/backoffice/doi-soat-du-lieu/ket-qua/{probable.pk}/quyet-dinh/", {
        "field": "id_number", "decision": "registry_right", "reason": "Theo CSDL quốc gia"})
    exported = keeper.get(f"/backoffice/doi-soat-du-lieu/lan/{run.pk}/tra-ve.csv")
    assert exported["Content-Type"].startswith("text/csv") and probable.person_id_number in exported.content.decode()


def test_a_bad_upload_shows_the_report_and_imports_nothing(keeper, seeded):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from motcua.registries.models import DatasetRun

    mapping = SimpleUploadedFile("m.yaml", synthetic_datasets.MAPPING.format(code="x").encode())
    bad = SimpleUploadedFile("the-cards.csv", b"MA_SO,HO_TEN\n1,An\n")
    response = keeper.post("/backoffice/doi-soat-du-lieu/", {"dataset": bad, "mapping": mapping})
    html = response.content.decode()
    assert response.status_code == 422 and "the-cards.csv:1:SO_DINH_DANH" in html and "Thiếu cột" in html
    assert not DatasetRun.objects.exists()
