"""An organisation's pages: the organisations this login files for (as legal representative or delegated
staff) with their dossiers and procedures, and the representative's page of staff delegations."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from motcua.core.errors import MotcuaError, in_language
from motcua.dossiers import filing, services
from motcua.organisations import services as organisations
from motcua.portal.views import current_citizen, require_citizen, session_actor


def organisation(request: HttpRequest) -> HttpResponse:
    if (redirect_to_login := require_citizen(request)) is not None:
        return redirect_to_login
    actor = session_actor(request)
    procedures = organisations.organisation_procedures()
    shown = services.dossiers_of(actor).filter(applicant_kind=filing.ORGANISATION)[:300]
    acting = []
    for a in organisations.organisations_of(actor):
        scope = a.delegation.procedures if a.delegation and a.delegation.procedures else None
        acting.append({"acting": a, "record": organisations.registered(a.code),
                       "dossiers": [d for d in shown if d.applicant_id_number == a.code],
                       "procedures": [p for p in procedures if scope is None or p.code in scope]})
    return render(request, "portal/organisation.html", {"citizen": current_citizen(request), "acting": acting,
                                                        "representative": filing.FILED_AS["legal_representative"],
                                                        "staff": filing.FILED_AS[filing.STAFF]})


def delegations(request: HttpRequest) -> HttpResponse:
    """The legal representative's page: staff delegations granted, and a new one."""
    if (redirect_to_login := require_citizen(request)) is not None:
        return redirect_to_login
    actor = session_actor(request)
    code = actor.organisation or ""
    context = {"citizen": current_citizen(request), "procedures": organisations.organisation_procedures(),
               "values": {}, "errors": {}, "today": timezone.localdate()}
    status = 200
    try:
        if request.method == "POST":
            post = request.POST
            context["values"] = {"staff_id_number": post.get("staff_id_number", ""),
                                 "staff_name": post.get("staff_name", ""), "expires_on": post.get("expires_on", ""),
                                 "procedures": post.getlist("procedures")}
            try:
                expires_on = date.fromisoformat(post.get("expires_on", ""))
            except ValueError:
                expires_on = None
            try:
                made = organisations.grant(actor, code, post.get("staff_id_number", ""), post.get("staff_name", ""),
                                           post.getlist("procedures"), expires_on)
            except MotcuaError as exc:
                if exc.status != 422:
                    raise
                context["errors"] = {e.field: [e] for e in exc.errors}
                context["error"] = exc
                status = 422
            else:
                messages.success(request, in_language(request.LANGUAGE_CODE,
                                                      f"Đã giao quyền nộp hồ sơ cho {made.staff_name}.",
                                                      f"{made.staff_name} may now file the organisation's dossiers."))
                return redirect("portal:delegations")
        context["delegations"] = organisations.delegations_of(actor, code)
    except MotcuaError as exc:
        return render(request, "portal/organisation_refused.html", {"error": exc, **context}, status=exc.status)
    context["organisation"] = organisations.registered(code)
    return render(request, "portal/delegations.html", context, status=status)


@require_POST
def revoke_delegation(request: HttpRequest, delegation_id: int) -> HttpResponse:
    if (redirect_to_login := require_citizen(request)) is not None:
        return redirect_to_login
    actor = session_actor(request)
    try:
        ended = organisations.revoke(actor, actor.organisation or "", delegation_id)
    except MotcuaError as exc:
        return render(request, "portal/organisation_refused.html",
                      {"error": exc, "citizen": current_citizen(request)}, status=exc.status)
    messages.success(request, in_language(request.LANGUAGE_CODE, f"Đã thu hồi quyền của {ended.staff_name}.",
                                          f"{ended.staff_name}'s right to file is revoked."))
    return redirect("portal:delegations")
