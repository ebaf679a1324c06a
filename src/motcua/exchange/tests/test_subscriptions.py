"""Registry events delivered over the exchange, in process: the keeper (BCA.dancu) publishes deaths, social
insurance (BHXH.thu) subscribes with a right and receives each death once, through a subscriber down and up
again and a delivery repeated; the one-stop system (HN.motcua), with no right, gets nothing. Both ends share
this test's database; each call reaches the other end through Django's test client, as that end's system."""

import json
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
import requests
from django.utils import timezone

from motcua.core import outbox
from motcua.core.errors import Invalid
from motcua.demo.seeding import DEMO_CITIZENS
from motcua.exchange import members, subscriptions
from motcua.exchange.models import EventDelivery, MessageLog, ReceivedEvent, Subscription
from motcua.exchange.tests.conftest import CONSUMER, PROVIDER, STRANGER
from motcua.registries.changes import ChangeSource, change_person
from motcua.registries.models import Person

DIED = "registry.person.died"
SUBSCRIBER = STRANGER  # social insurance
LAW = "58/2014/QH13"
AN = DEMO_CITIZENS[0]


class Network:
    """requests' session, routed to the test client as the system the URL names; ``down`` refuses to connect."""

    def __init__(self, client, settings):
        self.client, self.settings, self.down, self.sent = client, settings, False, []

    def post(self, url, data, headers, timeout, allow_redirects):
        if self.down:
            raise requests.ConnectionError("connection refused")
        path = urlsplit(url).path
        self.sent.append((path, data, headers))
        return self.at(path, data, headers)

    def at(self, path, data, headers):
        """POST as the system the path names."""
        before = self.settings.EXCHANGE
        self.settings.EXCHANGE = {**before, "SYSTEM": path.split("/")[3]}
        try:
            return self.client.post(path, data=data, content_type="application/json",
                                    headers={k: v for k, v in headers.items() if k != "Content-Type"})
        finally:
            self.settings.EXCHANGE = before


@pytest.fixture
def network(client, settings, exchange_directory, monkeypatch):
    settings.EXCHANGE = {**settings.EXCHANGE, "DELIVERY_INLINE": False}
    net = Network(client, settings)
    monkeypatch.setattr(subscriptions.services, "_session", lambda: net)
    members.add_service(PROVIDER, subscriptions.service_for(DIED), "Thông báo công dân qua đời")
    for system in (SUBSCRIBER, CONSUMER):
        members.add_service(system, subscriptions.RECEIVING_SERVICE, "Nhận sự kiện")
    members.grant(SUBSCRIBER, PROVIDER, subscriptions.service_for(DIED), {"benefits": LAW})
    outbox.run(once=True)  # what seeding left pending
    return net


@pytest.fixture
def handled(monkeypatch):
    seen = []
    monkeypatch.setitem(subscriptions.RECEIVERS, DIED, {"test.stop_payments": seen.append})
    return seen


def register_death(id_number=AN.id_number):
    person = Person.objects.get(id_number=id_number)
    change_person(person, {"deceased_on": date.today() - timedelta(days=1)}, "died",
                  ChangeSource("dossier", "HN-2026-000001", "keeper"))
    outbox.run(once=True)


def test_a_death_at_the_keeper_reaches_the_subscriber_once(network, handled):
    subscriptions.subscribe(SUBSCRIBER, DIED, "benefits")
    register_death()
    delivery = EventDelivery.objects.get()
    assert (delivery.subscription.subscriber, delivery.status, delivery.key) == (SUBSCRIBER, "pending", AN.id_number)
    report = subscriptions.deliver_all()
    assert (report.sent, report.failed) == (1, 0)
    received = ReceivedEvent.objects.get()
    assert (received.publisher, received.topic, received.key, received.event_id, received.purpose) == (
        PROVIDER, DIED, AN.id_number, delivery.event_id, "benefits")
    assert received.payload["id_number"] == AN.id_number and received.payload["event"] == "died"
    assert received.handled_by == ["test.stop_payments", "exchange.log"]
    assert [e.pk for e in handled] == [received.pk]
    # Both ends logged the call, as every call.
    logged = MessageLog.objects.filter(service=subscriptions.RECEIVING_SERVICE).values_list("role", "outcome")
    assert sorted(logged) == [("consumer", "ok"), ("provider", "ok")]
    assert EventDelivery.objects.get().status == "sent"


def test_a_subscriber_down_then_up_receives_the_event_after_a_retry_once(network, handled):
    subscriptions.subscribe(SUBSCRIBER, DIED, "benefits")
    register_death()
    network.down = True
    report = subscriptions.deliver_all()
    assert (report.sent, report.retried) == (0, 1)
    delivery = EventDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1 and "provider_error" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=20)  # waits before the next attempt
    assert subscriptions.deliver_all().handled == 0  # not due yet
    network.down = False
    EventDelivery.objects.update(next_attempt_at=timezone.now())
    assert subscriptions.deliver_all().sent == 1
    assert ReceivedEvent.objects.count() == 1 and len(handled) == 1
    assert EventDelivery.objects.get().attempts == 2


