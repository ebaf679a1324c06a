"""Interlinked groups in the index's figures: a group is finished when its last member ends and on time when
that day is within the group's statutory time; the figures follow the outbox, survive a replay and a rebuild,
and show on the dashboard and in the API."""

from datetime import timedelta

import pytest
from django.utils import timezone

from motcua.core.models import OutboxEvent
from motcua.demo.testing import SAMPLE_COMMUNE, SAMPLE_PROVINCE, walk
from motcua.dossiers import groups
from motcua.dossiers.lifecycle import Status
from motcua.dossiers.models import DossierGroup
from motcua.dossiers.tests.test_groups import an, application
from motcua.metrics import interlinked, rollup
from motcua.metrics.queries import Period
from motcua.metrics.tests.test_rollup import drain_all

LATE = timedelta(days=30)  # past the birth group's 3 working days whatever the day the test runs


def this_year() -> Period:
    return Period("year", timezone.localdate().year)


def file_and_walk(key: str, child: str, members_at=None):
    """A birth group filed now, the birth registered at once; its residence and health-insurance members
    processed at ``members_at`` (now when None)."""
    app = application(child_full_name=child)
    app.idempotency_key = key
    group, _ = groups.submit_group(app, an())
    walk(groups.view(group).members[0].dossier.code, Status.PROCESSED)
    for member in groups.view(DossierGroup.objects.get(pk=group.pk)).members[1:]:
        walk(member.dossier.code, Status.PROCESSED, start=members_at)
    return DossierGroup.objects.get(pk=group.pk)


def birth_figures(level="N", scope=""):
    found = {f.group_code: f for f in interlinked.figures(level, scope, this_year())}
    return found.get("LT.KHAISINH")


@pytest.fixture
def two_groups(seeded):
    on_time = file_and_walk("group-on-time", "Nguyễn Minh Khang")
    late = file_and_walk("group-late", "Nguyễn Bảo Ngọc", members_at=timezone.now() + LATE)
    waiting, _ = groups.submit_group(application(child_full_name="Nguyễn Gia Huy"), an())  # key "group-1"
    return on_time, late, waiting


def test_a_group_on_time_and_one_late_show_in_the_figures(two_groups):
    on_time, late, waiting = two_groups
    assert groups.view(on_time).on_time is True and groups.view(late).on_time is False
    assert not groups.view(waiting).finished
    drain_all()
    for level, scope in (("N", ""), ("P", SAMPLE_PROVINCE), ("C", SAMPLE_COMMUNE)):
        figures = birth_figures(level, scope)
        assert (figures.received, figures.finished, figures.finished_on_time) == (3, 2, 1), level
        assert figures.on_time_share == 0.5 and figures.name_en.startswith("Birth registration")
    assert birth_figures("P", "79") is None  # nothing filed from another province
    # the group's judgement is the same as the applicant's page
    assert [interlinked.fact_of(g).counters.get("finished_on_time", 0) for g in (on_time, late)] == [1, 0]


def test_the_last_member_finishing_moves_the_figures(seeded):
    group, _ = groups.submit_group(application(), an())
    walk(groups.view(group).members[0].dossier.code, Status.PROCESSED)
    drain_all()
    assert (birth_figures().received, birth_figures().finished) == (1, 0)  # two members still at work
    residence, card = groups.view(DossierGroup.objects.get(pk=group.pk)).members[1:]
    walk(residence.dossier.code, Status.PROCESSED)
    drain_all()
    assert birth_figures().finished == 0
    walk(card.dossier.code, Status.PROCESSED)  # a member dossier's change, no group event
    drain_all()
    assert (birth_figures().finished, birth_figures().finished_on_time) == (1, 1)


def test_replaying_and_rebuilding_give_the_same_group_figures(two_groups):
    drain_all()
    before = interlinked.table_snapshot()
    assert before[("N", "", "LT.KHAISINH", timezone.localdate().replace(day=1), "finished_on_time")] == 1
    OutboxEvent.objects.update(processed_at=None)
    drain_all()
    assert interlinked.table_snapshot() == before
    rollup.rebuild()
    assert interlinked.table_snapshot() == before


def test_the_dashboard_and_the_api_show_the_group_figures(client, two_groups):
    drain_all()
    page = client.get("/chi-so/").content.decode()
    assert 'data-testid="interlinked"' in page and 'data-group="LT.KHAISINH"' in page
    assert "Hồ sơ liên thông đúng hạn" in page or "Interlinked groups on time" in page
    province = client.get(f"/chi-so/tinh/{SAMPLE_PROVINCE}/").content.decode()
    assert 'data-group="LT.KHAISINH"' in province
    body = client.get("/api/index").json()
    assert body["interlinked"] == [{
        "group_code": "LT.KHAISINH", "name_vi": body["interlinked"][0]["name_vi"],
        "name_en": body["interlinked"][0]["name_en"], "received": 3, "finished": 2, "finished_on_time": 1,
        "on_time_share": 0.5}]
    assert client.get(f"/api/index?level=P&code={SAMPLE_PROVINCE}").json()["interlinked"][0]["finished"] == 2
    assert client.get("/api/index?level=A&code=H01.BHXH").json()["interlinked"] == []
