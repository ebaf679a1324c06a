"""Upgrading links each payment kept so far to the payment request it paid."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.demo.seeding import DEMO_CITIZENS
from motcua.demo.testing import official_actor, sample_submission
from motcua.dossiers import services as dossiers
from motcua.identity.actors import Role, citizen_actor

BEFORE, AFTER = [("payments", "0001_initial")], [("payments", "0002_payment_request")]


@pytest.mark.django_db(transaction=True)
def test_payments_made_before_are_linked_to_the_request_they_paid(seeded):
    an = DEMO_CITIZENS[0]
    spec = spec_of(Procedure.objects.get(code="3.000333").current_version)
    dossier, _ = dossiers.submit(sample_submission(spec), citizen_actor(an.id_number, an.name, 2))
    receiver = official_actor(dossier.agency.code, Role.RECEIVER)
    dossiers.act(dossier.code, "receive", receiver)
    dossiers.act(dossier.code, "forward", receiver)
    dossiers.act(dossier.code, "request_payment", official_actor(dossier.agency.code, Role.SPECIALIST))
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    OldPayment = executor.loader.project_state(BEFORE).apps.get_model("payments", "Payment")
    OldPayment.objects.create(reference="T01", dossier_id=dossier.pk, amount=200000, method="online",
                              created_at=timezone.now())
    OldPayment.objects.create(reference="T00", dossier_id=dossier.pk, amount=1, method="online",
                              created_at=dossier.submitted_at)  # nothing was asked yet
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    Payment = executor.loader.project_state(AFTER).apps.get_model("payments", "Payment")
    assert dict(Payment.objects.values_list("reference", "request_seq")) == {"T01": 4, "T00": None}
