"""A national-portal receiver bundled for the demo and the tests: the token endpoint, then the integration
endpoint taking ``DongBoHoSoMC`` (dossiers), ``CapNhatTienDoHoSoMC`` (progress steps) and ``TraCuuHoSo`` (a
lookup), each item checked (``validation``) and stored, answered ``{"error_code", "message"}`` as the real
portal answers (``"0"``: accepted; a request with any invalid item is refused whole). A page lists what it
received.

It stands in for a national system, so it is served only where ``SANDBOX_NATIONAL_PORTAL`` is on (the demo, the
tests), and it knows one account of its own (published: it holds nothing real)."""

from __future__ import annotations

import hashlib
import json
from functools import wraps

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from motcua.nationalportal import validation
from motcua.nationalportal.mapping import UPSERT
from motcua.nationalportal.models import SandboxDossier, SandboxStep

USERNAME = "motcua-sandbox"
PASSWORD = "motcua-sandbox-national-portal-own-secret"
TOKEN_SECONDS = 3600
LOOKUP = "TraCuuHoSo"
_signer = signing.TimestampSigner(salt="motcua.nationalportal.sandbox")


def demo_only(view):
    """Not found unless the sandbox receiver is on (the demo, the tests)."""
    @wraps(view)
    def served(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not settings.SANDBOX_NATIONAL_PORTAL:
            raise Http404("the sandbox national portal is served in the demo only")
        return view(request, *args, **kwargs)

    return served


def _answer(code: str, message: str, status: int = 200, **more) -> JsonResponse:
    return JsonResponse({"error_code": code, "message": message, **more}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def _body(request: HttpRequest) -> dict | None:
    try:
        body = json.loads(request.body)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


@csrf_exempt
@demo_only
@require_POST
def token(request: HttpRequest) -> HttpResponse:
    body = _body(request) or request.POST.dict()
    if body.get("username") != USERNAME or body.get("password") != PASSWORD:
        return _answer(validation.BAD_TOKEN, "Sai tài khoản hoặc mật khẩu", status=401)
    return JsonResponse({"access_token": _signer.sign(USERNAME), "token_type": "Bearer",
                         "expires_in": TOKEN_SECONDS})


def _authorized(request: HttpRequest) -> bool:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return False
    try:
        return _signer.unsign(header.removeprefix("Bearer "), max_age=TOKEN_SECONDS) == USERNAME
    except signing.BadSignature:
        return False


@csrf_exempt
@demo_only
@require_POST
def integration(request: HttpRequest) -> HttpResponse:
    if not _authorized(request):
        return _answer(validation.BAD_TOKEN, "Token không hợp lệ hoặc đã hết hạn", status=401)
    body = _body(request)
    if body is not None and body.get("service") == LOOKUP:
        return _lookup(body)
    code, problems = validation.check_request(body)
    if code != validation.OK:
        messages = {validation.BAD_REQUEST: "Yêu cầu không đúng định dạng {service, isUpdating, data[]}",
                    validation.UNKNOWN_SERVICE: "Không có dịch vụ này",
                    validation.INVALID_ITEM: "Dữ liệu không hợp lệ"}
        return _answer(code, messages[code], errors=[str(p) for p in problems[:100]])
    assert body is not None
    return _store_upserts(body["data"]) if body["service"] == UPSERT else _store_steps(body["data"])


def _store_upserts(items: list[dict]) -> HttpResponse:
    now = timezone.now()
    with transaction.atomic():
        for item in items:
            found, created = SandboxDossier.objects.select_for_update().get_or_create(
                code=item["MaHoSo"], defaults={"data": item, "first_at": now, "updated_at": now})
            found.data, found.updated_at = item, now
            found.statuses = [*found.statuses, int(item["TrangThaiHoSo"])]
            found.save()
    return _answer(validation.OK, "Thành công", count=len(items))


def _store_steps(items: list[dict]) -> HttpResponse:
    codes = {item["MaHoSo"] for item in items}
    known = set(SandboxDossier.objects.filter(code__in=codes).values_list("code", flat=True))
    if codes - known:
        return _answer(validation.UNKNOWN_DOSSIER, "Hồ sơ chưa được đồng bộ",
                       errors=[f"MaHoSo {c}: unknown" for c in sorted(codes - known)[:100]])
    now = timezone.now()
    SandboxStep.objects.bulk_create([
        SandboxStep(code=item["MaHoSo"], data=item, received_at=now,
                    digest=hashlib.sha256(json.dumps(item, sort_keys=True).encode()).hexdigest())
        for item in items], ignore_conflicts=True)  # the same step sent again is kept once
    return _answer(validation.OK, "Thành công", count=len(items))


def _lookup(body: dict) -> HttpResponse:
    wanted = [str(i.get("MaHoSo", "")) for i in body.get("data") or [] if isinstance(i, dict)][:100]
    found = {d.code: d for d in SandboxDossier.objects.filter(code__in=wanted)}
    steps: dict[str, list] = {}
    for step in SandboxStep.objects.filter(code__in=list(found)).order_by("id"):
        steps.setdefault(step.code, []).append(step.data)
    return _answer(validation.OK, "Thành công", result=[
        {**found[c].data, "TienDo": steps.get(c, []), "LichSuTrangThai": found[c].statuses}
        for c in wanted if c in found])


@demo_only
@require_GET
def received(request: HttpRequest) -> HttpResponse:
    """What the sandbox portal holds: the latest dossiers and their steps."""
    dossiers = list(SandboxDossier.objects.order_by("-updated_at")[:200])
    steps: dict[str, int] = {}
    for code in SandboxStep.objects.filter(code__in=[d.code for d in dossiers]).values_list("code", flat=True):
        steps[code] = steps.get(code, 0) + 1
    return render(request, "nationalportal/sandbox_received.html", {
        "dossiers": [(d, steps.get(d.code, 0)) for d in dossiers], "total": SandboxDossier.objects.count(),
        "total_steps": SandboxStep.objects.count()})
