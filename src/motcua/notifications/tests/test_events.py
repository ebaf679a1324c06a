"""What other events say, to whom: reminders raised by time, offers, channels a deployment plugs in, sending right
after the commit where no worker runs, and the system checks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import checks
from django.test import Client
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.core import outbox
from motcua.demo.seeding import DEMO_CITIZENS
from motcua.demo.testing import log_in_official, official_actor, sample_submission
from motcua.dossiers import services as dossiers
from motcua.dossiers.models import Dossier
from motcua.identity.actors import Role, citizen_actor
from motcua.notifications import events, rendering, services
from motcua.notifications.channels import CHANNELS, Channel, Recipient, usable
from motcua.notifications.channels.sms import unaccented
from motcua.notifications.models import Delivery, Message, Reminder
from motcua.notifications.sms import SmsGateway

AN = DEMO_CITIZENS[0]


def drained() -> None:
    while outbox.drain():
        pass


def birth_registration() -> Dossier:
    spec = spec_of(Procedure.objects.get(code="1.001193").current_version)
    return dossiers.submit(sample_submission(spec, applicant_email="an@example.vn"),
                           citizen_actor(AN.id_number, AN.name, 2))[0]


def test_a_dossier_not_received_in_time_alerts_the_receivers_and_leaders_once(sending, seeded):
    dossier = birth_registration()
    Dossier.objects.filter(pk=dossier.pk).update(submitted_at=timezone.now() - timedelta(days=6))
    assert events.raise_reminders() == 1
    assert events.raise_reminders() == 0  # once
    drained()
    alerted = set(Message.objects.filter(kind="acknowledgement_overdue").values_list("recipient", flat=True))
    receiver, leader = (official_actor(dossier.agency.code, role) for role in (Role.RECEIVER, Role.LEADER))
    assert {f"official:{receiver.id}", f"official:{leader.id}"} <= alerted
    page = log_in_official(Client(), receiver.id).get("/backoffice/thong-bao/").content.decode()
    assert f"Quá hạn tiếp nhận: hồ sơ {dossier.code}" in page
    assert Reminder.objects.filter(dossier_code=dossier.code).count() == 1


def test_a_dossier_received_in_time_raises_nothing(sending, seeded):
    dossier = birth_registration()
    dossiers.act(dossier.code, "receive", official_actor(dossier.agency.code, Role.RECEIVER))
    Dossier.objects.filter(pk=dossier.pk).update(submitted_at=timezone.now() - timedelta(days=6))
    assert events.raise_reminders() == 0


def test_an_offer_is_just_another_topic(sending, seeded):
    outbox.publish(events.OFFER_MADE, AN.id_number, {"procedure": "1.001193", "name": AN.name,
                                                     "reason_vi": "Gia đình bạn vừa có thêm thành viên.",
                                                     "reason_en": "Your family has a new member."})
    outbox.publish(events.OFFER_MADE, AN.id_number, {"procedure": "no-such-procedure"})  # nothing to offer
    drained()
    offer = Message.objects.get(kind="offer")
    assert offer.recipient == f"citizen:{AN.id_number}" and offer.subject_vi.startswith("Gợi ý thủ tục: ")
    assert "Gia đình bạn vừa có thêm thành viên." in offer.body_vi and offer.link.endswith("/thu-tuc/1.001193/")
    assert set(offer.deliveries.values_list("channel", flat=True)) == {"inbox"}  # no address known: inbox only


def test_push_is_an_interface_until_a_deployment_plugs_a_service_in(sending, seeded, settings):
    assert CHANNELS["push"].unavailable() and "push" not in usable()
    assert "push" not in services.offered_channels()
    settings.NOTIFICATION_CHANNELS = {"push": "motcua.notifications.tests.test_events.RecordingPush"}
    assert "push" in services.offered_channels()
    dossier = birth_registration()
    services.save_preferences(citizen_actor(AN.id_number, AN.name, 2), ["push"], "vi")
    dossiers.act(dossier.code, "receive", official_actor(dossier.agency.code, Role.RECEIVER))
    drained()
    services.send_all()
    assert RecordingPush.sent == [(AN.id_number, f"Hồ sơ {dossier.code} đã được tiếp nhận")]


class RecordingPush(Channel):
    """A deployment's push service, as it plugs in: it keeps what it would send."""

    label_vi, label_en = "Ứng dụng", "App"
    audiences = frozenset({"citizen"})
    sent: list = []

    def address(self, recipient: Recipient) -> str:
        return recipient.id

    def send(self, delivery, message) -> str:
        RecordingPush.sent.append((delivery.address, message.subject_vi.split(",")[0]))
        return "push-1"


