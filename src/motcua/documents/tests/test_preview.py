"""The deciding leader previews the result before signing it: the same renderer, unsigned, marked as a preview on
every page, stored nowhere, the registries left as they were; then signs only having said they reviewed it."""

import io

import pytest
from pypdf import PdfReader

from motcua.core import outbox
from motcua.core.models import OutboxEvent
from motcua.demo.seeding import DEMO_CITIZENS, DEMO_PASSWORD
from motcua.demo.testing import fresh_code, log_in_official, official_actor, submitted
from motcua.documents import signing
from motcua.documents.models import IssuedDocument
from motcua.documents.results import PreviewRefused, preview_result
from motcua.dossiers import services
from motcua.dossiers.lifecycle import Status
from motcua.dossiers.models import DailySequence
from motcua.identity.actors import Role
from motcua.identity.callers import issue_token
from motcua.identity.models import Official
from motcua.registries.models import AccessLog, CivilEvent, Person

HOAN_KIEM = "H01.X00070.UB"
CHILD = "Nguyễn Minh Khang"


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


@pytest.fixture
def deciding(seeded) -> str:
    """A birth registration at its deciding step, the leader's."""
    code = submitted("1.001193", DEMO_CITIZENS[0], child_full_name=CHILD).code
    receiver, specialist = official_actor(HOAN_KIEM, Role.RECEIVER), official_actor(HOAN_KIEM, Role.SPECIALIST)
    for kind, actor in (("receive", receiver), ("forward", receiver), ("forward", specialist)):
        services.act(code, kind, actor)
    return code


def snapshot() -> tuple:
    """What signing would change: documents issued, people and civil-status entries, number series, events."""
    while outbox.drain():
        pass
    return (IssuedDocument.objects.count(), Person.objects.count(), CivilEvent.objects.count(),
            sorted(DailySequence.objects.values_list("agency_code", "last")), OutboxEvent.objects.count())


def test_the_preview_is_the_result_unsigned_marked_and_kept_nowhere(deciding):
    before = snapshot()
    dossier = services.get_dossier(deciding)
    leader = official_actor(HOAN_KIEM, Role.LEADER)
    preview = preview_result(dossier, services.state_of(dossier), leader)
    text = text_of(preview)
    assert text.count("BẢN XEM TRƯỚC · PREVIEW") == len(PdfReader(io.BytesIO(preview)).pages)
    for printed in ("GIẤY KHAI SINH", CHILD.upper(), "(Chưa ký: bản xem trước)", "Số: (cấp khi ký)",
                    "Số định danh cá nhân: (cấp khi ký)", leader.name, "Quyển số:"):
        assert printed in text, printed
    assert "Đã ký số" not in text and "/xac-thuc/" not in text
    assert not signing.verify_pdf(preview).signatures
    assert snapshot() == before  # the registries' effects were tried and undone; nothing was numbered or stored


def test_only_the_official_who_decides_now_sees_it(deciding, client):
    specialist = official_actor(HOAN_KIEM, Role.SPECIALIST)
    dossier = services.get_dossier(deciding)
    with pytest.raises(PreviewRefused):
        preview_result(dossier, services.state_of(dossier), specialist)
    log_in_official(client, "hoankiem.chuyenvien")
    refused = client.get(f"/backoffice/ho-so/{deciding}/xem-truoc-ket-qua.pdf")
    assert refused.status_code == 403 and "Chỉ người phê duyệt hồ sơ ở bước này" in refused.content.decode()
    assert not AccessLog.objects.filter(purpose=services.READING_PREVIEW).exists()


def test_what_the_registries_would_refuse_is_said_at_the_preview(deciding, client):
    twin = submitted("1.001193", DEMO_CITIZENS[0], child_full_name=CHILD).code
    receiver, specialist = official_actor(HOAN_KIEM, Role.RECEIVER), official_actor(HOAN_KIEM, Role.SPECIALIST)
    for kind, actor in (("receive", receiver), ("forward", receiver), ("forward", specialist),
                        ("complete", official_actor(HOAN_KIEM, Role.LEADER))):
        services.act(twin, kind, actor)  # the same child, registered first
    log_in_official(client, "hoankiem.lanhdao")
    refused = client.get(f"/backoffice/ho-so/{deciding}/xem-truoc-ket-qua.pdf")
    assert refused.status_code == 409 and "đã được đăng ký khai sinh" in refused.content.decode()


def test_the_leader_previews_then_signs_having_said_so(deciding, client):
    log_in_official(client, "hoankiem.lanhdao")
    page = client.get(f"/backoffice/ho-so/{deciding}/").content.decode()
    assert f'href="/backoffice/ho-so/{deciding}/xem-truoc-ket-qua.pdf"' in page
    assert '<input id="reviewed-complete" type="checkbox" name="reviewed" value="1" required>' in page
    preview = client.get(f"/backoffice/ho-so/{deciding}/xem-truoc-ket-qua.pdf")
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    assert "no-store" in preview["Cache-Control"] and "BẢN XEM TRƯỚC" in text_of(preview.content)
    assert AccessLog.objects.filter(dossier_code=deciding, purpose=services.READING_PREVIEW).count() == 1
    url = f"/backoffice/ho-so/{deciding}/complete/"
    unticked = client.post(url, {"outcome": "approved", "confirmation": fresh_code("hoankiem.lanhdao")})
    page = unticked.content.decode()
    assert unticked.status_code == 422 and '<div class="field has-error"><label class="choice" for="reviewed-complete">' in page
    assert 'aria-invalid="true" aria-describedby="error-complete"' in page
    assert "Hãy xem văn bản sẽ ký rồi đánh dấu «Tôi đã xem và xác nhận ký»." in page
    assert not IssuedDocument.objects.filter(dossier__code=deciding).exists()
    signed = client.post(url, {"outcome": "approved", "reviewed": "1", "confirmation": fresh_code("hoankiem.lanhdao")})
    assert signed.status_code == 302
    assert services.state_of(services.get_dossier(deciding)).status == Status.PROCESSED
    result = IssuedDocument.objects.get(dossier__code=deciding, kind="result").file.read()
    assert signing.verify_pdf(result).valid and "BẢN XEM TRƯỚC" not in text_of(result)


def test_the_api_previews_and_refuses_a_signature_not_said_reviewed(deciding, client):
    leader = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(Official.objects.get(user__username='hoankiem.lanhdao'))}"}
    preview = client.get(f"/api/dossiers/{deciding}/result-preview", **leader)
    assert preview.status_code == 200 and "BẢN XEM TRƯỚC" in text_of(preview.content)
    url = f"/api/dossiers/{deciding}/complete"
    unticked = client.post(url, {"outcome": "approved", "confirmation": DEMO_PASSWORD},
                           content_type="application/json", **leader)
    assert unticked.status_code == 422
    assert [(e["field"], e["code"]) for e in unticked.json()["errors"]] == [("reviewed", "not_reviewed")]
    assert unticked.json()["detail"]["en"].startswith("Review what you are signing")
    signed = client.post(url, {"outcome": "approved", "reviewed": True, "confirmation": DEMO_PASSWORD},
                         content_type="application/json", **leader)
    assert signed.status_code == 200, signed.json()
    specialist = {"HTTP_AUTHORIZATION": f"Bearer {issue_token(Official.objects.get(user__username='hoankiem.chuyenvien'))}"}
    assert client.get(f"/api/dossiers/{deciding}/result-preview", **specialist).status_code == 403
