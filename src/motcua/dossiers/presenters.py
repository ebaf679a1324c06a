"""One view of a dossier for the API, the citizen portal and the back office."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from motcua.calendar import default_calendar
from motcua.catalog.services import spec_of
from motcua.core.errors import NotFound
from motcua.dossiers.lifecycle import RULES, DossierState, Status, can, deadline_flag, local_date, step_due
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import needed_action_of, state_of
from motcua.identity.actors import ROLE_LABELS, Actor, Role

CITIZEN_ACTIONS = ("supplement", "withdraw")
CHANNEL_LABELS = {"online": ("Trực tuyến", "Online"), "counter": ("Trực tiếp", "At the counter"),
                  "post": ("Bưu chính", "By post")}


def allowed_actions(state: DossierState, actor: Actor | None, workflow) -> list[str]:
    if actor is None:
        return []
    return [k for k in RULES if k != "submit" and can(state, k, actor, workflow)]


def dossier_summary(dossier: Dossier, state: DossierState, actor: Actor | None = None) -> dict:
    spec = spec_of(dossier.procedure_version)
    workflow = spec.workflow
    cal = default_calendar()
    step = workflow.steps[state.step]
    return {
        "code": dossier.code,
        "applicant": {"kind": dossier.applicant_kind, "id_number": dossier.applicant_id_number,
                      "name": dossier.applicant_name},
        "filer": {"id_number": dossier.filer_id_number, "name": dossier.filer_name, "filed_as": dossier.filed_as,
                  "vi": dossier.filed_as_label[0], "en": dossier.filed_as_label[1], "mandate": dossier.mandate,
                  "for_someone": dossier.filed_for_someone},
        "status": {"code": int(state.status), "vi": state.status.label_vi, "en": state.status.label_en},
        "procedure": {"code": spec.code, "name_vi": spec.name_vi, "name_en": spec.name_en,
                      "version": dossier.procedure_version.number, "statutory_days": spec.statutory_days},
        "agency": {"code": dossier.agency.code, "name_vi": dossier.agency.name_vi, "name_en": dossier.agency.name_en},
        "competent_agency": {"code": dossier.competent_agency.code, "name_vi": dossier.competent_agency.name_vi,
                             "name_en": dossier.competent_agency.name_en},
        "channel": dossier.channel,
        "channel_vi": CHANNEL_LABELS[dossier.channel][0], "channel_en": CHANNEL_LABELS[dossier.channel][1],
        "submitted_at": dossier.submitted_at,
        "received_at": state.received_at,
        "appointment_date": state.appointment_date,
        "due_date": state.due_date,
        "finished_at": state.finished_at,
        "outcome": state.outcome,
        "on_time": state.on_time,
        "paused": dossier.paused,
        "supplement_used": bool(state.supplements),
        "apology_used": bool(state.apologies),
        "flag": deadline_flag(state, local_date(timezone.now()), cal),
        "step": {"code": step.code, "vi": step.label_vi, "en": step.label_en, "role": step.role.value,
                 "role_vi": ROLE_LABELS[step.role][0], "role_en": ROLE_LABELS[step.role][1],
                 "due_date": step_due(state, state.step, workflow, cal)},
        "allowed_actions": allowed_actions(state, actor, workflow),
        "needed_action": needed_action_of(dossier, state),
    }


def queue_item(dossier: Dossier, actor: Actor) -> dict:
    """A row of an agency's queue: the summary and who applied."""
    return {**dossier_summary(dossier, state_of(dossier), actor), "applicant_name": dossier.applicant_name}


