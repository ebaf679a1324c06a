"""Roll-ups follow the journal through the outbox; a rebuild from the journals gives the same tables; the
dashboard reads them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.core import outbox
from motcua.core.models import OutboxEvent
from motcua.demo.seeding import DEMO_CITIZENS, seed_dossiers
from motcua.demo.testing import official_actor, sample_submission, walk
from motcua.dossiers import services
from motcua.dossiers.lifecycle import Status
from motcua.identity.actors import Role, citizen_actor
from motcua.metrics import queries, rollup
from motcua.metrics.models import DossierFact, KpiCounter, Rating
from motcua.metrics.queries import Period
from motcua.payments import sandbox
from motcua.payments import services as payments
from motcua.payments.models import SandboxTransaction
from motcua.payments.sandbox import callback_params

AN = DEMO_CITIZENS[0]


def drain_all() -> int:
    total = 0
    while done := outbox.drain():
        total += done
    return total


def submit(code="1.001193", **changes):
    spec = spec_of(Procedure.objects.get(code=code).current_version)
    return services.submit(sample_submission(spec, **changes), citizen_actor(AN.id_number, AN.name, 2))[0]


def national(name: str) -> int:
    """Summed over this year and last (the demo dossiers are dated over the past days, which may straddle
    New Year)."""
    this_year = timezone.localdate().year
    return sum(getattr(queries.counts_by_scope("N", Period("year", y)).get("", queries.Counts()), name)
               for y in (this_year - 1, this_year))


@pytest.fixture
def activity(seeded):
    seed_dossiers()  # birth registrations in every stage, and a judicial record owing its fee
    returned = services.get_dossier(next(d.code for d in services.Dossier.objects.filter(status=Status.RETURNED)))
    Rating.objects.create(dossier=returned, score=2, complaint="Chờ lâu")
    services.changed(returned)
    spec = spec_of(Procedure.objects.get(code="1.001193").current_version)
    scan = services.IncomingFile("to_khai", "a.jpg", b"\xff\xd8\xff1")
    return services.submit(sample_submission(spec, channel="counter", files=[scan]),
                           official_actor("H01.X00070.UB", Role.RECEIVER))[0]


def test_events_are_written_with_each_action_and_drained(activity):
    assert OutboxEvent.objects.filter(processed_at__isnull=True).count() > 10
    drain_all()
    assert not OutboxEvent.objects.filter(processed_at__isnull=True).exists()
    assert national("received") == services.Dossier.objects.count() == 11  # three of them one birth group
    assert national("online") == 10 and national("has_fee") == 1
    assert national("rated") == 1 and national("dissatisfied") == 1
    assert national("approved") == 3 and national("result_electronic") == 3
    assert outbox.last_processed() == OutboxEvent.objects.order_by("-id").first().id


def test_replaying_events_changes_nothing(activity):
    drain_all()
    before = rollup.table_snapshot()
    OutboxEvent.objects.update(processed_at=None)  # as if a worker crashed before marking its batch
    drain_all()
    assert rollup.table_snapshot() == before


def test_a_full_rebuild_from_the_journal_gives_identical_figures(activity):
    drain_all()
    incremental = rollup.table_snapshot()
    assert incremental[0]
    rollup.rebuild()
    assert rollup.table_snapshot() == incremental
    assert DossierFact.objects.count() == 11


def test_figures_move_as_the_dossier_moves(seeded):
    dossier = submit()
    drain_all()
    assert national("finished") == 0
    walk(dossier.code, Status.RETURNED)
    drain_all()
    assert national("finished") == 1 and national("finished_on_time") == 1
    rows = KpiCounter.objects.filter(level="CF", scope=f"{dossier.commune_code}|1.001193")
    assert sum(r.received for r in rows) == 1 and sum(r.finished_on_time for r in rows) == 1


def test_online_money_is_counted_payment_by_payment(client, seeded, monkeypatch):
    """Cash on a dossier once paid online is not online money. The journal holds two fee requests (as kept
    from before a fee was asked once): 400.000 đ paid through the gateway, then 200.000 đ in cash."""
    dossier = submit("3.000333")
    receiver, specialist = (official_actor(dossier.agency.code, role) for role in (Role.RECEIVER, Role.SPECIALIST))
    services.act(dossier.code, "receive", receiver)
    services.act(dossier.code, "forward", receiver)
    with monkeypatch.context() as before_the_fix:
        before_the_fix.delitem(services.ACTION_DATA, "request_payment")
        dossier, state = services.act(dossier.code, "request_payment", specialist, data={"amount": 400000})
        online = payments.start_online_payment(dossier, state, citizen_actor(AN.id_number, AN.name, 2))
        paid = SandboxTransaction(tmn_code=sandbox.MERCHANT_CODE, txn_ref=online.reference, amount=400000,
                                  order_info="x", transaction_no="14000001", response_code="00", bank_code="NCB",
                                  pay_date=timezone.now())
        assert payments.confirm(callback_params(paid, sandbox.HASH_SECRET), "ipn").outcome == "confirmed"
        services.act(dossier.code, "request_payment", specialist, data={"amount": 200000})
    services.act(dossier.code, "pay", receiver)  # cash at the counter
    drain_all()
    assert (national("paid_online"), national("paid_online_amount"), national("paid_amount")) == (1, 400000, 600000)
    assert client.get("/api/index").json()["paid_online_amount"] == 400000
    incremental = rollup.table_snapshot()
    rollup.rebuild()
    assert rollup.table_snapshot() == incremental


def test_still_within_deadline_is_judged_on_the_day_it_is_read(seeded):
    dossier = submit()
    services.act(dossier.code, "receive", official_actor(dossier.agency.code, Role.RECEIVER))
    drain_all()
    state = services.state_of(services.get_dossier(dossier.code))
    period = Period.parse(None, None, None)
    on_due_day = queries.counts_by_scope("N", period, today=state.due_date)[""]
    after = queries.counts_by_scope("N", period, today=state.due_date + timedelta(days=1))[""]
    assert on_due_day.open_within_deadline == 1 and after.open_within_deadline == 0


def test_periods():
    assert Period.parse("quarter", "2026", "4").first_month.month == 10
    assert Period.parse("month", "abc", "99").number == 12
    assert Period.parse(None, None, None).kind == "year"


def test_dashboard_pages_exports_and_events(client, activity):
    drain_all()
    year = services.Dossier.objects.latest("submitted_at").submitted_at.year
    page = client.get(f"/chi-so/?period=year&year={year}")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="received">11<' in html and "Thành phố Hà Nội" in html
    assert "<svg" in html  # ranking chart and trend chart
    province = client.get(f"/chi-so/tinh/01/?period=year&year={year}").content.decode()
    assert "Phường Hoàn Kiếm" in province and "Đăng ký khai sinh" in province
    commune = client.get(f"/chi-so/xa/00070/?period=year&year={year}").content.decode()
    assert "Đăng ký khai sinh" in commune
    assert client.get("/chi-so/tinh/99/").status_code == 404
    csv = client.get(f"/chi-so/?period=year&year={year}&format=csv")
    assert csv["Content-Type"].startswith("text/csv") and "Thành phố Hà Nội" in csv.content.decode("utf-8-sig")
    xlsx = client.get(f"/chi-so/tinh/01/?period=year&year={year}&format=xlsx")
    assert xlsx.content[:2] == b"PK"
    partial = client.get(f"/chi-so/?period=year&year={year}&partial=1").content.decode()
    assert "<html" not in partial and 'data-testid="received"' in partial


def test_event_stream_says_when_figures_change(client, activity):
    drain_all()
    version = outbox.last_processed()
    response = client.get("/chi-so/su-kien/?since=0")
    # The WSGI server answers at once (it never holds a stream) and tells the browser when to ask again.
    assert response["Content-Type"] == "text/event-stream"
    body = response.content.decode()
    assert body.startswith("retry: 5000\n\n") and f'id: {version}\nevent: changed\ndata: {{"version": {version}}}' in body
    # On reconnecting, the browser sends the last id it heard: nothing has changed since.
    assert client.get("/chi-so/su-kien/?since=0", HTTP_LAST_EVENT_ID=str(version)).content == b"retry: 5000\n\n"


def test_index_api(client, activity):
    drain_all()
    body = client.get("/api/index").json()
    assert body["received"] >= 1 and [c["code"] for c in body["children"]] == ["01"]
    assert {g["code"] for g in body["groups"]} == {"transparency", "progress", "online", "payment", "digitization",
                                                   "satisfaction"}
    province = client.get("/api/index?level=P&code=01").json()
    assert province["children"] and province["children"][0]["code"] == "00070"
    assert client.get("/api/index?level=P&code=99").status_code == 404
    assert client.get("/api/index?level=X").status_code == 422


def test_commands_drain_and_rebuild(activity):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("outbox", "run", "--once", stdout=out)
    assert "events processed" in out.getvalue() and not OutboxEvent.objects.filter(processed_at=None).exists()
    before = rollup.table_snapshot()
    call_command("metrics", "rebuild", stdout=out)
    assert "11 dossiers folded" in out.getvalue() and rollup.table_snapshot() == before
