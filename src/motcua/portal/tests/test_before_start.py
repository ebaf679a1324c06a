"""What the procedure page and the top of its form tell before anything is filled: the e-ID level, the time, the
fee where the dossier is decided and the rule it comes from, what the state already holds; a level-1 account is
told before the form, which is not offered; documents online are files, never a tick."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog import divisions
from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.demo.seeding import DEMO_CITIZENS, DEMO_COMMUNE, sample_scan
from motcua.demo.testing import log_in_citizen, sample_value
from motcua.dossiers.models import Dossier
from motcua.registries.models import AccessLog

LEVEL_1 = DEMO_CITIZENS[2]
MARITAL_STATUS = "1.004873"  # level 2; fee schedules of Hà Nội, Đà Nẵng and Hồ Chí Minh City have a rule for it


def text_of(response) -> str:
    """The page's text without tags and with spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def before_start(response) -> str:
    page = response.content.decode()
    start = page.index('data-testid="before-start"')
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page[start:page.index("</section>", start)]))


@pytest.mark.parametrize(("language", "same_day", "zero", "three"), [
    ("vi", "Trong ngày", "0 ngày làm việc", "3 ngày làm việc"), ("en", "Same day", "0 working days", "3 working days")])
def test_a_same_day_procedure_is_said_same_day_never_zero_days(client, seeded, language, same_day, zero, three):
    client.cookies["django_language"] = language
    assert same_day in before_start(client.get("/thu-tuc/1.001193/"))
    assert three in before_start(client.get(f"/thu-tuc/{MARITAL_STATUS}/"))
    catalog = text_of(client.get("/thu-tuc/", {"q": "khai sinh"}))
    assert same_day in catalog and zero not in catalog


def test_the_procedure_page_tells_the_e_id_level_and_what_the_state_holds(client, seeded):
    told = before_start(client.get("/thu-tuc/1.001193/"))
    assert "Tài khoản định danh điện tử Mức 2 (kích hoạt tại Công an cấp xã)" in told
    assert "Nhà nước đã có" in told
    assert "Cơ sở dữ liệu hộ tịch điện tử : Giấy chứng nhận kết hôn của cha mẹ" in told
    assert "Quan hệ gia đình (dân cư, hộ tịch) : Số định danh của mẹ" in told
    assert "Kho kết quả giải quyết thủ tục hành chính : Giấy chứng sinh" in told


def test_the_fee_varies_by_province_each_with_the_rule_it_comes_from(client, seeded):
    page = client.get(f"/thu-tuc/{MARITAL_STATUS}/")
    told = before_start(page)
    # provinces in Vietnamese order (Đà Nẵng before Hà Nội), then the national rate everywhere else
    assert told.index("Thành phố Đà Nẵng") < told.index("Thành phố Hà Nội") < told.index("Thành phố Hồ Chí Minh") \
        < told.index("Các nơi khác (mức chung)")
    assert "Nghị quyết 341/2020/NQ-HĐND" in told and "Mức thu khi nộp trực tiếp hoặc qua bưu chính: 15.000 đồng" in told
    assert 'data-testid="fee-place"' in page.content.decode()  # where to choose the province to see its fee


def test_choosing_the_province_shows_the_fee_there_and_carries_it_to_the_form(citizen):
    page = citizen.get(f"/thu-tuc/{MARITAL_STATUS}/", {"tinh": "48"})
    told = before_start(page)
    assert "Phí, lệ phí nộp trực tuyến · Đà Nẵng Miễn phí" in told
    assert "Nộp trực tuyến từ 01/01/2026: mức thu 0 đồng (Nghị quyết 13/2025/NQ-HĐND" in told
    assert "Phí, lệ phí nộp trực tiếp · Đà Nẵng 15.000 ₫" in told
    assert f'href="/thu-tuc/{MARITAL_STATUS}/nop/?tinh=48"' in page.content.decode()

    form = citizen.get(f"/thu-tuc/{MARITAL_STATUS}/nop/", {"tinh": "48"})
    assert "Phí, lệ phí nộp trực tiếp · Đà Nẵng 15.000 ₫" in before_start(form)
    html = form.content.decode()
    assert re.search(r'<option value="48" data-also="Thành phố Đà Nẵng" selected>Đà Nẵng</option>', html)
    listed = re.findall(r'<option value="(\d{5})"', html)  # the province's communes, already in order
    assert listed == [c.code for c in divisions.communes_of("48")]


def test_a_province_that_sets_no_rule_is_charged_the_national_rate_and_says_so(client, seeded):
    told = before_start(client.get(f"/thu-tuc/{MARITAL_STATUS}/", {"tinh": "04"}))  # Cao Bằng
    assert "Phí, lệ phí nộp trực tiếp · Cao Bằng 5.000 ₫" in told
    assert "Mức thu chung ghi trong danh mục thủ tục (chưa có biểu phí của địa phương cho thủ tục này)" in told
    assert "· Cao Bằng" not in before_start(client.get(f"/thu-tuc/{MARITAL_STATUS}/", {"tinh": "99"}))