def public_status_of(code: str) -> dict:
    """What anyone with the code may see (no personal data). A hot path (citizens polling, QR scans): one
    narrow query, no model instances."""
    row = (Dossier.objects.filter(code=code).values(
        "code", "status", "submitted_at", "appointment_date", "finished_at", "procedure_version__number",
        "procedure_version__procedure__code", "procedure_version__procedure__name_vi",
        "procedure_version__procedure__name_en", "procedure_version__procedure__statutory_days",
        "agency__code", "agency__name_vi", "agency__name_en").first())
    if row is None:
        raise NotFound(code)
    status = Status(row["status"])
    return {
        "code": row["code"],
        "status": {"code": status.value, "vi": status.label_vi, "en": status.label_en},
        "procedure": {"code": row["procedure_version__procedure__code"],
                      "name_vi": row["procedure_version__procedure__name_vi"],
                      "name_en": row["procedure_version__procedure__name_en"],
                      "version": row["procedure_version__number"],
                      "statutory_days": row["procedure_version__procedure__statutory_days"]},
        "agency": {"code": row["agency__code"], "name_vi": row["agency__name_vi"], "name_en": row["agency__name_en"]},
        "submitted_at": row["submitted_at"],
        "appointment_date": row["appointment_date"],
        "finished_at": row["finished_at"],
    }


def display_value(field, value) -> dict:
    """A form value as people read it: choice labels, dd/mm/yyyy dates, yes/no."""
    if field.type == "choice":
        label = next((c for c in field.choices if c[0] == value), (value, value, value))
        return {"value_vi": label[1], "value_en": label[2]}
    if field.type == "date":
        text = date.fromisoformat(value).strftime("%d/%m/%Y")
        return {"value_vi": text, "value_en": text}
    if field.type == "boolean":
        return {"value_vi": "Có" if value else "Không", "value_en": "Yes" if value else "No"}
    return {"value_vi": str(value), "value_en": str(value)}


def _shown(field, value) -> dict:
    if value in (None, ""):
        return {"value_vi": "—", "value_en": "—"}
    return display_value(field, value)


def supplement_view(dossier: Dossier, state: DossierState, entries=None) -> dict | None:
    """The supplement request (what is missing: documents, fields to correct, the reason) and the citizen's
    answer (corrected fields, before and after; files added), for the dossier's pages and the API."""
    entries = list(entries if entries is not None else dossier.actions.order_by("seq"))
    asked = next((a for a in reversed(entries) if a.kind == "request_supplement"), None)
    if asked is None:
        return None
    spec = spec_of(dossier.procedure_version)
    evidence = {e.code: e for e in spec.evidence}
    fields = {f.name: f for f in spec.fields}

    def evidence_item(code: str) -> dict:
        e = evidence.get(code)
        return {"code": code, "label_vi": e.label_vi if e else code, "label_en": e.label_en if e else code}

    answer = next((a for a in entries if a.kind == "supplement" and a.seq > asked.seq), None)
    answered = None
    if answer is not None:
        changed = []
        for name, change in (answer.data.get("changed") or {}).items():
            f = fields.get(name)
            before = _shown(f, change.get("from")) if f else {"value_vi": str(change.get("from")),
                                                             "value_en": str(change.get("from"))}
            after = _shown(f, change.get("to")) if f else {"value_vi": str(change.get("to")),
                                                          "value_en": str(change.get("to"))}
            changed.append({"field": name, "label_vi": f.label_vi if f else name, "label_en": f.label_en if f else name,
                            "before": change.get("from"), "after": change.get("to"),
                            "before_vi": before["value_vi"], "before_en": before["value_en"],
                            "after_vi": after["value_vi"], "after_en": after["value_en"]})
        files = [{**evidence_item(f["evidence"]), "name": f.get("name", ""), "sha256": f.get("sha256", "")}
                 for f in answer.data.get("files") or []]
        answered = {"seq": answer.seq, "at": answer.at, "note": answer.reason, "changed": changed, "files": files}
    return {
        "open": state.status == Status.SUPPLEMENT_REQUESTED,
        "requested_at": asked.at, "by": asked.actor_name or asked.actor_id, "reason": asked.reason,
        "missing_evidence": [evidence_item(c) for c in asked.data.get("missing_evidence") or []],
        "fields_to_correct": [{"name": n, "label_vi": fields[n].label_vi if n in fields else n,
                               "label_en": fields[n].label_en if n in fields else n}
                              for n in asked.data.get("fields_to_correct") or []],
        "answer": answered,
    }


