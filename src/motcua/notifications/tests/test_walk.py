"""A dossier walked through receipt, supplement request, supplement, fee and result: what the citizen reads in
a real SMTP server's mailbox, in the SMS file and in the portal's inbox, and what the officials are alerted to."""

from __future__ import annotations

import json
from pathlib import Path

from django.test import Client

from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.core import leases, outbox
from motcua.demo.seeding import DEMO_CITIZENS
from motcua.demo.testing import (
    log_in_citizen,
    log_in_official,
    official_actor,
    sample_scan,
    sample_submission,
    walk,
)
from motcua.dossiers import services as dossiers
from motcua.dossiers.lifecycle import Status
from motcua.identity.actors import Role, citizen_actor
from motcua.notifications import services
from motcua.notifications.models import Delivery, Message, Preference

AN = DEMO_CITIZENS[0]


def deliver() -> leases.Report:
    while outbox.drain():
        pass
    return services.send_all()


def judicial_record(**changes):
    spec = spec_of(Procedure.objects.get(code="3.000333").current_version)
    sub = sample_submission(spec, applicant_email="an@example.vn", **changes)
    return dossiers.submit(sub, citizen_actor(AN.id_number, AN.name, 2))[0]


def test_the_citizen_reads_every_step_by_email_sms_and_inbox(sending, seeded, settings):
    dossier = judicial_record()
    agency = dossier.agency.code
    receiver = official_actor(agency, Role.RECEIVER)
    specialist = official_actor(agency, Role.SPECIALIST)
    deliver()
    assert sending.subjects() == []  # submitted: the officials are alerted, not the citizen

    dossiers.act(dossier.code, "receive", receiver)
    deliver()
    appointment = dossiers.state_of(dossiers.get_dossier(dossier.code)).appointment_date
    assert sending.subjects() == [f"Hồ sơ {dossier.code} đã được tiếp nhận, hẹn trả kết quả ngày "
                                  f"{appointment:%d/%m/%Y}"]

    dossiers.act(dossier.code, "request_supplement", receiver, "Thiếu văn bản ủy quyền; mục đích ghi chưa rõ.",
                 {"missing_evidence": ["van_ban_uy_quyen"], "fields_to_correct": ["purpose"]})
    deliver()
    asked = sending.messages[-1]
    assert str(asked["Subject"]).strip() == f"Hồ sơ {dossier.code} cần bổ sung"
    text = asked.get_content()
    assert "Văn bản ủy quyền" in text and "Mục đích sử dụng phiếu" in text and "Thiếu văn bản ủy quyền" in text
    assert f"{settings.PUBLIC_URL}/ho-so/{dossier.code}/#bo-sung" in text
    assert asked["To"] == "an@example.vn" and asked["Message-ID"].startswith("<notification-")

    dossiers.act(dossier.code, "supplement", dossiers_actor(), "Gửi văn bản ủy quyền",
                 {"form": {"purpose": "Bổ sung hồ sơ xin việc"}},
                 files=[dossiers.IncomingFile("van_ban_uy_quyen", "uy-quyen.pdf", sample_scan())])
    dossiers.act(dossier.code, "forward", receiver)
    dossiers.act(dossier.code, "request_payment", specialist)
    deliver()
    fee = sending.messages[-1]
    assert str(fee["Subject"]).strip() == f"Hồ sơ {dossier.code}: phí, lệ phí phải nộp 200.000 ₫"

    dossiers.act(dossier.code, "pay", receiver)  # cash at the counter
    walk(dossier.code, until=Status.PROCESSED)
    deliver()
    assert sending.subjects()[-2:] == [f"Hồ sơ {dossier.code}: đã nhận 200.000 ₫ phí, lệ phí",
                                       f"Hồ sơ {dossier.code} đã có kết quả"]
    assert len(sending.messages) == 5

    # The same messages by SMS (the demo's file gateway; the citizen's phone from the dossier) …
    texts = [json.loads(line) for line in Path(settings.NOTIFICATIONS["SMS_FILE"]).read_text().splitlines()]
    assert [t["to"] for t in texts] == [AN.phone] * 5
    assert texts[1]["text"].startswith(f"Hồ sơ {dossier.code} cần bổ sung: Văn bản ủy quyền")

    # … and in the portal's inbox, with the unread badge in the header.
    portal = log_in_citizen(Client(), AN)
    page = portal.get("/thong-bao/").content.decode()
    assert 'data-testid="unread-badge">5<' in page
    assert page.count('data-testid="message"') == 5
    listed = portal.get("/api/notifications").json()
    assert listed["unread"] == 5 and [m["kind"] for m in listed["items"]] == [
        "result_ready", "payment_received", "fee_due", "supplement_requested", "received"]
    assert portal.post(f"/api/notifications/{listed['items'][0]['id']}/read").status_code == 200
    assert 'data-testid="unread-badge">4<' in portal.get("/ho-so/").content.decode()

    # The officials' queue alerts: the new dossier to receive, hand-overs, the supplement that came back.
    alerts = {(m.recipient, m.kind) for m in Message.objects.filter(recipient__startswith="official:")}
    assert (f"official:{receiver.id}", "handed_over") in alerts
    assert (f"official:{receiver.id}", "supplement_received") in alerts
    assert (f"official:{specialist.id}", "handed_over") in alerts
    back = log_in_official(Client(), receiver.id)
    board = back.get("/backoffice/thong-bao/").content.decode()
    assert f"Công dân đã bổ sung hồ sơ {dossier.code}" in board

    # Replaying the events records nothing new.
    from motcua.core.models import OutboxEvent
    before = (Message.objects.count(), Delivery.objects.count())
    services.record_events(list(OutboxEvent.objects.all()))
    assert (Message.objects.count(), Delivery.objects.count()) == before


