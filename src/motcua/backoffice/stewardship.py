"""The data steward's pages: other agencies' datasets reconciled with the registry the official's agency keeps
(runs, figures, the trend as a chart), the findings of a run, a finding side by side with the registry and the
decision buttons, the export back to the source agency. Views parse and render; registries.reconciliation
does the work and says who may see what."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from html import escape

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.backoffice.views import official_required
from motcua.core.errors import Forbidden, MotcuaError, NotFound, in_language
from motcua.metrics.charts import BAD, BLUE, GOOD, GRID, INK, MUTED, WARN
from motcua.registries import datasets, matching, reconciliation
from motcua.registries.models import Finding, StewardDecision

OUTCOME_LABELS = {
    "exact": ("Khớp hoàn toàn", "Exact match"),
    "conflict": ("Khớp, có trường khác", "Match, fields in conflict"),
    "probable": ("Có thể khớp, sai hoặc thiếu số định danh", "Probable match, ID number wrong or missing"),
    "unmatched": ("Không khớp", "No match"),
    "duplicate": ("Có thể trùng bản ghi đã có", "Probable duplicate of a record"),
}
FIELD_LABELS = {
    "id_number": ("Số định danh cá nhân", "Personal ID number"), "full_name": ("Họ và tên", "Full name"),
    "birth_date": ("Ngày sinh", "Birth date"), "sex": ("Giới tính", "Sex"),
    "commune_code": ("Mã xã, phường", "Commune code"), "province": ("Tỉnh, thành phố", "Province"),
    "date": ("Ngày đăng ký", "Registration date"), "other_id_number": ("Số định danh người kia", "Other party's ID"),
    "record": ("Cả bản ghi", "The whole record"), "address": ("Địa chỉ", "Address"),
    "kind": ("Loại sự kiện", "Kind of event"), "book": ("Sổ", "Book"), "page": ("Trang", "Page"),
    "entry": ("Số mục", "Entry"), "note": ("Ghi chú", "Note"), "other_name": ("Họ tên người kia", "Other party"),
    "register_number": ("Số đăng ký", "Register number"), "digitized": ("Đã số hóa", "Digitized"),
}
SEXES = {"M": ("Nam", "Male"), "F": ("Nữ", "Female")}
KIND_LABELS = {
    "diacritics": ("thiếu hoặc khác dấu", "diacritics missing or different"),
    "tone_placement": ("đặt dấu kiểu cũ/mới", "tone mark placed the old or new way"),
    "order": ("đảo thứ tự họ tên", "words of the name in another order"),
    "spelling": ("khác chính tả", "spelled differently"),
    "day_month_swapped": ("đảo ngày và tháng", "day and month swapped"),
    "year": ("khác năm", "another year"), "typo": ("sai một chữ số", "one digit wrong"),
    "missing": ("không có", "missing"), "old_card": ("số CMND 9 số cũ", "old 9-digit ID card number"),
    "malformed": ("sai định dạng", "malformed"), "other": ("khác", "different"),
    "before_2025": ("địa chỉ trước sáp nhập 2025", "address from before the 2025 merger"),
}
DECISION_LABELS = {
    "registry_right": ("Cơ sở dữ liệu đúng", "The registry is right"),
    "registry_wrong": ("Cơ sở dữ liệu sai: đề nghị đính chính", "The registry is wrong: ask for a correction"),
    "unsure": ("Chưa chắc chắn", "Unsure"),
    "duplicate": ("Trùng: không ghi vào sổ", "A duplicate: do not write it"),
    "insert": ("Không trùng: ghi vào sổ", "Not a duplicate: write it to the register"),
}
SERIES = (("exact", GOOD), ("conflicting", WARN), ("probable", BLUE), ("unmatched", BAD))
SERIES_LABELS = {"exact": OUTCOME_LABELS["exact"], "conflicting": OUTCOME_LABELS["conflict"],
                 "probable": ("Có thể khớp", "Probable match"), "unmatched": OUTCOME_LABELS["unmatched"]}


def _lang(request: HttpRequest, pair: tuple[str, str]) -> str:
    return in_language(request.LANGUAGE_CODE, *pair)


def trend_chart(runs, language: str, width: int = 720, height: int = 230) -> SafeString:
    """One stacked bar per run (oldest first): the shares of exact, conflicting, probable and unmatched records."""
    left, right, top, bottom = 44, 12, 34, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    title = in_language(language, "Tỷ lệ bản ghi theo kết quả, qua các lần đối soát",
                        "Share of records by outcome, run after run")
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for pct in range(0, 101, 25):
        y = top + plot_h * (1 - pct / 100)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="10" fill="{MUTED}" text-anchor="end">{pct}%</text>')
    slot = plot_w / max(len(runs), 1)
    bar = min(48.0, slot * 0.7)
    for i, run in enumerate(runs):
        x = left + slot * i + (slot - bar) / 2
        base = top + plot_h
        for key, colour in SERIES:
            share = run.share(getattr(run, key))
            h = plot_h * share
            base -= h
            label = in_language(language, *SERIES_LABELS[key])
            parts.append(f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour}">'
                         f'<title>{escape(label)}: {100 * share:.1f}% ({getattr(run, key):,})</title></rect>')
        when = timezone.localtime(run.started_at).strftime("%d/%m")
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - 10}" font-size="10" fill="{MUTED}" '
                     f'text-anchor="middle">{escape(when)}</text>')
    for i, (key, colour) in enumerate(SERIES):
        x = left + i * 170
        parts.append(f'<rect x="{x}" y="8" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{x + 17}" y="18" font-size="11" fill="{INK}">'
                     f'{escape(in_language(language, *SERIES_LABELS[key]))}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text is escaped above


def _upload(request: HttpRequest, actor) -> HttpResponse | None:
    """A dataset and its column mapping sent from the page: reconciled at once (large ones go through
    ``motcua registries reconcile``, with a progress bar)."""
    dataset, mapping = request.FILES.get("dataset"), request.FILES.get("mapping")
    if dataset is None or mapping is None:
        messages.error(request, _("Choose the dataset file and its column mapping."))
        return None
    with tempfile.TemporaryDirectory(prefix="motcua-upload-") as folder:
        name = os.path.basename(dataset.name or "dataset")[:100] or "dataset"
        path = os.path.join(folder, name)
        with open(path, "wb") as f:
            for chunk in dataset.chunks():
                f.write(chunk)
        mapping_path = os.path.join(folder, "mapping.yaml")
        with open(mapping_path, "wb") as f:
            for chunk in mapping.chunks():
                f.write(chunk)
        try:
            read = datasets.read_mapping(mapping_path)
            if reconciliation.keeper_agency_of_registry(read.registry) != actor.agency_code:
                raise Forbidden("not_steward", "Chỉ cơ quan quản lý cơ sở dữ liệu mới đối soát được với nó.",
                                "Only the agency that keeps a registry may reconcile datasets with it.")
            run = reconciliation.reconcile(path, read, actor.id)
        except datasets.DatasetRejected as exc:
            return render(request, "backoffice/datasets.html", {
                **_overview(request, actor), "rejected": exc}, status=422)
        except MotcuaError as exc:
            messages.error(request, exc.message(request.LANGUAGE_CODE))
            return None
    messages.success(request, _("Reconciled: %(n)s records.") % {"n": f"{run.records:,}"})
    return redirect("backoffice:dataset_run", run_id=run.pk)


def _overview(request: HttpRequest, actor) -> dict:
    items = []
    for dataset in reconciliation.stewarded_datasets(actor):
        runs = reconciliation.runs_of(dataset)
        items.append({"dataset": dataset, "runs": list(reversed(runs)),
                      "chart": trend_chart(runs, request.LANGUAGE_CODE) if runs else ""})
    return {"official": request.official, "items": items,
            "may_upload": reconciliation.keeper_agency_of_registry("population") == actor.agency_code}


@official_required
def datasets_page(request: HttpRequest, actor) -> HttpResponse:
    """Datasets reconciled with (or books digitized into) the registries the official's agency keeps."""
    if request.method == "POST":
        answer = _upload(request, actor)
        if answer is not None:
            return answer
    return render(request, "backoffice/datasets.html", _overview(request, actor))