def test_deliveries_go_out_right_after_the_commit_where_no_worker_runs(sending, seeded, settings,
                                                                         django_capture_on_commit_callbacks):
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "SEND_INLINE": True}
    dossier = birth_registration()
    with django_capture_on_commit_callbacks(execute=True):  # the drain, then the sending it schedules
        dossiers.act(dossier.code, "receive", official_actor(dossier.agency.code, Role.RECEIVER))
    assert sending.subjects()[0].startswith(f"Hồ sơ {dossier.code} đã được tiếp nhận")
    assert not Delivery.objects.exclude(status="sent").exists()


def test_sms_text_goes_without_diacritics_when_the_gateway_wants_it():
    assert unaccented("Hồ sơ đã được tiếp nhận, phí 12.345 ₫") == "Ho so da duoc tiep nhan, phi 12.345 d"


@pytest.mark.parametrize("kind", sorted({t.name.removesuffix(".txt") for t in (
    __import__("pathlib").Path(rendering.__file__).parent / "templates" / "notifications" / "messages" / "vi").glob(
    "*.txt")}))
def test_every_template_has_both_languages_and_a_subject(kind):
    context = {"code": "H01-260101-0001", "name": "Nguyễn Văn An", "procedure_vi": "Thủ tục", "procedure_en": "P",
               "agency_vi": "UBND", "agency_en": "PC", "reason": "Lý do", "link": "http://x/", "amount": 1000,
               "reason_vi": "v", "reason_en": "e", "files": 1, "due": "2026-01-02"}
    for language in rendering.LANGUAGES:
        rendered = rendering.render(kind, language, context)
        assert rendered.subject and rendered.body.strip() and rendered.sms


def test_the_channels_checks_report_a_wrong_setting(settings):
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "SMTP_SECURITY": "ssl3", "SMS_GATEWAY": "carrier-pigeon"}
    found = {m.id for m in checks.run_checks()}
    assert {"motcua.E162", "motcua.E163"} <= found


def test_old_messages_go_after_their_period_unless_still_to_be_sent(seeded):
    from motcua.core.retention import purge_all

    old = timezone.now() - timedelta(days=400)
    kept = []
    for n, status in enumerate(("sent", "pending", "failed")):
        message = Message.objects.create(event_id=n + 1, topic="t", kind="received", recipient=f"citizen:{n}",
                                         subject_vi="s", subject_en="s", body_vi="b", body_en="b", created_at=old)
        Delivery.objects.create(message=message, channel="email", address="a@example.vn", status=status)
        kept.append(message.pk)
    purge_all()
    assert list(Message.objects.values_list("pk", flat=True)) == [kept[1]]  # the one still to be sent


def test_a_gateway_without_unicode_gets_the_text_without_diacritics(sending, seeded, settings):
    settings.SMS_GATEWAYS = {"plain": "motcua.notifications.tests.test_events.PlainGateway"}
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "SMS_GATEWAY": "plain"}
    dossier = birth_registration()
    dossiers.act(dossier.code, "receive", official_actor(dossier.agency.code, Role.RECEIVER))
    drained()
    services.send_all()
    assert PlainGateway.texts[-1].startswith(f"Ho so {dossier.code} (Dang ky khai sinh) da duoc tiep nhan.")


class PlainGateway(SmsGateway):
    """An operator's gateway that takes GSM-7 text only."""

    unicode = False
    texts: list = []

    def send(self, phone: str, text: str, reference: str) -> str:
        PlainGateway.texts.append(text)
        return reference
