"""Tamper-evident logs (security finding 9): the dossier journal, the registry access log and the gateway
callbacks are chained by hash per stream and sealed with the system's key; ``motcua audit verify`` names the
first altered, missing or forged entry of each stream and every tail cut off after a seal, on SQLite and on
PostgreSQL alike (the values it reads back hash as they did when written)."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from motcua.audit import services
from motcua.audit.models import Seal
from motcua.audit.tests.conftest import AN, BINH, audit_verify, tamper
from motcua.core.chain import GENESIS, Manifest, digest
from motcua.core.chained import AppendOnlyError, chained_models
from motcua.documents import signers
from motcua.documents.models import Certificate
from motcua.documents.signing import verify_data
from motcua.dossiers.models import DossierAction
from motcua.payments.models import GatewayCallback
from motcua.registries.models import AccessLog

WHOLE = "every chain is whole and every seal verifies"


def test_every_append_only_log_is_chained():
    assert {m._meta.label for m in chained_models()} == {
        "dossiers.DossierAction", "registries.AccessLog", "payments.GatewayCallback", "audit.Seal",
        "registries.RegistryVersion", "registries.StewardDecision", "exchange.MessageLog",
        "representation.AuthorisationEntry"}


def test_each_stream_is_numbered_and_linked(history):
    journal = list(DossierAction.objects.filter(dossier__code=history.dossiers[0]).order_by("seq"))
    assert [a.seq for a in journal] == [1, 2, 3, 4]
    assert journal[0].prev_digest == GENESIS
    assert [a.prev_digest for a in journal[1:]] == [a.digest for a in journal[:-1]]
    reads = AccessLog.objects.filter(person_id_number=BINH.id_number).order_by("seq")
    assert [r.seq for r in reads] == [1, 2, 3]  # per person, though the two people's reads interleave
    assert list(GatewayCallback.objects.order_by("id").values_list("seq", flat=True)) == [1, 2, 3]


def test_an_untouched_history_verifies(history):
    services.seal()
    for person in history.people:  # appended after the seal: still whole
        AccessLog.objects.create(person_id_number=person, registry="residence", reader_kind="system",
                                 reader_id="motcua", purpose="Kiểm tra lại")
    code, lines = audit_verify()
    assert code == 0, lines
    assert lines[0].startswith("20 entries in 6 streams of 8 chains; 1 seals, the last at ")
    assert lines[-1] == WHOLE


def test_bulk_appends_are_chained_too(history):
    AccessLog.objects.bulk_create([
        AccessLog(person_id_number=person, registry="civil_status", reader_kind="system", reader_id="motcua",
                  purpose="Đối chiếu") for person in (AN.id_number, BINH.id_number, AN.id_number)])
    assert list(AccessLog.objects.filter(person_id_number=AN.id_number).order_by("seq")
                .values_list("seq", flat=True)) == [1, 2, 3, 4, 5]
    assert audit_verify()[0] == 0


def test_the_database_refuses_changes_to_every_log(history):
    for model in (DossierAction, AccessLog, GatewayCallback):
        with pytest.raises(DatabaseError), transaction.atomic():
            model.objects.filter(seq=1).update(prev_digest=GENESIS)
        if connection.vendor == "postgresql":  # SQLite's test runner empties tables with DELETE
            with pytest.raises(DatabaseError), transaction.atomic():
                model.objects.filter(seq=1).delete()
        entry = model.objects.first()
        with pytest.raises(AppendOnlyError):
            entry.save()
        with pytest.raises(AppendOnlyError):
            entry.delete()


def test_an_entry_rewritten_around_the_trigger_is_named(history):
    dossier = history.dossiers[1]
    tamper("dossiers_dossieraction", "UPDATE dossiers_dossieraction SET reason = %s WHERE seq = 2 AND dossier_id = "
           "(SELECT id FROM dossiers_dossier WHERE code = %s)", ["Không đủ điều kiện", dossier])
    code, lines = audit_verify()
    assert code == 1
    assert lines[1:] == [f"dossier {dossier}: entry 2 altered"]


def test_a_deleted_middle_entry_is_named(history):
    tamper("registries_accesslog", "DELETE FROM registries_accesslog WHERE person_id_number = %s AND seq = 2",
           [AN.id_number])
    code, lines = audit_verify()
    assert code == 1
    assert lines[1:] == [f"access log of person {AN.id_number}: entry 2 missing"]


def test_forged_inserts_with_a_wrong_link_are_named(history):
    dossier = DossierAction.objects.filter(dossier__code=history.dossiers[0]).latest("seq").dossier
    values = {"dossier_id": dossier.id, "seq": 5, "kind": "complete", "at": dossier.submitted_at,
              "actor_kind": "official", "actor_id": "hoankiem.lanhdao", "actor_name": "", "actor_agency": "H01.X00070.UB",
              "actor_role": "leader", "reason": "", "data": {"outcome": "approved"}, "prev_digest": "f" * 64}
    DossierAction._base_manager.bulk_create([DossierAction(**values, digest=digest(values))])  # no chaining
    GatewayCallback._base_manager.bulk_create([GatewayCallback(
        seq=4, channel="ipn", reference="HS9", params={}, signature_valid=True, answer_code="00", answer="ok",
        prev_digest=GENESIS, digest="0" * 64)])
    code, lines = audit_verify()
    assert code == 1
    assert lines[1:] == [
        f"dossier {history.dossiers[0]}: entry 5 does not follow entry 4 (inserted out of band, or entry 4 replaced)",
        "gateway callbacks: entry 4 altered",
    ]


def test_a_tail_removed_after_the_seal_is_named(history):
    services.seal()
    first = history.dossiers[0]
    tamper("dossiers_dossieraction", "DELETE FROM dossiers_dossieraction WHERE seq > 2 AND dossier_id = "
           "(SELECT id FROM dossiers_dossier WHERE code = %s)", [first])
    with connection.cursor() as cursor:  # the owner empties the access log
        cursor.execute("TRUNCATE registries_accesslog" if connection.vendor == "postgresql" else
                       "DELETE FROM registries_accesslog")
    code, lines = audit_verify()
    assert code == 1
    assert lines[1:] == [
        f"access log of person {AN.id_number}: entries after the last seal were removed: head sealed at seq 3, now 0",
        f"access log of person {BINH.id_number}: entries after the last seal were removed: head sealed at seq 3, now 0",
        f"dossier {first}: entries after the last seal were removed: head sealed at seq 4, now 2",
    ]


def test_a_stream_rewritten_consistently_is_caught_by_the_seal(history):
    """The owner recomputes every digest of the rewritten stream: only the seal shows it."""
    services.seal()
    last = GatewayCallback.objects.get(seq=3)
    values = {"seq": 3, "received_at": last.received_at, "channel": "ipn", "reference": "HS2",
              "params": {"vnp_Amount": "1"}, "signature_valid": True, "answer_code": "00", "answer": "ok",
              "prev_digest": last.prev_digest}
    tamper("payments_gatewaycallback", "DELETE FROM payments_gatewaycallback WHERE seq = 3")
    GatewayCallback._base_manager.bulk_create([GatewayCallback(**values, digest=digest(values))])
    code, lines = audit_verify()
    assert lines[1:] == ["gateway callbacks: entry 3 differs from the sealed head (the stream was rewritten)"]


def test_seals_are_signed_and_a_changed_seal_is_named(history):
    first = services.seal()
    second = services.seal()
    assert verify_data(first.manifest.encode(), bytes(first.signature), first.sealed_at).valid
    assert second.certificate.owner_kind == "system" and second.seq == 2 and second.prev_digest == first.digest
    assert f'"audit.seal":{{"":[1,"{first.digest}"]}}' in second.manifest  # each seal vouches for the one before
    tamper("audit_seal", "UPDATE audit_seal SET manifest = manifest || ' ' WHERE seq = 1")
    code, lines = audit_verify()
    assert code == 1
    assert lines[1:] == ["seal 1: the signature does not verify (the signed manifest was changed)",
                         "seals: entry 1 altered"]


def test_a_seal_signed_with_a_revoked_key_no_longer_vouches_for_anything(history):
    services.seal()
    Certificate.objects.filter(owner_kind="system").update(revoked_at=timezone.now(), revocation_reason="key lost")
    tamper("dossiers_dossieraction", "DELETE FROM dossiers_dossieraction WHERE seq = 4")
    code, lines = audit_verify()
    assert lines[1:] == ["seal 1: the signature does not verify (its certificate was revoked)"]
    assert services.seal().certificate.revoked_at is None  # the next seal is signed with a new key


def test_without_the_seal_key_nothing_is_sealed(history, settings, tmp_path):
    settings.SIGNING = {**settings.SIGNING, "BACKEND": "pkcs12", "PKCS12_DIR": str(tmp_path)}
    signers._backend.cache_clear()
    try:
        with pytest.raises(CommandError, match="cannot sign the seal: no PKCS#12 file for system motcua-audit"):
            call_command("audit", "seal")
    finally:
        signers._backend.cache_clear()
    assert not Seal.objects.exists()


def test_a_seal_covers_only_what_changed_since_the_seal_before_last(history):
    services.seal()
    services.seal()
    AccessLog.objects.create(person_id_number=AN.id_number, registry="residence", reader_kind="system",
                             reader_id="motcua", purpose="Kiểm tra lại")
    third = Manifest.decode(services.seal().manifest.encode())
    # the streams changed after seal 1: AN's reads and the seals; nothing else is sealed again
    assert set(third.heads) == {"registries.accesslog", "audit.seal"}
    assert list(third.heads["registries.accesslog"]) == [AN.id_number]
    assert third.heads["registries.accesslog"][AN.id_number].seq == 4
    assert Seal.objects.count() == 3 and audit_verify()[0] == 0
