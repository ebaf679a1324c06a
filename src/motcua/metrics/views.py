"""Public dashboard of the service index: national rankings, drill-down province → commune → procedure and
ministry → sector → procedure → province → agency, trend, live updates (server-sent events) and CSV/XLSX export."""

from __future__ import annotations

import csv
import io

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from motcua.catalog import divisions
from motcua.catalog.models import Agency, Procedure
from motcua.catalog.services import ministries
from motcua.core import outbox
from motcua.core.errors import in_language
from motcua.metrics import charts, interlinked, live, queries
from motcua.metrics.queries import CHILDREN, Period

LEVEL_URLS = {"P": "metrics:province", "C": "metrics:commune", "A": "metrics:agency", "M": "metrics:ministry",
              "MS": "metrics:ministry_sector", "MF": "metrics:ministry_procedure",
              "MP": "metrics:ministry_procedure_province"}


def _link(level: str, code: str, period: Period) -> str:
    """A row's page: a ministry's rows carry their path in their code ("ministry|sector",
    "ministry|procedure|province"); an agency deciding a ministry's procedure ("ministry|procedure|agency") leads
    to the agency's page."""
    if level == "MA":
        level, code = "A", code.split("|")[-1]
    url = LEVEL_URLS.get(level)
    return f"{reverse(url, args=code.split('|'))}?{_query(period)}" if url else ""


def _period(request: HttpRequest) -> Period:
    return Period.parse(request.GET.get("period"), request.GET.get("year"), request.GET.get("n"))


def _query(period: Period) -> str:
    return urlencode({"period": period.kind, "year": period.year, "n": period.number})


def _scope_name(level: str, code: str) -> tuple[str, str]:
    if level == "N":
        return "Toàn quốc", "Whole country"
    if level == "P" and code in divisions.provinces():
        return divisions.provinces()[code].name, divisions.provinces()[code].name
    if level == "C" and code in divisions.communes():
        return divisions.communes()[code].name, divisions.communes()[code].name
    if level == "A":
        agency = Agency.objects.filter(code=code).first()
        if agency:
            return agency.name_vi, agency.name_en or agency.name_vi
    if level == "M" and code in ministries():
        return ministries()[code]["vi"], ministries()[code]["en"]
    if level in ("MS", "MF", "MP"):
        ministry, _, rest = code.partition("|")
        rest, _, province = rest.partition("|")
        procedure = Procedure.objects.filter(**{"sector_code" if level == "MS" else "code": rest}).first()
        if ministry in ministries() and procedure is not None:
            if level == "MS":
                return procedure.sector_vi, procedure.sector_en
            if level == "MF":
                return procedure.name_vi, procedure.name_en
            place = queries.province_name(province)
            if place:
                return (f"{procedure.name_vi} — {place}",
                        f"{procedure.name_en or procedure.name_vi} — {queries.province_name(province, 'en')}")
    raise Http404(code)


def _tables(level: str, code: str, period: Period, language: str) -> list[dict]:
    tables = []
    for child, vi, en in CHILDREN[level]:
        rows = queries.ranking(child, period, parent=code if level != "N" else None)
        names = queries.names_for(child, [r.code for r in rows], language)
        for row in rows:
            row.name = names.get(row.code, row.code)
            row.link = _link(child, row.code, period)
        ranked = [r for r in rows if r.ranked]
        tables.append({"level": child, "heading_vi": vi, "heading_en": en, "rows": rows,
                       "min_dossiers": settings.INDEX_MIN_DOSSIERS,
                       "chart": charts.bar_chart([(r.name, r.index.share or 0.0, r.link) for r in ranked[:40]],
                                                 in_language(language, f"{vi} — chỉ số 766 (điểm quy đổi / 100)",
                                                             f"{en} — index 766 (scaled score / 100)"))
                       if child in ("P", "C", "M") and ranked else None})
    return tables


def ministry_page(request: HttpRequest, ministry: str, sector: str = "", procedure: str = "",
                  province: str = "") -> HttpResponse:
    """A ministry, one of its sectors, one of its procedures, or the procedure's agencies in one province (the
    drill-down's scopes join their path)."""
    if province:
        level, code = "MP", f"{ministry}|{procedure}|{province}"
    elif procedure:
        level, code = "MF", f"{ministry}|{procedure}"
    elif sector:
        level, code = "MS", f"{ministry}|{sector}"
    else:
        level, code = "M", ministry
    return scope_page(request, level, code)


