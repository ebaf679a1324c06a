"""The one way the project reads a person's registry data: every read is logged first, for the person asked
about and for every other person whose data comes back with them, once per reader, purpose and dossier."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from types import SimpleNamespace

from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.core.errors import Forbidden
from motcua.dossiers.filing import PERSON, Mandate, filed_as_label
from motcua.dossiers.services import FilingRequest, find_mandate, on_read
from motcua.identity.actors import Actor
from motcua.registries.models import AccessLog, HeldDocument
from motcua.registries.sources import RegistryRecord, current_read, source

DOSSIER_READS = "dossier"  # the access log's "registry" of reads of a dossier and its files
DOSSIER_LABEL = SimpleNamespace(label_vi="Hồ sơ thủ tục của bạn", label_en="Your dossier")


@dataclass(frozen=True)
class Purpose:
    text: str
    procedure_code: str = ""
    dossier_code: str = ""


class ReadRefused(Forbidden):
    def __init__(self) -> None:
        super().__init__("read_refused", "Cán bộ chỉ được khai thác dữ liệu cá nhân cho hồ sơ mình đang giải quyết.",
                         "Officials may read personal data only for a dossier they are handling.")


def _log(registry: str, id_numbers: Iterable[str], reader: Actor, purpose: Purpose, allowed: bool = True,
         within_record_of: str = "") -> None:
    """One entry per person, unless this reader already read it for the same purpose and dossier (a page shown
    again is not a new read). Reads outside a dossier (pre-fill) count once a day."""
    same_read = AccessLog.objects.filter(
        person_id_number__in=set(id_numbers), registry=registry, reader_kind=reader.kind, reader_id=reader.id,
        purpose=purpose.text[:255], procedure_code=purpose.procedure_code, dossier_code=purpose.dossier_code,
        allowed=allowed)
    if not purpose.dossier_code:
        same_read = same_read.filter(at__gte=timezone.make_aware(datetime.combine(timezone.localdate(), time.min)))
    logged = set(same_read.values_list("person_id_number", flat=True))
    AccessLog.objects.bulk_create([AccessLog(
        person_id_number=id_number, registry=registry, reader_kind=reader.kind, reader_id=reader.id,
        reader_name=reader.name, reader_agency=reader.agency_code or "", purpose=purpose.text[:255],
        procedure_code=purpose.procedure_code, dossier_code=purpose.dossier_code, allowed=allowed,
        within_record_of=within_record_of if id_number != within_record_of else "",
    ) for id_number in sorted(set(id_numbers) - logged)])


def _read(registry: str, id_number: str, reader: Actor, purpose: Purpose) -> RegistryRecord | None:
    _log(registry, [id_number], reader, purpose)
    reading = current_read.set((reader, purpose))
    try:
        record = source(registry).lookup(id_number)
    finally:
        current_read.reset(reading)
    if record is not None and record.others:
        _log(registry, record.others, reader, purpose, within_record_of=id_number)
    return record


def read_person(registry: str, id_number: str, reader: Actor, purpose: Purpose) -> RegistryRecord | None:
    """Citizens (their own data, e.g. for pre-fill, or the data of a person they may file the purpose's
    procedure for: logged in that person's name) and systems; officials go through read_for_dossier."""
    if reader.kind == "official" or (reader.kind == "citizen" and reader.id != id_number
                                     and not _acts_for(reader, id_number, purpose)):
        _log(registry, [id_number], reader, purpose, allowed=False)
        raise ReadRefused()
    return _read(registry, id_number, reader, purpose)


def _acts_for(reader: Actor, id_number: str, purpose: Purpose) -> bool:
    """The reader files the purpose's procedure for this person under a mandate the registries confirm (a
    parent, a guardian, a relative, a signed authorisation); a paper authorisation, checked at reception,
    lets no one read the person's data."""
    procedure = Procedure.objects.filter(code=purpose.procedure_code).select_related("current_version").first()
    if procedure is None or procedure.current_version is None:
        return False
    mandate = find_mandate(FilingRequest(reader, PERSON, id_number, "", spec_of(procedure.current_version),
                                         timezone.now()))
    return isinstance(mandate, Mandate) and mandate.confirmed


def log_representation_read(reader: Actor, id_numbers: Iterable[str], procedure_code: str) -> None:
    """The citizen was shown the names of the people they may file a procedure for (from the population
    registry): a read of each one's data."""
    _log("population", id_numbers, reader, Purpose("Tìm người bạn được nộp hồ sơ thay", procedure_code))


def log_filed_for(dossier) -> None:
    """Someone filed a dossier in this person's name (a parent, a guardian, a relative, an authorised person):
    the person sees who, as what, on their "who read my data"."""
    vi, _en = filed_as_label(dossier.filed_as)
    reader = Actor("citizen", dossier.filer_id_number, dossier.filer_name)
    _log(DOSSIER_READS, [dossier.applicant_id_number], reader, _dossier_purpose(f"Nộp hồ sơ thay bạn: {vi}", dossier))


def _dossier_purpose(text: str, dossier) -> Purpose:
    return Purpose(text, dossier.procedure_version.procedure.code, dossier.code)


def read_for_dossier(registry: str, reader: Actor, dossier) -> RegistryRecord | None:
    """An official re-checks an applicant's data: only for a dossier the official's agency handles."""
    from motcua.dossiers.services import can_read

    purpose = _dossier_purpose("Kiểm tra lại dữ liệu khi giải quyết hồ sơ", dossier)
    if not can_read(reader, dossier):
        _log(registry, [dossier.applicant_id_number], reader, purpose, allowed=False)
        raise ReadRefused()
    return _read(registry, dossier.applicant_id_number, reader, purpose)


@on_read
def log_dossier_read(reader: Actor, dossier, reading: str) -> None:
    """An official read the applicant's dossier or one of its files: a read of the applicant's data."""
    _log(DOSSIER_READS, [dossier.applicant_id_number], reader, _dossier_purpose(reading, dossier))


def log_wallet_read(reader: Actor, dossier, purpose_text: str) -> None:
    """A document the state already issued to the applicant was taken from their wallet for a dossier
    (attached at submission, opened by the official handling it): a read of the "documents" registry."""
    _log("documents", [dossier.applicant_id_number], reader, _dossier_purpose(purpose_text, dossier))


def held_document_for_dossier(reader: Actor, dossier, doc_type: str, number: str, purpose_text: str):
    log_wallet_read(reader, dossier, purpose_text)
    return HeldDocument.objects.filter(owner_id_number=dossier.applicant_id_number, doc_type=doc_type,
                                       number=number).first()


def log_steward_read(reader: Actor, registry: str, id_number: str, dataset_name: str) -> None:
    """A data steward opened a reconciliation finding that shows this person's registry data."""
    _log(registry, [id_number], reader, Purpose(f"Đối soát dữ liệu: {dataset_name}"[:255]))


def access_log_for(id_number: str, limit: int = 200):
    """Who read this person's data, newest first (the citizen's "who read my data" page)."""
    return AccessLog.objects.filter(person_id_number=id_number).order_by("-at")[:limit]