def dossiers_actor():
    return citizen_actor(AN.id_number, AN.name, 2)


def test_the_citizen_chooses_channels_and_language(sending, seeded, client):
    log_in_citizen(client, AN)
    bad = client.put("/api/notifications/preferences", {"channels": ["email", "pigeon"], "language": "fr",
                                                        "email": "not-an-address", "phone": "12"},
                     content_type="application/json")
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"channels", "language", "email", "phone"}
    assert all(e["vi"] and e["en"] for e in bad.json()["errors"])
    good = client.put("/api/notifications/preferences", {"channels": ["email"], "language": "en",
                                                         "email": "an.nguyen@example.vn"},
                      content_type="application/json")
    assert good.status_code == 200, good.json()
    dossier = judicial_record()
    dossiers.act(dossier.code, "receive", official_actor(dossier.agency.code, Role.RECEIVER))
    deliver()
    mail = sending.messages[-1]
    assert mail["To"] == "an.nguyen@example.vn" and str(mail["Subject"]).strip().startswith(f"Dossier {dossier.code} received")
    assert not Delivery.objects.filter(channel="sms").exists()
    assert Delivery.objects.filter(channel="inbox", message__recipient=f"citizen:{AN.id_number}").exists()


def test_bad_preferences_from_the_portal_page_are_shown_by_field(sending, seeded, client):
    log_in_citizen(client, AN)
    response = client.post("/thong-bao/cai-dat/", {"channels": ["sms"], "language": "vi", "phone": "abc"})
    assert response.status_code == 422
    assert "Số điện thoại không hợp lệ." in response.content.decode()
    assert not Preference.objects.filter(id_number=AN.id_number).exists()
    ok = client.post("/thong-bao/cai-dat/", {"channels": ["sms"], "language": "vi", "phone": "0987654321"})
    assert ok.status_code == 302


def test_transient_failures_wait_and_permanent_ones_are_visible(sending, seeded, settings):
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "RETRY_SECONDS": 60.0, "MAX_ATTEMPTS": 3}
    dossier = judicial_record()
    dossiers.act(dossier.code, "receive", official_actor(dossier.agency.code, Role.RECEIVER))
    sending.refuse = (451, "try again later")
    while outbox.drain():
        pass
    report = services.send_all()
    mail = Delivery.objects.get(channel="email")
    assert report.retried == 1 and mail.status == "pending" and mail.attempts == 1
    assert "451" in mail.last_error and mail.next_attempt_at > mail.created_at
    assert services.send_all().handled == 0  # not due yet: it waits
    Delivery.objects.filter(pk=mail.pk).update(next_attempt_at=mail.created_at)
    sending.refuse = (550, "no such mailbox")
    services.send_all()
    mail.refresh_from_db()
    assert mail.status == "failed" and "550" in mail.last_error and mail.attempts == 2
    assert services.status().failed == 1
    assert services.retry_failed() == 1
    sending.refuse = None
    services.send_all()
    mail.refresh_from_db()
    assert mail.status == "sent" and len(sending.messages) == 1


def test_an_unreachable_server_is_retried_with_a_doubling_wait(sending, seeded, settings):
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "SMTP_PORT": 1, "RETRY_SECONDS": 30.0, "MAX_ATTEMPTS": 3}
    dossier = judicial_record()
    dossiers.act(dossier.code, "receive", official_actor(dossier.agency.code, Role.RECEIVER))
    while outbox.drain():
        pass
    services.send_all()
    mail = Delivery.objects.get(channel="email")
    waits = []
    for _ in range(2):
        waits.append((mail.next_attempt_at - mail.created_at).total_seconds())
        Delivery.objects.filter(pk=mail.pk).update(next_attempt_at=mail.created_at)
        services.send_all()
        mail.refresh_from_db()
    assert 30 <= waits[0] <= 37 and 60 <= waits[1] <= 73, waits  # doubling, spread by at most a fifth
    assert mail.status == "failed" and mail.attempts == 3