def scope_page(request: HttpRequest, level: str = "N", code: str = "") -> HttpResponse:
    period = _period(request)
    name_vi, name_en = _scope_name(level, code)
    language = request.LANGUAGE_CODE
    tables = _tables(level, code, period, language)
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        return _export(export, tables[0]["rows"], f"chi-so-766-{level}{code}-{period.label.replace('/', '-')}")
    head = queries.headline(level, code, period)
    points = queries.trend(level, code, period.year)
    context = {
        "level": level, "code": code, "name_vi": name_vi, "name_en": name_en, "period": period,
        "query": _query(period), "head": head, "tables": tables,
        "trend": charts.line_chart(points, [("on_time", in_language(language, "Đúng hạn", "On time"), charts.GOOD),
                                            ("online", in_language(language, "Trực tuyến", "Online"), charts.BLUE)],
                                   f"{in_language(language, name_vi, name_en)} {period.year}") if points else None,
        "years": range(2024, period.year + 2), "months": range(1, 13), "quarters": range(1, 5),
        "breadcrumbs": _breadcrumbs(level, code, period),
        # interlinked group applications, by the place they were filed from (not by agency): beside the index
        "interlinked": interlinked.figures(level, code, period) if level in interlinked.LEVELS else [],
        "version": outbox.last_processed(),
    }
    template = "metrics/_live.html" if request.GET.get("partial") else "metrics/dashboard.html"
    return render(request, template, context)


def _breadcrumbs(level: str, code: str, period: Period) -> list[tuple[str, str, str]]:
    """The scopes above this one: (Vietnamese name, English name, address)."""
    above = [("P", divisions.communes()[code].province_code)] if level == "C" and code in divisions.communes() else []
    if level in ("MS", "MF", "MP"):
        ministry, procedure = code.split("|")[:2]
        above.append(("M", ministry))
        if level in ("MF", "MP"):
            above.append(("MS", f"{ministry}|{Procedure.objects.get(code=procedure).sector_code}"))
            if level == "MP":
                above.append(("MF", f"{ministry}|{procedure}"))
    return [(*_scope_name("N", ""), f"{reverse('metrics:national')}?{_query(period)}"),
            *((*_scope_name(scope, at), _link(scope, at, period)) for scope, at in above)]


NOT_MEASURED = "chưa đo / not measured"
NOT_RANKED = "chưa xếp hạng / not ranked"


def _export(kind: str, rows, filename: str) -> HttpResponse:
    header = ["Hạng", "Mã", "Tên", "Điểm quy đổi (100)", "Điểm", "Điểm tối đa đo được", "Công khai", "Tiến độ",
              "Trực tuyến", "Thanh toán", "Số hóa", "Hài lòng", "Hồ sơ tiếp nhận", "Tỷ lệ trực tuyến",
              "Tỷ lệ đúng hạn", "Thanh toán trực tuyến", "Số tiền trực tuyến (đồng)"]
    data = [[r.rank if r.ranked else NOT_RANKED, r.code, r.name,
             r.index.share if r.index.share is not None else NOT_MEASURED, r.index.score, r.index.max_score,
             *[f"{g.score:g}/{g.max_score:g}" if g.measured else NOT_MEASURED for g in r.index.groups],
             r.counts.received, round(r.online_share, 4) if r.online_share is not None else "",
             round(r.on_time_share, 4) if r.on_time_share is not None else "", r.counts.paid_online,
             r.counts.paid_online_amount] for r in rows]
    if kind == "csv":
        out = io.StringIO()
        out.write("\ufeff")  # so spreadsheet programs read the Vietnamese text as UTF-8
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(data)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        book = Workbook()
        sheet = book.active
        sheet.title = "Chỉ số 766"
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in data:
            sheet.append(row)
        sheet.column_dimensions["C"].width = 40
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = f'attachment; filename="{filename}.{kind}"'
    return response


async def events(request: HttpRequest) -> HttpResponseBase:
    """Server-sent events: "changed" whenever the roll-ups move on, so the page refreshes its figures. The
    stream is held open only by the ASGI process; the WSGI server answers at once and the browser polls."""
    try:
        since = int(request.headers.get("Last-Event-ID") or request.GET.get("since") or 0)
    except ValueError:
        since = 0
    if isinstance(request, ASGIRequest):
        response: HttpResponseBase = StreamingHttpResponse(live.WATCH.stream(since), content_type="text/event-stream")
        response["X-Accel-Buffering"] = "no"  # no proxy buffering (nginx)
    else:
        version = await sync_to_async(outbox.last_processed)()
        response = HttpResponse(live.answer_now(version, since), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    return response
