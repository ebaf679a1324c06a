"""Plain words for the keys the back office's data carries (a registry, a journal action, a payment's method and
state, a notification channel, a registry field, a document of the procedure) and the instants kept as text, read
in the local time: one place, so no page shows an official a raw key or a UTC time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from django.utils import timezone

from motcua.catalog.spec import ProcedureSpec
from motcua.dossiers.lifecycle import RULES
from motcua.dossiers.services import FEE_CLAIM_PROOF
from motcua.notifications.channels import CHANNELS
from motcua.payments.models import Payment
from motcua.registries.sources import SOURCES

Label = tuple[str, str]  # Vietnamese, English

# The fields of a person's record that reports of wrong data name.
PERSON_FIELDS = {
    "full_name": ("Họ, chữ đệm và tên", "Full name"), "birth_date": ("Ngày sinh", "Date of birth"),
    "sex": ("Giới tính", "Sex"), "father_id_number": ("Số định danh của cha", "Father's ID number"),
    "mother_id_number": ("Số định danh của mẹ", "Mother's ID number"),
    "permanent_address": ("Địa chỉ thường trú", "Permanent address"),
    "permanent_commune": ("Xã, phường thường trú", "Commune of permanent residence"),
    "temporary_address": ("Địa chỉ tạm trú", "Temporary address"),
    "temporary_commune": ("Xã, phường tạm trú", "Commune of temporary residence"),
    "marital_status": ("Tình trạng hôn nhân", "Marital status"), "household_code": ("Số hộ", "Household number"),
}
ACTOR_KINDS = {"system": ("Hệ thống (cổng thanh toán)", "System (payment gateway)")}


def _registry(key: str) -> Label | None:
    return (SOURCES[key].label_vi, SOURCES[key].label_en) if key in SOURCES else None


def _action(kind: str) -> Label | None:
    return (RULES[kind].vi, RULES[kind].en) if kind in RULES else None


def _notification_channel(key: str) -> Label | None:
    return (CHANNELS[key].label_vi, CHANNELS[key].label_en) if key in CHANNELS else None


KINDS: dict[str, Callable[[str], Label | None]] = {
    "registry": _registry, "action": _action, "notification_channel": _notification_channel,
    "payment_method": Payment.METHOD_LABELS.get, "payment_status": Payment.STATUS_LABELS.get,
    "person_field": PERSON_FIELDS.get, "actor_kind": ACTOR_KINDS.get,
}


def label(kind: str, key: str) -> Label:
    """The words for ``key`` of this kind; a key no one named yet is shown as it is rather than hidden."""
    return KINDS[kind](key) or (key, key)


def evidence_labels(spec: ProcedureSpec) -> dict[str, dict[str, str]]:
    """The names of the documents a dossier of this procedure may hold by their codes (the proof of a fee claim
    included), as the templates' ``tr`` filter reads them."""
    named = {e.code: (e.label_vi, e.label_en) for e in spec.evidence}
    named[FEE_CLAIM_PROOF] = ("Giấy tờ chứng minh miễn, giảm phí, lệ phí", "Proof of the fee exemption or reduction")
    return {code: {"vi": vi, "en": en} for code, (vi, en) in named.items()}


def instant(value: object) -> date | datetime | None:
    """An instant or a day kept as ISO 8601 text (in JSON: a registry's reading time, an apology's new date) as a
    date, or a datetime in the local time zone: one kept in UTC is shown as the clock in Hà Nội showed it."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value) if len(value) == len("YYYY-MM-DD") else datetime.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, datetime):
        return timezone.localtime(value) if timezone.is_aware(value) else value
    return value if isinstance(value, date) else None
