"""Revoking a signed result: only a leader of the issuing agency, with a reason; the result leaves the
citizen's wallet (no later dossier can take it as evidence) and stops counting in the index, so the
incremental roll-ups and a rebuild from the journals agree."""

import pytest

from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.core import outbox
from motcua.core.errors import Forbidden, Invalid
from motcua.demo.seeding import DEMO_CITIZENS, DEMO_PASSWORD
from motcua.demo.testing import official_actor, sample_submission, walk
from motcua.documents.models import IssuedDocument
from motcua.documents.services import revoke, wallet_of
from motcua.dossiers import services
from motcua.dossiers.lifecycle import Status
from motcua.identity.actors import Role, citizen_actor
from motcua.metrics import queries, rollup
from motcua.metrics.queries import Period
from motcua.registries.access import Purpose
from motcua.registries.prefill import prefill

AN = DEMO_CITIZENS[0]


def drain_all() -> None:
    while outbox.drain():
        pass


@pytest.fixture
def land_certificate(seeded):
    spec = spec_of(Procedure.objects.get(code="1.013978").current_version)
    dossier, _ = services.submit(sample_submission(spec), citizen_actor(AN.id_number, AN.name, 2))
    walk(dossier.code, Status.PROCESSED)
    drain_all()
    return IssuedDocument.objects.select_related("issuer_agency", "dossier").get(dossier=dossier, kind="result")


def national_results() -> int:
    year = Period("year", IssuedDocument.objects.first().issued_at.year)
    return queries.counts_by_scope("N", year)[""].result_electronic


def permit_prefill():
    spec = spec_of(Procedure.objects.get(code="1.013225").current_version)
    actor = citizen_actor(AN.id_number, AN.name, 2)
    return prefill(spec, AN.id_number, actor, Purpose("Điền sẵn biểu mẫu", spec.code)).evidence["giay_chung_nhan_qsdd"]


def test_a_revoked_result_leaves_the_wallet_and_the_index(land_certificate):
    assert national_results() == 1 and permit_prefill().found
    assert land_certificate in wallet_of(AN.id_number)
    leader = official_actor(land_certificate.issuer_agency.code, Role.LEADER)

    assert revoke(land_certificate, leader, "Cấp nhầm thửa đất", DEMO_PASSWORD) is True
    drain_all()

    assert land_certificate not in wallet_of(AN.id_number)
    assert not permit_prefill().found  # a new construction permit asks for the certificate again
    assert national_results() == 0
    incremental = rollup.table_snapshot()
    rollup.rebuild()
    assert rollup.table_snapshot() == incremental
    assert revoke(land_certificate, leader, "again", DEMO_PASSWORD) is False  # once


def test_only_the_issuing_leader_revokes_with_a_reason(land_certificate):
    agency = land_certificate.issuer_agency.code
    with pytest.raises(Forbidden):
        revoke(land_certificate, official_actor(agency, Role.SPECIALIST), "Cấp nhầm", DEMO_PASSWORD)
    with pytest.raises(Invalid):
        revoke(land_certificate, official_actor(agency, Role.LEADER), "  ", DEMO_PASSWORD)
    with pytest.raises(Forbidden) as unconfirmed:  # an open session alone does not revoke
        revoke(land_certificate, official_actor(agency, Role.LEADER), "Cấp nhầm", "not my password")
    assert unconfirmed.value.field == "confirmation"
    land_certificate.refresh_from_db()
    assert land_certificate.revoked_at is None