def dossier_detail(dossier: Dossier, state: DossierState, actor: Actor | None = None) -> dict:
    out = dossier_summary(dossier, state, actor)
    spec = spec_of(dossier.procedure_version)
    entries = list(dossier.actions.order_by("seq"))
    step_labels = {s.code: (s.label_vi, s.label_en) for s in spec.workflow.steps}
    out.update({
        "applicant": {**out["applicant"], "phone": dossier.applicant_phone, "email": dossier.applicant_email},
        "commune_code": dossier.commune_code,
        "province_code": dossier.province_code,
        "form": dossier.form_data,
        "form_fields": [{"name": f.name, "label_vi": f.label_vi, "label_en": f.label_en,
                         **display_value(f, dossier.form_data[f.name]),
                         "provenance": dossier.origins.of(f.name).as_dict()}
                        for f in spec.fields if f.name in dossier.form_data],
        "provenance": dossier.provenance,
        "evidence_items": [{"label_vi": e.label_vi, "label_en": e.label_en, "code": e.code,
                            "from_state": e.source is not None}
                           for e in spec.evidence if e.source or e.code in dossier.evidence],
        "evidence": dossier.evidence,
        "journal": [
            {"seq": a.seq, "action": a.kind, "vi": RULES[a.kind].vi, "en": RULES[a.kind].en, "at": a.at,
             "actor": {"kind": a.actor_kind, "id": a.actor_id, "name": a.actor_name,
                       "agency": a.actor_agency or None, "role": a.actor_role or None,
                       "role_vi": ROLE_LABELS[Role(a.actor_role)][0] if a.actor_role else "",
                       "role_en": ROLE_LABELS[Role(a.actor_role)][1] if a.actor_role else ""},
             "reason": a.reason, "data": a.data}
            for a in entries
        ],
        "supplement": supplement_view(dossier, state, entries),
        "handoffs": [
            {"at": h.at, "actor": h.actor, "from_agency": h.from_agency, "from_step": h.from_step,
             "to_agency": h.to_agency, "to_step": h.to_step, "step_due": h.step_due, "on_time": h.on_time,
             "from_step_vi": step_labels[h.from_step][0], "from_step_en": step_labels[h.from_step][1],
             "to_step_vi": step_labels[h.to_step][0], "to_step_en": step_labels[h.to_step][1]}
            for h in state.handoffs
        ],
    })
    return out


STAGES = (
    ("Nộp hồ sơ", "Submitted"),
    ("Tiếp nhận", "Received"),
    ("Đang xử lý", "Processing"),
    ("Có kết quả", "Decided"),
    ("Trả kết quả", "Returned"),
)
# The stage each status is waiting on (5 = all done); pauses and refusals stay on the stage they hit.
_CURRENT_STAGE = {1: 1, 2: 2, 4: 2, 9: 4, 10: 5}


def progress_stages(state: DossierState) -> list[dict]:
    """Five stages for a picture of progress, with a note where the dossier is paused or halted."""
    status = int(state.status)
    current = _CURRENT_STAGE.get(status)
    note, halted = None, False
    if current is None:  # 3, 5, 6, 7, 8
        before = int(state.resume_status) if state.resume_status else (2 if state.received_at else 1)
        current = _CURRENT_STAGE.get(before, 2)
        note = {"vi": state.status.label_vi, "en": state.status.label_en}
        halted = status in (3, 8)
    stages = []
    for i, (vi, en) in enumerate(STAGES):
        kind = "done" if i < current else ("halted" if halted else "current") if i == current else "todo"
        stages.append({"label_vi": vi, "label_en": en, "state": kind, "note": note if i == current else None})
    return stages