def test_a_procedure_a_ministry_decides_is_charged_by_the_ministrys_schedule(client, seeded):
    page = client.get("/thu-tuc/1.001471/")
    told = before_start(page)
    assert "Phí, lệ phí nộp trực tiếp 200.000 ₫" in told and "Biểu phí của Bộ Công an" in told
    assert 'data-testid="fee-place"' not in page.content.decode()  # nothing to choose


def test_a_level_1_account_is_told_before_the_form_which_is_not_offered(client, seeded):
    log_in_citizen(client, LEVEL_1)
    page = client.get(f"/thu-tuc/{MARITAL_STATUS}/")
    assert "Tài khoản bạn đang dùng ở mức 1" in before_start(page) and "Công an cấp xã" in before_start(page)
    assert f"/thu-tuc/{MARITAL_STATUS}/nop/" not in page.content.decode()

    reads = AccessLog.objects.count()
    form = client.get(f"/thu-tuc/{MARITAL_STATUS}/nop/")
    assert form.status_code == 403
    assert "mang thẻ căn cước gắn chíp" in before_start(form) and "VNeID" in before_start(form)
    assert 'name="idempotency_key"' not in form.content.decode()  # no form to fill
    assert AccessLog.objects.count() == reads  # and nothing read from the registries for it

    client.cookies["django_language"] = "en"
    english = client.get(f"/thu-tuc/{MARITAL_STATUS}/nop/")
    assert "The account you are using is level 1" in before_start(english) and "chip ID card" in before_start(english)
    assert client.post(f"/thu-tuc/{MARITAL_STATUS}/nop/", {"idempotency_key": "k"}).status_code == 403
    assert not Dossier.objects.exists()


def test_a_level_1_account_is_told_before_an_interlinked_group_too(client, seeded):
    log_in_citizen(client, LEVEL_1)
    reads = AccessLog.objects.count()
    page = client.get("/lien-thong/LT.KHAISINH/")
    assert page.status_code == 403 and "Tài khoản bạn đang dùng ở mức 1" in text_of(page)
    assert 'name="idempotency_key"' not in page.content.decode() and AccessLog.objects.count() == reads


def test_a_level_1_account_fills_a_level_1_procedure(client, seeded):
    log_in_citizen(client, LEVEL_1)
    form = client.get("/thu-tuc/2.000635/nop/")
    assert form.status_code == 200 and 'name="idempotency_key"' in form.content.decode()
    assert 'data-testid="eid-level-needed"' not in form.content.decode()


def construction_permit_post(**overrides):
    spec = spec_of(Procedure.objects.get(code="1.013225").current_version)
    data = {f"form.{f.name}": sample_value(f) for f in spec.fields if f.type != "boolean"}
    data.update({"province_code": "01", "commune_code": DEMO_COMMUNE, "idempotency_key": "permit-1",
                 "applicant.phone": DEMO_CITIZENS[0].phone})
    data.update(overrides)
    return data


@pytest.mark.parametrize("language", ["vi", "en"])
def test_online_a_required_document_is_a_file_a_tick_is_refused_by_its_field(citizen, language):
    citizen.cookies["django_language"] = language
    form = citizen.get("/thu-tuc/1.013225/nop/").content.decode()
    assert 'name="evidence"' not in form  # no "I have it" box online: each document has its file input
    assert 'name="file.ban_ve_thiet_ke"' in form and 'name="file.don_de_nghi"' not in form  # the form is the đơn

    ticked = citizen.post("/thu-tuc/1.013225/nop/", construction_permit_post(evidence=["don_de_nghi", "ban_ve_thiet_ke"]))
    assert ticked.status_code == 422 and not Dossier.objects.exists()
    html = ticked.content.decode()
    field = html[html.index('id="f-evidenceban_ve_thiet_ke"'):]
    wanted = ("Vui lòng đính kèm tệp: Bản vẽ thiết kế xây dựng" if language == "vi"
              else "Please attach the file: Design drawings")
    assert wanted in field[:field.index('id="f-', 10)]  # next to its input

    scan = SimpleUploadedFile("ban-ve.pdf", sample_scan(), content_type="application/pdf")
    filed = citizen.post("/thu-tuc/1.013225/nop/", construction_permit_post(**{"file.ban_ve_thiet_ke": scan}))
    assert filed.status_code == 302
    assert Dossier.objects.get().evidence == ["ban_ve_thiet_ke", "don_de_nghi"]  # the đơn is the form filled online