def _run_or_404(actor, run_id: int):
    try:
        return reconciliation.run_for(actor, run_id)
    except NotFound:
        raise Http404(run_id) from None


@official_required
def dataset_run(request: HttpRequest, actor, run_id: int) -> HttpResponse:
    try:
        run = _run_or_404(actor, run_id)
    except Forbidden:
        return render(request, "backoffice/forbidden.html", status=403)
    outcome = request.GET.get("ket-qua", "")
    state = request.GET.get("trang-thai", "open")
    findings = Finding.objects.filter(run=run).order_by("line")
    if outcome in OUTCOME_LABELS:
        findings = findings.filter(outcome=outcome)
    if state in ("open", "decided"):
        findings = findings.filter(state=state)
    page = Paginator(findings, 50).get_page(request.GET.get("trang"))
    rows = [{"f": f, "outcome": _lang(request, OUTCOME_LABELS[f.outcome]),
             "fields": ", ".join(_lang(request, FIELD_LABELS.get(c["field"], (c["field"], c["field"])))
                                 for c in f.conflicts)} for f in page]
    figures = [(key, _lang(request, SERIES_LABELS[key]), getattr(run, key), run.share(getattr(run, key)))
               for key, _colour in SERIES]
    return render(request, "backoffice/dataset_run.html", {
        "official": request.official, "run": run, "page": page, "rows": rows, "figures": figures,
        "outcomes": [(k, _lang(request, v)) for k, v in OUTCOME_LABELS.items() if k != "exact"],
        "outcome": outcome, "state": state})


