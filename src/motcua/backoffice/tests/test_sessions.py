"""A login lasts a working day for officials and less for citizens, ends after 30 minutes without a request,
is never kept by a cache, leaves nothing in the browser at logout, and its owner sees and ends the others."""

import time

from django.test import Client

from motcua.demo.testing import log_in_citizen, log_in_official
from motcua.identity import sessions
from motcua.identity.models import SessionRecord

RECEIVER = "hoankiem.motcua"


def age(client, started_ago: float = 0, seen_ago: float = 0) -> None:
    session = client.session
    session[sessions.STARTED_KEY] = time.time() - started_ago
    session[sessions.SEEN_KEY] = time.time() - seen_ago
    session.save()


def test_an_officials_login_ends_after_30_idle_minutes_or_12_hours(client, seeded):
    log_in_official(client, RECEIVER)
    age(client, started_ago=11 * 3600, seen_ago=29 * 60)
    assert client.get("/backoffice/").status_code == 200
    age(client, seen_ago=31 * 60)
    assert client.get("/backoffice/")["Location"].startswith("/backoffice/dang-nhap/")
    assert not SessionRecord.objects.filter(subject=RECEIVER).exists()
    log_in_official(client, RECEIVER)
    age(client, started_ago=12 * 3600 + 1)
    assert client.get("/backoffice/").status_code == 302


def test_a_citizens_login_is_shorter(client, seeded):
    log_in_citizen(client)
    age(client, started_ago=3 * 3600)
    assert client.get("/ho-so/").status_code == 200
    age(client, started_ago=4 * 3600 + 1)
    assert client.get("/ho-so/")["Location"].startswith("/dang-nhap/")


def test_no_cache_keeps_an_answer_to_a_logged_in_person(client, seeded):
    assert client.get("/")["Cache-Control"] == "no-store, private"
    log_in_official(client, RECEIVER)
    assert client.get("/backoffice/")["Cache-Control"] == "no-store, private"
    assert client.get("/api/queue")["Cache-Control"] == "no-store, private"
    citizen = log_in_citizen(Client())
    assert citizen.get("/ho-so/")["Cache-Control"] == "no-store, private"


def test_logging_out_clears_what_the_browser_kept(client, seeded):
    log_in_official(client, RECEIVER)
    assert client.post("/backoffice/dang-xuat/")["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    citizen = log_in_citizen(Client())
    assert citizen.post("/dang-xuat/")["Clear-Site-Data"] == '"cache", "cookies", "storage"'


def test_an_official_sees_their_sessions_and_ends_the_others(seeded):
    here, lost_phone = Client(HTTP_USER_AGENT="Firefox on the office PC"), Client(HTTP_USER_AGENT="Phone")
    log_in_official(here, RECEIVER)
    log_in_official(lost_phone, RECEIVER)
    page = here.get("/backoffice/phien-dang-nhap/").content.decode()
    assert "Firefox on the office PC" in page and "Phone" in page and "127.0.0.1" in page
    assert here.post("/backoffice/phien-dang-nhap/").status_code == 302
    assert lost_phone.get("/backoffice/").status_code == 302  # ended
    assert here.get("/backoffice/").status_code == 200  # this one stays
    assert SessionRecord.objects.filter(subject=RECEIVER).count() == 1


def test_a_citizen_does_too(seeded, settings):
    settings.OIDC = {**settings.OIDC, "DISCOVERY_URL": ""}
    first, second = Client(), Client()
    for client in (first, second):
        log_in_citizen(client)
        # as the e-ID login records it
        SessionRecord.objects.create(session_key=client.session.session_key, kind="citizen",
                                     subject="001090012345", started_at="2026-12-01T08:00Z",
                                     last_seen_at="2026-12-01T08:00Z")
    assert first.get("/phien-dang-nhap/").content.decode().count("<tr><td>") == 2
    first.post("/phien-dang-nhap/")
    assert second.get("/ho-so/").status_code == 302 and first.get("/ho-so/").status_code == 200
