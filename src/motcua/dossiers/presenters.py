"""One view of a dossier for the API, the citizen portal and the back office."""

from __future__ import annotations

from django.utils import timezone

from motcua.calendar import default_calendar
from motcua.catalog.services import spec_of
from motcua.dossiers.lifecycle import RULES, Actor, DossierState, can, deadline_flag, local_date, step_due
from motcua.dossiers.models import Dossier

CITIZEN_ACTIONS = ("supplement", "pay", "withdraw")


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
        "status": {"code": int(state.status), "vi": state.status.label_vi, "en": state.status.label_en},
        "procedure": {"code": spec.code, "name_vi": spec.name_vi, "name_en": spec.name_en,
                      "version": dossier.procedure_version.number, "statutory_days": spec.statutory_days},
        "agency": {"code": dossier.agency.code, "name_vi": dossier.agency.name_vi, "name_en": dossier.agency.name_en},
        "competent_agency": {"code": dossier.competent_agency.code, "name_vi": dossier.competent_agency.name_vi,
                             "name_en": dossier.competent_agency.name_en},
        "channel": dossier.channel,
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
                 "due_date": step_due(state, state.step, workflow, cal)},
        "allowed_actions": allowed_actions(state, actor, workflow),
    }


def dossier_detail(dossier: Dossier, state: DossierState, actor: Actor | None = None) -> dict:
    out = dossier_summary(dossier, state, actor)
    out.update({
        "applicant": {"id_number": dossier.applicant_id_number, "name": dossier.applicant_name,
                      "phone": dossier.applicant_phone, "email": dossier.applicant_email},
        "commune_code": dossier.commune_code,
        "province_code": dossier.province_code,
        "form": dossier.form_data,
        "evidence": dossier.evidence,
        "journal": [
            {"seq": a.seq, "action": a.kind, "vi": RULES[a.kind].vi, "en": RULES[a.kind].en, "at": a.at,
             "actor": {"kind": a.actor_kind, "id": a.actor_id, "name": a.actor_name,
                       "agency": a.actor_agency or None, "role": a.actor_role or None},
             "reason": a.reason, "data": a.data}
            for a in dossier.actions.order_by("seq")
        ],
        "handoffs": [
            {"at": h.at, "actor": h.actor, "from_agency": h.from_agency, "from_step": h.from_step,
             "to_agency": h.to_agency, "to_step": h.to_step, "step_due": h.step_due, "on_time": h.on_time}
            for h in state.handoffs
        ],
    })
    return out
