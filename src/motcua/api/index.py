"""Index API: the service index (Decision 766) and the applicant's rating that feeds it."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja import Status as Respond

from motcua.api.auth import ActorAuth
from motcua.api.common import ERRORS, ErrorOut, caller
from motcua.core.errors import NotFound
from motcua.dossiers.services import readable_dossier
from motcua.eid.scopes import DOSSIERS_SUBMIT
from motcua.metrics import interlinked, ratings
from motcua.metrics import queries as metrics_queries
from motcua.metrics.queries import Period

router = Router(tags=["index"])


class RatingIn(Schema):
    score: int = Field(..., ge=1, le=5, description="1 very dissatisfied … 5 very satisfied")
    complaint: str = Field("", max_length=2000)


class RatingOut(Schema):
    score: int
    complaint: str
    created_at: datetime


@router.post("/dossiers/{code}/rating", response={201: RatingOut, **ERRORS}, auth=ActorAuth(DOSSIERS_SUBMIT),
             summary="The applicant rates the service once the result is returned (feeds the index)")
def rate_dossier(request: HttpRequest, code: str, payload: RatingIn):
    actor = caller(request)
    dossier, state = readable_dossier(actor, code, "")  # the applicant's act
    rating = ratings.rate(dossier, state, actor, payload.score, payload.complaint)
    return Respond(201, {"score": rating.score, "complaint": rating.complaint, "created_at": rating.created_at})


class MetricOut(Schema):
    code: str
    label_vi: str
    label_en: str
    numerator: int
    denominator: int
    ratio: float | None
    score: float | None = Field(..., description="null when not measured")
    max_score: float = Field(..., description="the metric's points; left out of its group's maximum when not "
                                              "measured")
    measured: bool = Field(..., description="false: nothing to count or no data; scores nothing and leaves the "
                                            "maximum")


class GroupOut(Schema):
    code: str
    label_vi: str
    label_en: str
    score: float | None = Field(..., description="the sum over the measured metrics; null when none is measured")
    max_score: float = Field(..., description="the sum of the measured metrics' points")
    points: float = Field(..., description="the group's points in Decision 766 when every metric is measured")
    measured: bool
    metrics: list[MetricOut]


class IndexFigures(Schema):
    score: float | None = Field(..., description="the sum over the measured metrics; null when none is measured")
    max_score: float = Field(..., description="the points at stake: the sum of the measured metrics' points "
                                              "(100 when all are measured)")
    share: float | None = Field(..., description="score / max_score × 100: what rankings compare")
    measured: bool
    received: int
    online_share: float | None
    on_time_share: float | None
    paid_online: int
    paid_online_amount: int
    groups: list[GroupOut]


class IndexRowOut(IndexFigures):
    rank: int | None = Field(..., description="null: not ranked, fewer dossiers in the period than "
                                              "MOTCUA_INDEX_MIN_DOSSIERS (listed after the ranked units)")
    ranked: bool
    code: str
    name: str


class InterlinkedOut(Schema):
    """Interlinked group applications of one kind filed from the scope in the period (not scored)."""

    group_code: str
    name_vi: str
    name_en: str
    received: int
    finished: int = Field(..., description="every member ended: result returned, refused, stopped or cancelled")
    finished_on_time: int = Field(..., description="… the last member's end no later than the group's due date")
    on_time_share: float | None = Field(..., description="finished_on_time / finished")


class IndexOut(IndexFigures):
    level: str
    code: str
    period: str
    children: list[IndexRowOut]
    interlinked: list[InterlinkedOut] = Field(
        ..., description="Interlinked groups (Decree 63/2024) by kind, judged on the group's statutory time; "
                         "counted by where they were filed, so empty for an agency")


def _figures(row) -> dict:
    return {
        "score": row.index.score if row.index.measured else None, "max_score": row.index.max_score,
        "share": row.index.share, "measured": row.index.measured,
        "received": row.counts.received, "online_share": row.online_share,
        "on_time_share": row.on_time_share, "paid_online": row.counts.paid_online,
        "paid_online_amount": row.counts.paid_online_amount,
        "groups": [{"code": g.code, "label_vi": g.label_vi, "label_en": g.label_en,
                    "score": g.score if g.measured else None, "max_score": g.max_score, "points": g.points,
                    "measured": g.measured,
                    "metrics": [{**vars(m), "ratio": m.ratio, "score": m.score if m.measured else None}
                                for m in g.metrics]}
                   for g in row.index.groups],
    }


@router.get("/index", response={200: IndexOut, 404: ErrorOut, 422: ErrorOut},
            summary="Service index (Decision 766) of a scope and its children, as on the public dashboard",
            description="Unmeasured metrics score nothing and leave the maximum; children are ranked on the "
                        "share of the measured maximum (``share``), those with too few dossiers listed last, "
                        "unranked")
def service_index(request: HttpRequest, level: Literal["N", "P", "C", "A", "M", "MS", "MF", "MP"] = "N",
                  code: str = "",
                  period: Literal["year", "quarter", "month"] = "year", year: int | None = None,
                  n: int | None = Query(None, ge=1, le=12),
                  ranking: Literal["P", "M"] = Query("P", description=(
                      "For the country: rank the provinces (P) or the ministries (M). A ministry (M, code BTP) "
                      "lists its sectors, a sector (MS, code BTP|ho_tich) its procedures, a procedure of a ministry "
                      "(MF, code BTP|1.001193) the provinces of the agencies deciding it (codes BTP|1.001193|01; "
                      "TW for the ministry's own departments), and a procedure in a province (MP, code "
                      "BTP|1.001193|01) the 100 agencies there deciding most of it (codes BTP|1.001193|<agency>)."))):
    chosen = Period.parse(period, str(year or ""), str(n or ""))
    if level != "N" and not metrics_queries.names_for(level, [code]).get(code):
        raise NotFound(code)
    head = metrics_queries.headline(level, code, chosen)
    child = ranking if level == "N" else metrics_queries.CHILDREN[level][0][0]
    rows = metrics_queries.ranking(child, chosen, parent=code if level != "N" else None)
    names = metrics_queries.names_for(child, [r.code for r in rows])
    return {
        "level": level, "code": code, "period": chosen.label, **_figures(head),
        "children": [{"rank": r.rank, "ranked": r.ranked, "code": r.code, "name": names.get(r.code, r.code),
                      **_figures(r)} for r in rows],
        "interlinked": [{**vars(g), "on_time_share": g.on_time_share}
                        for g in (interlinked.figures(level, code, chosen) if level in interlinked.LEVELS else [])],
    }


