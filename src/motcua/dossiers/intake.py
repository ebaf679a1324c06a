"""The dossier form shared by the citizen portal (online) and the back office (counter, post)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.http import HttpRequest

from motcua.catalog import divisions
from motcua.dossiers import services


def blank_context(procedure, spec) -> dict:
    return {
        "procedure": procedure, "spec": spec, "errors": {}, "values": {}, "evidence": [],
        "provinces": divisions.provinces_in_order(),
        "idempotency_key": str(uuid.uuid4()), "applicant": {"phone": "", "email": "", "id_number": "", "name": ""},
        "place": {"commune_code": "", "province_code": ""}, "channel": "counter",
        "max_upload_mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024),
    }


def form_values(request: HttpRequest, spec) -> dict:
    values = {}
    for f in spec.fields:
        if f.type == "boolean":
            values[f.name] = f"form.{f.name}" in request.POST
        else:
            raw = request.POST.get(f"form.{f.name}", "")
            if raw != "":
                values[f.name] = raw
    return values


def submission_from_post(request: HttpRequest, spec, code: str, channel: str, applicant_id: str,
                         applicant_name: str) -> services.Submission:
    post = request.POST
    return services.Submission(
        procedure_code=code, channel=channel, applicant_id_number=applicant_id.strip(),
        applicant_name=applicant_name.strip(), applicant_phone=post.get("applicant.phone", "").strip(),
        applicant_email=post.get("applicant.email", "").strip(), commune_code=post.get("commune_code", ""),
        province_code=post.get("province_code", ""), form=form_values(request, spec),
        evidence=post.getlist("evidence"), idempotency_key=post.get("idempotency_key") or None,
        files=incoming_files(request), fee_claim=post.get("fee_claim", ""),
    )


def incoming_files(request: HttpRequest) -> list[services.IncomingFile]:
    """Evidence files of the form (``file.<evidence code>``); at most one byte more than the limit is read,
    so an oversized file is reported, not loaded. A file input left empty sends no file; a chosen file of
    0 bytes is kept, to be refused by name."""
    files = []
    for key, upload in request.FILES.items():
        if key.startswith("file."):
            files.append(services.IncomingFile(key.removeprefix("file."), upload.name or key,
                                               upload.read(settings.MAX_UPLOAD_BYTES + 1)))
    return files


def uploads(request: HttpRequest, name: str) -> list[services.IncomingFile]:
    """The files of one multiple-file input, each read as :func:`incoming_files` reads them."""
    return [services.IncomingFile(name, upload.name or name, upload.read(settings.MAX_UPLOAD_BYTES + 1))
            for upload in request.FILES.getlist(name)]


def with_errors(context: dict, sub: services.Submission, error: services.SubmissionError) -> dict:
    """The context to show the form again: each error by its field, and everything as typed."""
    errors: dict[str, list] = {}
    for e in error.errors:
        errors.setdefault(e.field, []).append({"vi": e.vi, "en": e.en})
    place = place_of(sub.commune_code, sub.province_code)
    context.update(
        errors=errors, values=sub.form, evidence=sub.evidence, channel=sub.channel, fee_claim=sub.fee_claim,
        idempotency_key=sub.idempotency_key or context["idempotency_key"],
        applicant={"phone": sub.applicant_phone, "email": sub.applicant_email,
                   "id_number": sub.applicant_id_number, "name": sub.applicant_name},
        place=place, communes=place["communes"],
    )
    return context


def place_of(commune_code: str, province_code: str) -> dict:
    """The place picker as chosen: the commune, its province, and that province's communes to choose from."""
    if commune_code in divisions.communes():
        province_code = divisions.communes()[commune_code].province_code
    return {"commune_code": commune_code, "province_code": province_code,
            "communes": divisions.communes_of(province_code)}
