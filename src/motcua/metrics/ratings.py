"""Citizens' satisfaction ratings: once per dossier, by the applicant, after the result is returned. A complaint
written with the rating goes to the competent agency as a petition to answer (same answer and deadline)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q

from motcua.core.errors import MotcuaError
from motcua.dossiers import services as dossier_services
from motcua.dossiers.lifecycle import DossierState, Status
from motcua.dossiers.models import Dossier
from motcua.identity.actors import Actor
from motcua.metrics.models import Rating
from motcua.petitions.services import complaint_from_rating


class RatingError(MotcuaError):
    """Only the applicant rates (403), once, after the result is returned (409); scores 1–5 (422)."""

    def __init__(self, code: str, vi: str, en: str, field: str = "score", *, status: int = 409) -> None:
        super().__init__(code, vi, en, field, status=status)


@dossier_services.rated_dossiers
def _rated() -> Q:
    return Q(Exists(Rating.objects.filter(dossier=OuterRef("pk"))))


def rate(dossier: Dossier, state: DossierState, actor: Actor, score, complaint: str = "") -> Rating:
    if not state.acts_for_applicant(actor):  # the applicant, or who filed for them
        raise RatingError("not_applicant", "Chỉ người nộp hồ sơ được đánh giá.", "Only the applicant may rate.",
                          status=403)
    if state.status != Status.RETURNED:
        raise RatingError("not_returned", "Chỉ đánh giá sau khi đã nhận kết quả.",
                          "You can rate once the result has been returned.")
    try:
        value = int(str(score).strip())
    except ValueError:
        value = 0
    if not 1 <= value <= 5:
        raise RatingError("invalid_score", "Chọn mức đánh giá từ 1 đến 5.", "Choose a rating from 1 to 5.",
                          status=422)
    complaint = (complaint or "").strip()
    if len(complaint) > 2000:
        raise RatingError("too_long", "Nội dung góp ý tối đa 2000 ký tự.", "At most 2,000 characters.", "complaint",
                          status=422)
    try:
        with transaction.atomic():
            rating = Rating.objects.create(dossier=dossier, score=value, complaint=complaint)
            if complaint:
                complaint_from_rating(dossier, complaint)
            dossier_services.changed(dossier)
    except IntegrityError:
        raise RatingError("already_rated", "Hồ sơ này đã được đánh giá.", "This dossier has already been rated.") \
            from None
    return rating
