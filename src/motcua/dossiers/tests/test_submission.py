"""Who files a dossier through which channel: one rule in ``services.submit`` for the API, the portal and the
back office. Online only the applicants themselves; at the counter or by post only a reception officer."""

import pytest

from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.demo.seeding import DEMO_CITIZENS
from motcua.demo.testing import official_actor, sample_submission
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.identity.actors import Actor, Role, citizen_actor

AN = DEMO_CITIZENS[0]
HOAN_KIEM = "H01.X00070.UB"


@pytest.fixture
def birth(seeded):
    return spec_of(Procedure.objects.get(code="1.001193").current_version)


def refusal(sub: services.Submission, actor: Actor) -> tuple[int, str | None, str]:
    """(status, field, code) of the one error a refused submission gives; nothing is written."""
    written = Dossier.objects.count()
    with pytest.raises(services.SubmissionError) as refused:
        services.submit(sub, actor)
    assert Dossier.objects.count() == written
    [error] = refused.value.errors
    assert error.vi and error.en and error.vi != error.en
    return refused.value.status, error.field, error.code


@pytest.mark.parametrize("role", list(Role))
def test_no_official_files_online_in_a_citizens_name(birth, role):
    assert refusal(sample_submission(birth), official_actor(HOAN_KIEM, role)) == (
        403, "channel", "online_by_applicant_only")


@pytest.mark.parametrize("channel", ["counter", "post"])
@pytest.mark.parametrize("role", [Role.SPECIALIST, Role.LEADER])
def test_only_reception_officers_record_counter_and_postal_submissions(birth, role, channel):
    assert refusal(sample_submission(birth, channel=channel), official_actor(HOAN_KIEM, role)) == (
        403, "channel", "counter_only")


@pytest.mark.parametrize(("channel", "code"), [("online", "online_by_applicant_only"), ("counter", "counter_only")])
def test_the_system_files_nothing(birth, channel, code):
    assert refusal(sample_submission(birth, channel=channel), Actor("system", "payment-gateway")) == (
        403, "channel", code)


def test_citizens_file_online_and_in_their_own_name_only(birth):
    an = citizen_actor(AN.id_number, AN.name, 2)
    assert refusal(sample_submission(birth, channel="counter"), an) == (403, "channel", "counter_only")
    assert refusal(sample_submission(birth, citizen=DEMO_CITIZENS[1]), an) == (
        422, "applicant.id_number", "not_self")
    dossier, created = services.submit(sample_submission(birth), an)
    assert created and dossier.channel == "online"


@pytest.mark.parametrize("channel", ["counter", "post"])
def test_a_reception_officer_records_a_submission_held_by_their_own_agency(birth, channel):
    receiver = official_actor("H01.CA", Role.RECEIVER)  # the city police's one-stop, not the competent commune
    dossier, created = services.submit(sample_submission(birth, channel=channel), receiver)
    assert created and (dossier.channel, dossier.agency.code) == (channel, "H01.CA")
    assert dossier.competent_agency.code == HOAN_KIEM


def test_a_replayed_submission_is_refused_to_whoever_may_not_file_it(birth):
    sub = sample_submission(birth, idempotency_key="retry-1")
    services.submit(sub, citizen_actor(AN.id_number, AN.name, 2))
    assert refusal(sub, official_actor(HOAN_KIEM, Role.RECEIVER)) == (403, "channel", "online_by_applicant_only")


def test_one_person_files_only_so_many_dossiers_online_a_day(birth, settings):
    """A cap against flooding an agency's queue: the next day, and a retry of one already filed, still work."""
    from datetime import timedelta

    from django.utils import timezone

    settings.DAILY_SUBMISSIONS_PER_APPLICANT = 2
    an = citizen_actor(AN.id_number, AN.name, 2)
    first, _ = services.submit(sample_submission(birth, idempotency_key="day-1-a"), an)
    services.submit(sample_submission(birth), an)
    with pytest.raises(services.DailyCapReached) as capped:
        services.submit(sample_submission(birth), an)
    assert capped.value.status == 429 and "tối đa 2 hồ sơ" in capped.value.vi and Dossier.objects.count() == 2
    assert services.submit(sample_submission(birth, idempotency_key="day-1-a"), an) == (first, False)
    tomorrow = timezone.now() + timedelta(days=1)
    assert services.submit(sample_submission(birth), an, now=tomorrow)[1] is True
