"""Helpers shared by the test suites of several capabilities: valid sample input, and an official walk
of a dossier through its workflow (each step taken by the role the procedure gives it)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.catalog.services import spec_of
from motcua.demo.seeding import DEMO_CITIZENS, DEMO_PASSWORD, sample_scan
from motcua.dossiers import services
from motcua.dossiers.lifecycle import Status
from motcua.dossiers.models import Dossier
from motcua.identity import sessions
from motcua.identity.actors import Actor, Role, actor_for_official, citizen_actor
from motcua.identity.callers import CITIZEN_SESSION_KEY
from motcua.metrics.models import Rating

SAMPLE_COMMUNE, SAMPLE_PROVINCE = "00070", "01"  # Phường Hoàn Kiếm, Hà Nội


def sample_value(f):
    """A valid value for a declared field."""
    return {
        "text": "Nội dung thử"[: f.max_length or None], "textarea": "Nội dung thử", "date": "2026-01-05",
        "id_number": DEMO_CITIZENS[1].id_number, "email": "an@example.vn", "phone": "0912345678",
        "commune": SAMPLE_COMMUNE, "boolean": True,
        "choice": f.choices[0][0] if f.choices else "",
        "number": f.min_value if f.min_value is not None else 1,
        "integer": int(f.min_value) if f.min_value is not None else 1,
    }[f.type]


def scans_of(*evidence_codes: str) -> list[services.IncomingFile]:
    return [services.IncomingFile(code, f"{code}.pdf", sample_scan()) for code in evidence_codes]


def sample_submission(spec, citizen=DEMO_CITIZENS[0], **changes) -> services.Submission:
    """Online, with a file for each document the procedure asks for besides its form."""
    required = [e for e in spec.evidence if e.required and not e.source]
    values = dict(
        procedure_code=spec.code, channel="online", applicant_id_number=citizen.id_number,
        applicant_name=citizen.name, applicant_phone=citizen.phone, commune_code=SAMPLE_COMMUNE,
        province_code=SAMPLE_PROVINCE, form={f.name: sample_value(f) for f in spec.fields},
        evidence=[e.code for e in required], files=scans_of(*(e.code for e in required if not e.filled_online)))
    values.update(changes)
    return services.Submission(**values)


def log_in_citizen(client, citizen=DEMO_CITIZENS[0]):
    """A test client holding a citizen's portal session, as the e-ID login leaves it."""
    session = client.session
    session[CITIZEN_SESSION_KEY] = {"id_number": citizen.id_number, "name": citizen.name,
                                    "eid_level": citizen.eid_level}
    session.update({sessions.KIND_KEY: "citizen", sessions.STARTED_KEY: time.time(), sessions.SEEN_KEY: time.time()})
    session.save()
    return client


def one_time_code(device) -> str:
    """The code an official's authenticator app shows now."""
    from django_otp.oath import totp

    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def fresh_code(username: str) -> str:
    """A one-time code the official's authenticator would show for a step-up (the device forgets the code the
    login took and any wrong one before, as a test may not wait for the next 30-second step)."""
    from motcua.identity.models import Authenticator

    device = Authenticator.objects.get(user__username=username, confirmed=True)
    Authenticator.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0,
                                                      throttling_failure_timestamp=None)
    return one_time_code(device)


def log_in_official(client, username: str, password: str = DEMO_PASSWORD):
    """A test client logged in through the back office's login form, with the one-time code of the official's
    authenticator app where the account has or needs one (enrolled on the spot)."""
    from motcua.identity import second_factor
    from motcua.identity.models import Authenticator, Official

    official = Official.objects.select_related("user").get(user__username=username)
    data = {"username": username, "password": password}
    if second_factor.required(official):
        device = (Authenticator.objects.filter(user=official.user, confirmed=True).first()
                  or Authenticator.objects.create(user=official.user, name="authenticator", confirmed=True))
        device.last_t = -1  # a test may log the same official in twice within one 30-second step
        device.throttle_reset()
        data["otp_token"] = one_time_code(device)
    response = client.post("/backoffice/dang-nhap/", data)
    assert response.status_code == 302, response.content.decode()
    return client


def official_actor(agency_code: str, role, name: str = "") -> Actor:
    from motcua.identity.models import Official

    official = Official.objects.select_related("user", "agency").filter(agency__code=agency_code,
                                                                         role=role.value).first()
    if official is not None:
        return actor_for_official(official)
    return Actor("official", name or f"{agency_code}.{role.value}", name or role.value, agency_code, role)


def walk(code: str, until: Status = Status.RETURNED, start: datetime | None = None) -> Actor:
    """Receive and process a dossier step by step up to ``until`` (PROCESSED or RETURNED); returns the
    actor who took the last step."""
    at = start or timezone.now()
    dossier = services.get_dossier(code)
    spec = spec_of(dossier.procedure_version)
    actor = None
    for minute in range(1, 40):
        state = services.state_of(services.get_dossier(code))
        if state.status >= until and state.status in (Status.PROCESSED, Status.RETURNED):
            return actor
        if state.status == Status.NEW:
            kind, role = "receive", spec.workflow.steps[0].role
        else:
            role = spec.workflow.steps[state.step].role
            kind = ("return_result" if state.status == Status.PROCESSED else
                    "complete" if state.step == spec.workflow.deciding_step else "forward")
        actor = official_actor(state.agency_code, role)
        services.act(code, kind, actor, now=at + timedelta(minutes=minute))
    raise AssertionError(f"{code} did not reach {until}")


def submitted(procedure_code: str, citizen=DEMO_CITIZENS[0], **form) -> Dossier:
    """A sample dossier filed online by the citizen, with the form's values changed as given."""
    spec = spec_of(Procedure.objects.get(code=procedure_code).current_version)
    sub = sample_submission(spec, citizen)
    sub.form.update(form)
    return services.submit(sub, citizen_actor(citizen.id_number, citizen.name, citizen.eid_level))[0]


def dossiers_at_each_need(citizen=DEMO_CITIZENS[0], other=DEMO_CITIZENS[1]) -> dict[str, str]:
    """The codes of a citizen's dossiers at each point "my dossiers" tells apart: new, asked for a supplement,
    owing a fee, returned and not rated, returned and rated; and one dossier of ``other``."""
    new = submitted("1.001193", citizen)
    asked = submitted("1.001193", citizen)
    receiver = official_actor(asked.agency.code, Role.RECEIVER)
    services.act(asked.code, "receive", receiver)
    services.act(asked.code, "request_supplement", receiver, "Thiếu giấy chứng sinh")
    owing = submitted("3.000333", citizen)  # the judicial record certificate has a fee
    receiver = official_actor(owing.agency.code, Role.RECEIVER)
    services.act(owing.code, "receive", receiver)
    services.act(owing.code, "forward", receiver)
    services.act(owing.code, "request_payment", official_actor(owing.agency.code, Role.SPECIALIST))
    returned = submitted("1.001193", citizen)
    rated = submitted("1.001193", citizen, child_full_name="Nguyễn Minh Khang")  # another child
    for dossier in (returned, rated):
        walk(dossier.code)
    Rating.objects.create(dossier=rated, score=5)
    submitted("1.001193", other)
    return {"new": new.code, "asked": asked.code, "owing": owing.code, "returned": returned.code,
            "rated": rated.code}
