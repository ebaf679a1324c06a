"""Offers made from registry events and by the daily job; declined, taken up; seen in the portal and the API."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command

from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.core import outbox
from motcua.core.models import OutboxEvent
from motcua.demo.seeding import BIRTH_FORM, DEMO_CITIZENS, DEMO_DAUGHTER
from motcua.demo.testing import log_in_citizen, sample_submission, walk
from motcua.dossiers import services as dossiers
from motcua.dossiers.lifecycle import Status
from motcua.identity.actors import citizen_actor
from motcua.notifications.models import Message
from motcua.proactive import services
from motcua.proactive.models import Offer
from motcua.registries.models import HeldDocument, Person

AN, BINH, CUONG = DEMO_CITIZENS


def drained() -> None:
    while outbox.drain():
        pass


def approve(code: str, applicant=AN, **form):
    spec = spec_of(Procedure.objects.get(code=code).current_version)
    sub = sample_submission(spec, applicant)
    sub.form = {**sub.form, **form}
    dossier, _ = dossiers.submit(sub, citizen_actor(applicant.id_number, applicant.name, 2))
    walk(dossier.code, Status.PROCESSED)
    drained()
    return dossier


def test_a_registered_birth_offers_the_rest_of_the_group_to_both_parents_once(seeded):
    approve("1.001193", **{**BIRTH_FORM, "father_id_number": AN.id_number})
    child = Person.objects.get(full_name="Nguyễn Minh Khang")
    offers = Offer.objects.filter(rule="birth-group")
    assert sorted(offers.values_list("person_id_number", "procedure_code")) == sorted(
        (p, c) for p in (AN.id_number, BINH.id_number) for c in ("1.014137", "1.004222"))
    card = offers.get(person_id_number=BINH.id_number, procedure_code="1.014137")
    assert card.subject == child.id_number and card.prefill == {
        "child_id_number": child.id_number, "child_full_name": "Nguyễn Minh Khang", "child_birth_date": "2026-11-18",
        "child_sex": "M", "card_format": "electronic"}
    message = Message.objects.get(kind="offer", recipient=f"citizen:{BINH.id_number}", link__contains="1.014137")
    assert f"?offer={card.pk}" in message.link and "khai sinh" in message.body_vi
    # the batch seen again (a worker that crashed before marking it) makes nothing twice
    born = OutboxEvent.objects.get(topic="registry.person.born", key=child.id_number)
    services._on_events([born])
    assert Offer.objects.filter(rule="birth-group").count() == 4


def test_a_parent_who_already_applied_for_that_child_is_not_offered_it(seeded):
    approve("1.001193", **{**BIRTH_FORM, "father_id_number": AN.id_number})
    child = Person.objects.get(full_name="Nguyễn Minh Khang")
    Offer.objects.all().delete()
    spec = spec_of(Procedure.objects.get(code="1.014137").current_version)
    sub = sample_submission(spec, AN)
    sub.form = {**sub.form, "child_id_number": child.id_number}
    dossiers.submit(sub, citizen_actor(AN.id_number, AN.name, 2))
    services._on_events([OutboxEvent.objects.get(topic="registry.person.born", key=child.id_number)])
    assert not Offer.objects.filter(person_id_number=AN.id_number, procedure_code="1.014137").exists()
    assert Offer.objects.filter(person_id_number=BINH.id_number, procedure_code="1.014137").exists()


def test_a_registered_death_offers_the_death_group_to_the_relatives(seeded):
    spec = spec_of(Procedure.objects.get(code="1.000656").current_version)
    form = {f.name for f in spec.fields}
    assert "date_of_death" in form  # the death registration
    approve("1.000656", applicant=AN, **{n: v for n, v in {
        "id_number": BINH.id_number, "deceased_id_number": BINH.id_number, "full_name": BINH.name,
        "deceased_full_name": BINH.name, "date_of_death": "2026-12-01"}.items() if n in form})
    offers = Offer.objects.filter(rule="death-group")
    assert set(offers.values_list("person_id_number", flat=True)) == {AN.id_number, DEMO_DAUGHTER[0]}  # husband, child
    offers = offers.filter(person_id_number=AN.id_number)
    assert sorted(offers.values_list("procedure_code", flat=True)) == ["1.003197", "1.014177", "1.014178"]
    burial = offers.get(procedure_code="1.014177")
    assert burial.prefill["deceased_id_number"] == BINH.id_number and burial.prefill["date_of_death"] == "2026-12-01"


def test_a_household_business_is_offered_its_tax_registration(seeded):
    from motcua.registries.changes import ChangeSource, register_enterprise

    register_enterprise({"registration_number": "01B8000001", "name": "Quán phở An", "kind": "household",
                         "owner_id_number": AN.id_number, "commune_code": "00070", "registered_on": date(2026, 12, 1)},
                        ChangeSource("dossier", "X", "test"))
    register_enterprise({"registration_number": "0100000001", "name": "Công ty An", "kind": "enterprise",
                         "owner_id_number": BINH.id_number, "commune_code": "00070", "registered_on": date(2026, 12, 1)},
                        ChangeSource("dossier", "Y", "test"))
    drained()
    (offer,) = Offer.objects.filter(rule="household-business-tax")
    assert (offer.person_id_number, offer.procedure_code, offer.subject) == (AN.id_number, "1.007565", "01B8000001")
    assert offer.prefill == {"business_name": "Quán phở An", "business_commune": "00070", "start_date": "2026-12-01"}


def make_person(id_number: str, born: date, **more) -> Person:
    return Person.objects.create(id_number=id_number, full_name=f"Người {id_number[-3:]}", birth_date=born,
                                 birth_province="001", sex="M", **more)


def test_the_daily_job_offers_renewals_within_the_window_once(seeded):
    today = date(2026, 12, 7)
    due = make_person("001201000001", date(2001, 12, 20))  # 25 on 20/12/2026: within 30 days
    make_person("001201000002", date(2001, 12, 31), deceased_on=date(2026, 1, 1))  # deceased
    make_person("001201000003", date(2002, 1, 20))  # 25 on 20/01/2027: not yet
    renewed = make_person("001201000004", date(2001, 12, 25))
    HeldDocument.objects.create(owner_id_number=renewed.id_number, doc_type="the_can_cuoc", number="X",
                                issued_on=date(2025, 1, 10))  # at 23: within two years of 25, valid until 40
    leap = make_person("001186000005", date(1986, 12, 30))  # 40 on 30/12/2026
    HeldDocument.objects.create(owner_id_number=leap.id_number, doc_type="the_can_cuoc", number="Y",
                                issued_on=date(2016, 1, 5))  # at 29: renew at 40
    ours = Offer.objects.filter(rule="id-card-renewal", person_id_number__startswith="00120100000")
    report = services.run_daily(today)
    made = Offer.objects.filter(rule="id-card-renewal", person_id_number__in=[due.id_number, leap.id_number, renewed.id_number])
    assert sorted(made.values_list("person_id_number", "subject")) == [
        (leap.id_number, "40"), (due.id_number, "25")]
    assert ours.count() == 1 and report.offers >= 2 and report.queries == 4  # one range per age (a window of 31 days)
    assert made.get(person_id_number=due.id_number).prefill == {
        "reason_code": "age", "renewal_age": "25", "birth_date": "2001-12-20"}
    assert services.run_daily(today).offers == 0  # the same day again: nothing twice
    assert services.run_daily(today + timedelta(days=1)).offers == 0
    drained()
    assert Message.objects.filter(kind="offer", recipient=f"citizen:{due.id_number}").count() == 1
    call_command("proactive", "daily", "--date", "2026-12-08")


def test_a_declined_offer_is_hidden_and_never_made_again(seeded):
    person = make_person("001201000001", date(2001, 12, 20))
    services.run_daily(date(2026, 12, 7))
    offer = Offer.objects.get(person_id_number=person.id_number)
    actor = citizen_actor(person.id_number, person.full_name, 2)
    services.decline(actor, offer.pk)
    assert not services.offers_of(person.id_number).exists()
    assert services.decline(actor, offer.pk).status == "declined"  # twice: the same
    assert services.run_daily(date(2026, 12, 8)).offers == 0
    with pytest.raises(services.NotFound):
        services.decline(citizen_actor(AN.id_number, AN.name, 2), offer.pk)  # not another's


def test_a_submitted_dossier_takes_the_offer_up(seeded):
    make_person(AN.id_number[:-1] + "9", date(2001, 12, 20))
    Person.objects.filter(id_number=AN.id_number).update(birth_date=date(1986, 12, 30))
    services.run_daily(date(2026, 12, 7))
    offer = Offer.objects.get(person_id_number=AN.id_number)
    spec = spec_of(Procedure.objects.get(code="1.014063").current_version)
    dossier, _ = dossiers.submit(sample_submission(spec, AN), citizen_actor(AN.id_number, AN.name, 2))
    offer.refresh_from_db()
    assert (offer.status, offer.dossier_code) == ("taken", dossier.code)
    with pytest.raises(services.Conflict):
        services.decline(citizen_actor(AN.id_number, AN.name, 2), offer.pk)


def test_the_portal_shows_offers_opens_the_prefilled_form_and_declines(client, seeded):
    Person.objects.filter(id_number=AN.id_number).update(birth_date=date(1986, 12, 30))
    services.run_daily(date(2026, 12, 7))
    offer = Offer.objects.get(person_id_number=AN.id_number)
    log_in_citizen(client)
    page = client.get("/thong-bao/").content.decode()
    assert "Đề xuất cho bạn" in page and f"/thu-tuc/1.014063/nop/?offer={offer.pk}" in page
    form = client.get(f"/thu-tuc/1.014063/nop/?offer={offer.pk}").content.decode()
    assert 'data-testid="offer-reason"' in form
    assert '<option value="40" selected>' in form and '<option value="age" selected>' in form
    for junk in ("abc", "99999999999999999999999", str(offer.pk + 1000)):
        assert client.get(f"/thu-tuc/1.014063/nop/?offer={junk}").status_code == 200
    assert client.post(f"/thong-bao/de-xuat/{offer.pk}/tu-choi/").status_code == 302
    assert "Đề xuất cho bạn" not in client.get("/thong-bao/").content.decode()
    assert client.post("/thong-bao/de-xuat/999999/tu-choi/").status_code == 404


def test_the_api_lists_and_declines_the_callers_offers(client, seeded):
    Person.objects.filter(id_number=AN.id_number).update(birth_date=date(1986, 12, 30))
    services.run_daily(date(2026, 12, 7))
    offer = Offer.objects.get(person_id_number=AN.id_number)
    log_in_citizen(client)
    listed = client.get("/api/offers").json()
    assert listed["count"] == 1 and listed["items"][0]["path"].endswith(f"?offer={offer.pk}")
    assert listed["items"][0]["prefill"]["renewal_age"] == "40"
    csrf = client.get("/thong-bao/").cookies.get("csrftoken")
    headers = {"X-CSRFToken": csrf.value} if csrf else {}
    declined = client.post(f"/api/offers/{offer.pk}/decline", headers=headers)
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    missing = client.post("/api/offers/999999/decline", headers=headers)
    assert missing.status_code == 404 and missing.json()["detail"]["en"]
    assert client.post("/api/offers/0/decline", headers=headers).status_code == 422
    assert client.get("/api/offers").json()["count"] == 0