def test_failures_wait_doubling_and_end_failed_and_visible(network, settings):
    settings.EXCHANGE = {**settings.EXCHANGE, "DELIVERY_MAX_ATTEMPTS": 3}
    subscriptions.subscribe(SUBSCRIBER, DIED, "benefits")
    register_death()
    network.down = True
    waits = []
    for _ in range(3):
        EventDelivery.objects.update(next_attempt_at=timezone.now())
        subscriptions.deliver_all()
        delivery = EventDelivery.objects.get()
        waits.append((delivery.next_attempt_at - timezone.now()).total_seconds())
    assert 1.8 < waits[1] / waits[0] < 2.2
    assert delivery.status == "failed" and delivery.attempts == 3
    found = subscriptions.status()
    assert found.counts == {(SUBSCRIBER, DIED, "failed"): 1} and [d.pk for d in found.failed] == [delivery.pk]
    network.down = False
    assert subscriptions.retry_failed() == 1
    assert subscriptions.deliver_all().sent == 1


def test_an_event_delivered_twice_is_processed_once(network, handled):
    subscriptions.subscribe(SUBSCRIBER, DIED, "benefits")
    register_death()
    subscriptions.deliver_all()
    # The answer was lost: the publisher sends the event again, as a new call.
    EventDelivery.objects.update(status="pending", next_attempt_at=timezone.now())
    assert subscriptions.deliver_all().sent == 1
    assert ReceivedEvent.objects.count() == 1 and len(handled) == 1
    # The very same signed call sent again is a replay.
    response = network.at(*network.sent[-1])
    assert (response.status_code, response.json()["code"]) == (401, "replayed")
    # The outbox handing the same batch to the consumer again records no second delivery.
    subscriptions.record_events(list(outbox.OutboxEvent.objects.filter(topic=DIED)))
    assert EventDelivery.objects.count() == 1


def test_a_subscriber_without_a_right_gets_nothing(network, handled):
    with pytest.raises(Invalid) as refused:
        subscriptions.subscribe(CONSUMER, DIED, "benefits")
    assert refused.value.errors[0].field == "subscriber"
    with pytest.raises(Invalid):
        subscriptions.subscribe(SUBSCRIBER, DIED, "marketing")  # a purpose the right does not list
    with pytest.raises(Invalid):
        subscriptions.subscribe(SUBSCRIBER, "registry.person.born", "benefits")  # no such service published
    # A subscription whose right is withdrawn records nothing more.
    subscriptions.subscribe(SUBSCRIBER, DIED, "benefits")
    members.withdraw(SUBSCRIBER, PROVIDER, subscriptions.service_for(DIED))
    register_death()
    assert not EventDelivery.objects.exists()
    assert subscriptions.deliver_all().handled == 0 and not ReceivedEvent.objects.exists()


def test_a_delivery_the_subscriber_holds_no_right_for_is_refused(network, handled):
    """A publisher pushing an event to a system with no right to it (here HN.motcua): refused, nothing kept."""
    sub = Subscription.objects.create(subscriber=CONSUMER, topic=DIED, purpose="benefits", legal_basis=LAW)
    delivery = EventDelivery.objects.create(subscription=sub, event_id=1, topic=DIED, key=AN.id_number,
                                            occurred_at=timezone.now())
    members.grant(CONSUMER, PROVIDER, subscriptions.service_for(DIED), {"benefits": LAW})  # lets the publisher send
    members.withdraw(CONSUMER, PROVIDER, subscriptions.service_for(DIED))
    report = subscriptions.deliver_all()
    assert report.failed == 1 and "no_right" in EventDelivery.objects.get(pk=delivery.pk).last_error
    # Forged straight at the receiver, signed by the keeper: refused there too.
    from motcua.exchange import keys, services
    body = json.dumps({"event_id": 2, "topic": DIED, "key": AN.id_number, "payload": {}}).encode()
    path = f"/exchange/v1/{CONSUMER}/{subscriptions.RECEIVING_SERVICE}"
    signed, _ = services.signed_request(keys.local_key(PROVIDER), PROVIDER, f"http://testserver{path}", body,
                                        services.Purpose("benefits", LAW))
    response = network.at(path, body, signed)
    assert (response.status_code, response.json()["code"]) == (403, "no_right")
    assert not ReceivedEvent.objects.exists() and handled == []


def test_the_commands_subscribe_list_and_show_failures(network, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    call_command("exchange", "subscribe", SUBSCRIBER, DIED, "--purpose", "benefits")
    call_command("exchange", "subscriptions")
    register_death()
    network.down = True
    call_command("exchange", "deliver", "--once")
    call_command("exchange", "deliveries")
    out = capsys.readouterr().out
    assert f"{SUBSCRIBER} receives {DIED} for benefits ({LAW})" in out and "\tactive" in out
    assert f"{SUBSCRIBER}\t{DIED}\tpending\t1" in out
    with pytest.raises(CommandError):
        call_command("exchange", "subscribe", CONSUMER, DIED, "--purpose", "benefits")
    call_command("exchange", "unsubscribe", SUBSCRIBER, DIED)
    with pytest.raises(CommandError):  # the pending delivery ended as failed: visible, exit 1
        call_command("exchange", "deliveries")


def test_the_back_office_lists_subscriptions_with_their_deliveries(network, client):
    from django.urls import reverse

    from motcua.demo.testing import log_in_official

    subscriptions.subscribe(SUBSCRIBER, DIED, "benefits")
    register_death()
    log_in_official(client, "hoankiem.lanhdao")
    page = client.get(reverse("backoffice:exchange"))
    assert page.status_code == 200
    table = page.content.decode().split('data-testid="exchange-subscriptions"')[1].split("</table>")[0]
    assert SUBSCRIBER in table and DIED in table and "<td>1</td>" in table
