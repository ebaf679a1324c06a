"""Wrong registry data, from whoever finds it (the person, a data steward reconciling another agency's dataset,
the digitization of an old register), goes one way to the registry's keeper, who must answer by a due date."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from motcua.calendar import add_working_days
from motcua.core.errors import Invalid
from motcua.registries.models import CorrectionReport
from motcua.registries.sources import SOURCES, source


def open_correction(person_id_number: str, registry: str, field: str, recorded_value: str = "",
                    proposed_value: str = "", *, origin: str = "citizen", reference: str = "",
                    note: str = "") -> CorrectionReport:
    """Record a report and route it to the registry's keeper, with the date the answer is due by
    (CORRECTION_ANSWER_DAYS working days)."""
    if registry not in SOURCES:
        raise Invalid("unknown_registry", f"Không có cơ sở dữ liệu '{registry}'.", f"No registry '{registry}'.",
                      "registry")
    if origin not in dict(CorrectionReport.ORIGINS):
        raise Invalid("unknown_origin", "Nguồn báo sai không hợp lệ.", "Unknown origin of the report.", "origin")
    return CorrectionReport.objects.create(
        person_id_number=person_id_number, registry=registry, owner_agency=source(registry).owner_agency,
        field=field[:63], recorded_value=recorded_value[:255], proposed_value=proposed_value[:255],
        note=note[:2000], origin=origin, reference=reference[:100],
        due_on=add_working_days(timezone.localdate(), settings.CORRECTION_ANSWER_DAYS))
