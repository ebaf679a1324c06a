"""The agency's petitions (phản ánh, kiến nghị) and complaints from dossier ratings: to answer by their due
date, overdue ones flagged; the answer form."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from motcua.backoffice.views import official_required
from motcua.core.errors import Forbidden, MotcuaError, NotFound, in_language
from motcua.petitions import services

PAGE = 300


@official_required
def petitions(request: HttpRequest, actor) -> HttpResponse:
    status = "answered" if request.GET.get("status") == "answered" else "open"
    today = timezone.localdate()
    found = services.agency_petitions(actor, status)
    rows = [{"petition": p, "overdue": services.is_overdue(p, today)} for p in found[:PAGE]]
    return render(request, "backoffice/petitions.html", {
        "official": request.official, "rows": rows, "status": status, "total": found.count(),
        "overdue": sum(1 for r in rows if r["overdue"])})


@require_POST
@official_required
def answer(request: HttpRequest, actor, code: str) -> HttpResponse:
    try:
        services.answer(code, actor, request.POST.get("answer", ""))
        messages.success(request, in_language(request.LANGUAGE_CODE, "Đã trả lời; người gửi nhận được thông báo.",
                                              "Answered: the sender is notified."))
    except (NotFound, Forbidden):
        raise Http404(code) from None
    except MotcuaError as exc:
        problems = [in_language(request.LANGUAGE_CODE, e.vi, e.en) for e in exc.errors]
        messages.error(request, " ".join([exc.message(request.LANGUAGE_CODE), *problems]))
    return redirect(f"{reverse('backoffice:petitions')}#{code}")
