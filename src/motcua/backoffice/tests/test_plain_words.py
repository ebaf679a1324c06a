"""The back office speaks plainly: the registries, agencies, documents, payments and journal entries a dossier
names are shown by their names in Vietnamese or English, never by their keys, and instants in Hà Nội's time."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from motcua.backoffice import labels
from motcua.demo.seeding import DEMO_CITIZENS
from motcua.demo.testing import log_in_official, official_actor, submitted
from motcua.dossiers import services
from motcua.identity.actors import Role

HOAN_KIEM = "H01.X00070.UB"


@pytest.mark.parametrize(("text", "shown"), [
    ("2026-11-24T02:05:00+00:00", "09:05 24/11/2026"),  # read in UTC, shown as the clock in Hà Nội showed it
    ("2026-11-24T09:05:00+07:00", "09:05 24/11/2026"),
    ("2026-11-23T20:30:00+00:00", "03:30 24/11/2026"),  # the next day, locally
])
def test_instants_kept_as_text_are_read_in_local_time(text, shown):
    assert f"{labels.instant(text):%H:%M %d/%m/%Y}" == shown


def test_days_and_what_is_not_an_instant():
    assert labels.instant("2026-03-05") == date(2026, 3, 5)
    assert labels.instant(datetime(2026, 1, 1, 17, tzinfo=UTC)).hour == 0
    assert labels.instant("soon") is None and labels.instant(None) is None


def test_keys_have_words_and_an_unknown_key_is_shown_as_it_is():
    assert labels.label("registry", "population") == ("Cơ sở dữ liệu quốc gia về dân cư",
                                                      "National population database")
    assert labels.label("action", "request_supplement") == ("Yêu cầu bổ sung", "Request supplement")
    assert labels.label("payment_method", "cash")[1] == "Cash at the counter"
    assert labels.label("notification_channel", "email") == ("Thư điện tử", "E-mail")
    assert labels.label("person_field", "full_name")[0] == "Họ, chữ đệm và tên"
    assert labels.label("registry", "tomorrow's registry") == ("tomorrow's registry", "tomorrow's registry")


@pytest.fixture
def dossier(seeded):
    """A birth registration read from the registries (kept in UTC), received and given a new return date."""
    found = submitted("1.001193", DEMO_CITIZENS[0])
    found.provenance = {"mother_id_number": {"source": "registry", "registry": "family", "version": 3,
                                             "fetched_at": "2026-11-24T02:05:00+00:00"}}
    found.save(update_fields=["provenance"])
    receiver = official_actor(HOAN_KIEM, Role.RECEIVER)
    services.act(found.code, "receive", receiver)
    new_date = timezone.localdate() + timedelta(days=20)
    while new_date.weekday() >= 5:
        new_date += timedelta(days=1)
    services.act(found.code, "apologize", receiver, "Cần xác minh", {"new_date": new_date.isoformat()})
    return found, new_date


def test_the_dossier_page_names_what_its_data_keys_and_reads_times_locally(client, dossier):
    found, new_date = dossier
    page = log_in_official(client, "hoankiem.chuyenvien").get(f"/backoffice/ho-so/{found.code}/").content.decode()
    assert '<span class="tag full">Quan hệ gia đình (dân cư, hộ tịch)</span>' in page
    assert "đọc lúc 09:05 24/11/2026" in page and "2026-11-24T02:05" not in page
    assert f"hẹn trả ngày {new_date:%d/%m/%Y}" in page and new_date.isoformat() not in page
    assert "Phường Hoàn Kiếm" in page and f"· {HOAN_KIEM}</span>" not in page  # the agency, not its code
    assert "Tờ khai đăng ký khai sinh" in page and ">to_khai" not in page  # the document, not its code


def test_the_english_page_says_it_in_english(client, dossier):
    found, _ = dossier
    log_in_official(client, "hoankiem.chuyenvien")
    client.cookies["django_language"] = "en"
    page = client.get(f"/backoffice/ho-so/{found.code}/").content.decode()
    assert "Family relations (population, civil status)" in page and "read at 09:05 24/11/2026" in page
