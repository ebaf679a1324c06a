"""Citizens rate the service after the result is returned; ratings feed the satisfaction group."""

import pytest

from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.core import outbox
from motcua.demo.seeding import DEMO_CITIZENS
from motcua.demo.testing import sample_submission, walk
from motcua.dossiers import services
from motcua.dossiers.lifecycle import Status
from motcua.identity.actors import citizen_actor
from motcua.metrics import queries
from motcua.metrics.models import Rating
from motcua.metrics.queries import Period

AN = DEMO_CITIZENS[0]


def dossier(until=Status.RETURNED):
    spec = spec_of(Procedure.objects.get(code="1.001193").current_version)
    d = services.submit(sample_submission(spec), citizen_actor(AN.id_number, AN.name, 2))[0]
    if until:
        walk(d.code, until)
    return d


def test_rating_after_return_feeds_the_index(citizen):
    d = dossier()
    page = citizen.get(f"/ho-so/{d.code}/").content.decode()
    assert 'data-testid="rating-form"' in page
    response = citizen.post(f"/ho-so/{d.code}/danh-gia/", {"score": "1", "complaint": "Phải đi lại nhiều lần"})
    assert response.status_code == 302
    assert Rating.objects.get(dossier=d).dissatisfied
    while outbox.drain():
        pass
    counts = queries.counts_by_scope("N", Period.parse(None, None, None))[""]
    assert (counts.rated, counts.dissatisfied) == (1, 1)
    assert "★☆☆☆☆" in citizen.get(f"/ho-so/{d.code}/").content.decode()
    again = citizen.post(f"/ho-so/{d.code}/danh-gia/", {"score": "5"})
    assert again.status_code == 302 and Rating.objects.get(dossier=d).score == 1  # once only


@pytest.mark.parametrize("score", ["", "0", "6", "abc", "3.5"])
def test_bad_scores_are_refused(citizen, score):
    d = dossier()
    citizen.post(f"/ho-so/{d.code}/danh-gia/", {"score": score})
    assert not Rating.objects.exists()


def test_no_rating_before_the_result_is_returned(citizen):
    d = dossier(until=None)
    assert 'data-testid="rating-form"' not in citizen.get(f"/ho-so/{d.code}/").content.decode()
    citizen.post(f"/ho-so/{d.code}/danh-gia/", {"score": "4"})
    assert not Rating.objects.exists()


def test_rating_over_the_api(citizen):
    d = dossier()
    bad = citizen.post(f"/api/dossiers/{d.code}/rating", {"score": 9}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "score"
    ok = citizen.post(f"/api/dossiers/{d.code}/rating", {"score": 4}, content_type="application/json")
    assert ok.status_code == 201 and ok.json()["score"] == 4
    again = citizen.post(f"/api/dossiers/{d.code}/rating", {"score": 4}, content_type="application/json")
    assert again.status_code == 409