def _finding_or_404(actor, finding_id: int):
    try:
        return reconciliation.review(actor, finding_id)
    except NotFound:
        raise Http404(finding_id) from None


@official_required
def finding(request: HttpRequest, actor, finding_id: int) -> HttpResponse:
    """A record of the dataset and the registry's, side by side, with the decisions to take on each field."""
    try:
        found = _finding_or_404(actor, finding_id)
    except Forbidden:
        return render(request, "backoffice/forbidden.html", status=403)
    latest = reconciliation.latest_decisions(found)
    conflicts = {c["field"]: c for c in found.conflicts}
    lines = []
    for field in reconciliation.fields_to_decide(found):
        c = conflicts.get(field, {})
        decided = latest.get(field)
        lines.append({
            "field": field, "label": _lang(request, FIELD_LABELS.get(field, (field, field))),
            "source": c.get("source", ""), "registry": c.get("registry", ""),
            "kind": _lang(request, KIND_LABELS.get(c.get("kind", ""), ("", ""))) if c else "",
            "decided": decided, "decided_label": _lang(request, DECISION_LABELS[decided.decision]) if decided else "",
            "open": decided is None or decided.decision not in reconciliation.FINAL,
            "choices": [(d, _lang(request, DECISION_LABELS[d])) for d in reconciliation.choices_for(found, field)]})
    side_by_side = []
    for key in sorted((set(found.source) | set(found.registry) | set(conflicts)) - {"linked_id_number", "key"}):
        ours, theirs = found.source.get(key, ""), found.registry.get(key, "")
        if key in conflicts:
            ours, theirs = ours or conflicts[key]["source"], conflicts[key]["registry"]
        if key == "province":
            ours = ours or found.source.get("address", "")
            theirs = f"{matching.PROVINCES_SINCE_2025.get(theirs, '')} ({theirs})" if theirs else ""
        if key == "sex":
            ours, theirs = (_lang(request, SEXES[v]) if v in SEXES else v for v in (ours, theirs))
        side_by_side.append({"label": _lang(request, FIELD_LABELS.get(key, (key, key))), "source": ours,
                             "registry": theirs, "differs": key in conflicts})
    journal = StewardDecision.objects.filter(finding=found).order_by("seq")
    return render(request, "backoffice/finding.html", {
        "official": request.official, "f": found, "run": found.run, "lines": lines, "side_by_side": side_by_side,
        "outcome": _lang(request, OUTCOME_LABELS[found.outcome]),
        "journal": [{"d": d, "label": _lang(request, DECISION_LABELS[d.decision]),
                     "field": _lang(request, FIELD_LABELS.get(d.field, (d.field, d.field)))} for d in journal],
        "error": request.session.pop("decision_error", ""),
    })


@require_POST
@official_required
def decide(request: HttpRequest, actor, finding_id: int) -> HttpResponse:
    try:
        reconciliation.decide(actor, finding_id, request.POST.get("field", ""), request.POST.get("decision", ""),
                              request.POST.get("reason", ""))
        messages.success(request, _("Decision recorded."))
    except NotFound:
        raise Http404(finding_id) from None
    except Forbidden:
        return render(request, "backoffice/forbidden.html", status=403)
    except MotcuaError as exc:
        messages.error(request, exc.message(request.LANGUAGE_CODE))
        request.session["decision_error"] = exc.message(request.LANGUAGE_CODE)
    return redirect("backoffice:finding", finding_id=finding_id)


@official_required
def export(request: HttpRequest, actor, run_id: int) -> HttpResponse:
    """What goes back to the source agency: fields the steward found the registry right on (CSV)."""
    try:
        run = _run_or_404(actor, run_id)
    except Forbidden:
        return render(request, "backoffice/forbidden.html", status=403)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=reconciliation.EXPORT_COLUMNS)
    writer.writeheader()
    for row in reconciliation.export_for_source(run):
        writer.writerow(row)
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tra-ve-{run.dataset.code}-{run.pk}.csv"'
    return response
