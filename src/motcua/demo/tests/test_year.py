"""The demo's year of dossiers: every dossier a real journal that folds to what is stored, taken by the agency's
officials on its working days; every figure of the index what the records say, and what a rebuild finds."""

from collections import Counter
from datetime import UTC, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from motcua.audit.services import verify
from motcua.calendar import OFFICE_HOURS, default_calendar
from motcua.catalog.services import fold_text
from motcua.demo.year import seed_year
from motcua.documents.models import Attachment, IssuedDocument
from motcua.dossiers import services
from motcua.dossiers.lifecycle import LOCAL_TZ, Status, local_date
from motcua.dossiers.models import DailySequence, Dossier
from motcua.identity.models import Official
from motcua.metrics import queries, rollup
from motcua.metrics.models import Rating
from motcua.metrics.queries import Period
from motcua.payments.models import Payment, SandboxTransaction

YEAR = 600


@pytest.fixture
def year(seeded):
    now = timezone.now()
    filed = seed_year(YEAR, seed=11, now=now)
    dossiers = list(Dossier.objects.select_related("procedure_version__procedure", "agency", "competent_agency")
                    .prefetch_related("actions").order_by("pk"))
    return now, filed, dossiers, {d.pk: services.state_of(d) for d in dossiers}


def test_every_journal_folds_to_the_dossier_stored(year):
    now, filed, dossiers, states = year
    assert filed == len(dossiers) > YEAR * 0.95  # the few the draw placed after now are not filed
    for d in dossiers:
        state = states[d.pk]
        assert (d.status, d.step, d.due_date, d.appointment_date, d.received_at, d.finished_at, d.version) == (
            int(state.status), state.step, state.due_date, state.appointment_date, state.received_at,
            state.finished_at, state.version), d.code
        assert d.code.startswith(f"{d.competent_agency.code}-{local_date(d.submitted_at):%y%m%d}-")
        times = [a.at for a in d.actions.all()]
        assert times == sorted(times) and now - timedelta(days=366) < times[0] and times[-1] <= now
    statuses = Counter(states[d.pk].status for d in dossiers)
    assert statuses[Status.RETURNED] > YEAR / 2 and len(statuses) >= 5  # mostly done, some under way
    assert verify().problems == []  # every journal's hash chain holds
    assert all(d.applicant_name_folded == fold_text(d.applicant_name) for d in dossiers)  # the queue finds them


def test_officials_of_the_agency_act_on_its_working_days(year):
    _, _, dossiers, _ = year
    cal = default_calendar()
    officials = {o.user.username: o for o in Official.objects.select_related("user", "agency")}
    opens, closes = OFFICE_HOURS[0][0], OFFICE_HOURS[-1][1]
    for d in dossiers:
        for a in d.actions.all():
            if a.actor_kind != "official":
                continue
            official = officials[a.actor_id]  # an account in the agency and role the journal names
            assert (official.agency.code, official.role, official.full_name) == (d.agency.code, a.actor_role,
                                                                                 a.actor_name)
            local = a.at.astimezone(LOCAL_TZ)
            assert cal.is_working_day(local.date()) and opens <= local.time() <= closes.replace(minute=59)


def test_the_figures_are_what_the_records_say_and_a_rebuild_finds_the_same(year):
    _, _, dossiers, states = year
    counted = rollup.table_snapshot()
    rollup.rebuild()
    assert rollup.table_snapshot() == counted

    p = Period("year", timezone.localdate().year)
    national = queries.headline(period=p).counts
    this_year = [d for d in dossiers if local_date(d.submitted_at).year == p.year]
    finished = [states[d.pk] for d in this_year if states[d.pk].finished_at]
    assert national.received == len(this_year)
    assert national.finished == len(finished)
    assert national.finished_on_time + sum(1 for s in finished if s.on_time is False) == national.finished
    assert 0 < national.finished_on_time < national.finished  # on time and late
    assert national.online == sum(d.channel == "online" for d in this_year)
    paid = Payment.objects.filter(dossier__in=this_year)
    assert national.has_fee == sum(states[d.pk].fee_due > 0 for d in this_year) >= paid.count() > 0
    assert national.paid_online == paid.filter(method="online").count() > 0
    assert national.paid_amount == sum(p.amount for p in paid)
    assert national.rated == Rating.objects.filter(dossier__in=this_year).count() > 0
    # results were issued on paper: none counts as electronic, as no signed document exists
    assert national.approved > 0 and national.result_electronic == 0
    assert not IssuedDocument.objects.filter(dossier__in=dossiers).exists()
    kinds = Counter(a.kind for d in dossiers for a in d.actions.all())
    assert kinds["request_supplement"] >= kinds["supplement"] > 0 and kinds["apologize"] > 0


def test_payments_ratings_and_evidence_are_of_their_time(year):
    _, _, dossiers, states = year
    for payment in Payment.objects.filter(dossier__in=dossiers).select_related("dossier"):
        request = payment.dossier.actions.get(seq=payment.request_seq)
        pay = payment.dossier.actions.get(kind="pay")
        assert request.kind == "request_payment" and request.data["amount"] == payment.amount == pay.data["amount"]
        assert payment.paid_at == pay.at and payment.status == "paid" and payment.applied
        if payment.method == "online":
            assert pay.actor_kind == "system" and pay.data["payment"] == payment.reference
            at_gateway = SandboxTransaction.objects.get(txn_ref=payment.reference)
            assert (at_gateway.amount, at_gateway.response_code) == (payment.amount, "00")
    for rating in Rating.objects.filter(dossier__in=dossiers).select_related("dossier"):
        returned = rating.dossier.actions.get(kind="return_result").at
        assert states[rating.dossier_id].status == Status.RETURNED and returned < rating.created_at
    attachments = Attachment.objects.filter(dossier__in=dossiers).select_related("dossier")
    assert {a.origin for a in attachments} == {"upload", "scan"}
    assert all(a.added_at == a.dossier.submitted_at and a.file.storage.exists(a.file.name) for a in attachments)


def test_provinces_are_ranked_and_a_second_seeding_adds_nothing(year, monkeypatch):
    now, _, dossiers, _ = year
    rows = queries.ranking("P", Period("year", timezone.localdate().year))
    ranked = [r for r in rows if r.ranked]
    assert len(ranked) >= 5 and {"01", "79"} <= {r.code for r in ranked}  # the big cities at least
    assert all(r.counts.received >= settings.INDEX_MIN_DOSSIERS for r in ranked)
    assert seed_year(YEAR, seed=11, now=now) == 0
    assert Dossier.objects.count() == len(dossiers)
    # the daily series continue after the year's codes
    latest = max(dossiers, key=lambda d: d.submitted_at)
    day = local_date(latest.submitted_at)
    assert DailySequence.objects.get(agency_code=latest.competent_agency.code, day=day).last >= int(
        latest.code.rsplit("-", 1)[1])
    assert services.next_code(latest.competent_agency.code, day) not in {d.code for d in dossiers}
    assert latest.submitted_at <= now.astimezone(UTC)
