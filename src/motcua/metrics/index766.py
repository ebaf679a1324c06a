"""The service index of Decision 766/QĐ-TTg as the national portal publishes it: six groups, 100 points,
each metric with numerator, denominator, ratio, score and maximum. Pure Python, no Django: inputs are plain
counts (see :class:`Counts`), so every formula can be checked with worked examples.

A metric is measured when it has something to count (a non-zero denominator) and the data it needs exists.
An unmeasured metric scores nothing and leaves the maximum of its group and of the index: nothing is given in
full without being measured. Rankings compare :attr:`Index.share`, the score over the points at stake.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields


def _counter(meaning: str) -> int:
    """A counter kept per dossier and summed into the roll-up tables (one column each)."""
    return field(default=0, metadata={"counter": meaning})


@dataclass
class Counts:
    """Sums of the counters over a scope and a period, plus what is known at query time."""

    received: int = _counter("dossiers received (submitted) in the period")
    online: int = _counter("… submitted online")
    finished: int = _counter("… finished: processed, returned, stopped or refused")
    finished_on_time: int = _counter("… finished by the due date (supplement time excluded; never with > 1 supplement)")
    has_fee: int = _counter("… asked to pay a fee")
    paid_online: int = _counter("… paid online")
    paid_online_amount: int = _counter("đồng paid online")
    paid_amount: int = _counter("đồng paid, any way")
    digitized: int = _counter("… whose documents are held electronically (uploaded, scanned, or from the state)")
    reused: int = _counter("… reusing data the state holds (registries, the citizen's wallet)")
    eid_verified: int = _counter("… submitted under an e-ID login")
    approved: int = _counter("… approved (a result is due)")
    result_electronic: int = _counter("… whose result was issued as a signed electronic document")
    result_in_wallet: int = _counter("… whose result went to the citizen's wallet")
    rated: int = _counter("… rated by the citizen")
    dissatisfied: int = _counter("… rated poorly or complained about")
    synced: int = _counter("… whose latest state the national portal acknowledged")
    # unfinished and not past the due date as of today (paused for the citizen counts as within; more than
    # one supplement request counts as past)
    open_within_deadline: int = 0
    # catalog-side, for the scope
    procedures: int = 0
    procedures_online: int = 0
    procedures_online_used: int = 0  # online procedures that received at least one online dossier
    procedures_with_fee: int = 0
    procedures_paid_online: int = 0  # procedures with a fee that received at least one online payment
    procedures_complete_info: int = 0  # the 7 components of Decree 63/2010 Art. 8(2) present
    procedures_using_population_data: int = 0
    # publication (catalog/publication.py), over the procedures whose dates are verified
    procedures_publication_known: int = 0
    procedures_published_on_time: int = 0
    procedures_disclosure_known: int = 0
    procedures_disclosed_on_time: int = 0
    # petitions (PAKN) of the scope received in the period, from the petitions capability's tally
    petitions: int = 0
    petitions_on_time: int = 0  # answered by the due date, or open and not past it as of today
    petitions_rated: int = 0  # answers the sender rated
    petitions_satisfied: int = 0  # … rated satisfied

    @classmethod
    def from_mapping(cls, values: Mapping[str, int]) -> Counts:
        return cls(**{k: int(v) for k, v in values.items() if k in cls.__dataclass_fields__})

    @property
    def online_share(self) -> float | None:
        return self.online / self.received if self.received else None

    def __add__(self, other: Counts) -> Counts:
        return Counts(**{k: getattr(self, k) + getattr(other, k) for k in self.__dataclass_fields__})


# The counters, in order: the roll-up tables have one column for each.
COUNTERS = tuple(f.name for f in fields(Counts) if "counter" in f.metadata)


@dataclass(frozen=True)
class Metric:
    code: str
    label_vi: str
    label_en: str
    numerator: int
    denominator: int
    score: float
    max_score: float
    measured: bool = True

    def __post_init__(self) -> None:
        if not self.measured:  # never given in full (nor in part): an unmeasured metric scores nothing
            object.__setattr__(self, "score", 0.0)

    @property
    def ratio(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


@dataclass(frozen=True)
class Group:
    """One group of the index; its figures are computed once, when it is made (rankings sort on them, pages
    show them often)."""

    code: str
    label_vi: str
    label_en: str
    points: float  # what the decision gives the group when every metric is measured
    metrics: tuple[Metric, ...] = field(default_factory=tuple)
    measured: bool = field(init=False)
    score: float = field(init=False)
    max_score: float = field(init=False)  # the points at stake: the sum over the measured metrics

    def __post_init__(self) -> None:
        measured = [m for m in self.metrics if m.measured]
        object.__setattr__(self, "measured", bool(measured))
        object.__setattr__(self, "score", round(sum(m.score for m in measured), 2))
        object.__setattr__(self, "max_score", round(sum(m.max_score for m in measured), 2))


def _metric(code: str, vi: str, en: str, numerator: int, denominator: int, points: float,
            share: Callable[[float], float] = lambda ratio: ratio) -> Metric:
    """``points`` × ``share(ratio)``; with nothing to count (a zero denominator) the metric is not measured
    and leaves the maximum, rather than being scored in full as the portal does. The ratio is capped at 1 (a
    late-arriving count can briefly exceed its denominator)."""
    if not denominator:
        return Metric(code, vi, en, numerator, 0, 0.0, points, measured=False)
    return Metric(code, vi, en, numerator, denominator,
                  round(points * share(min(1.0, numerator / denominator)), 2), points)


def _full_at(threshold: float) -> Callable[[float], float]:
    """Share of the points, reaching all of them at ``threshold``."""
    return lambda ratio: min(1.0, ratio / threshold)


def _capped(factor: float) -> Callable[[float], float]:
    """``factor`` × ratio, at most all the points (full at 1 / factor)."""
    return lambda ratio: min(1.0, factor * ratio)


def progress(c: Counts) -> Group:
    """(finished on time + still within the deadline) / dossiers of the period, 20 points."""
    return Group("progress", "Tiến độ giải quyết", "Processing progress", 20, (
        _metric("ON_TIME", "Hồ sơ đúng hạn", "Dossiers on time", c.finished_on_time + c.open_within_deadline,
                c.received, 20),))


def online_services(c: Counts) -> Group:
    """min(2, 2A/0.8) + 4B + min(6, 6C/0.5): A procedures offered online, B online procedures used,
    C dossiers submitted online."""
    return Group("online", "Cung cấp dịch vụ trực tuyến", "Online services", 12, (
        _metric("ONLINE_PROCEDURES", "Thủ tục cung cấp trực tuyến", "Procedures offered online",
                c.procedures_online, c.procedures, 2, _full_at(0.8)),
        _metric("ONLINE_PROCEDURES_USED", "Dịch vụ trực tuyến phát sinh hồ sơ",
                "Online services that received dossiers", c.procedures_online_used, c.procedures_online, 4),
        _metric("ONLINE_DOSSIERS", "Hồ sơ nộp trực tuyến", "Dossiers submitted online",
                c.online, c.received, 6, _full_at(0.5)),
    ))


def online_payment(c: Counts) -> Group:
    """6A + min(2, 2.5B) + min(2, 2.5C): A dossiers with a fee paid online, B procedures with a fee that were
    paid online at least once, C the share of the money collected online."""
    return Group("payment", "Thanh toán trực tuyến", "Online payment", 10, (
        _metric("PAID_ONLINE", "Hồ sơ thanh toán trực tuyến", "Dossiers paid online", c.paid_online, c.has_fee, 6),
        _metric("PROCEDURES_PAID_ONLINE", "Thủ tục có phát sinh thanh toán trực tuyến",
                "Procedures with a fee paid online", c.procedures_paid_online, c.procedures_with_fee, 2,
                _capped(1.25)),
        _metric("AMOUNT_PAID_ONLINE", "Số tiền thanh toán trực tuyến", "Amount paid online",
                c.paid_online_amount, c.paid_amount, 2, _capped(1.25)),
    ))


def digitization(c: Counts) -> Group:
    """Each metric scores in full at 80 %."""
    def metric(code: str, vi: str, en: str, numerator: int, denominator: int, points: float) -> Metric:
        return _metric(code, vi, en, numerator, denominator, points, _full_at(0.8))

    return Group("digitization", "Số hóa hồ sơ", "Digitization", 22, (
        metric("ORIGINAL_RESULT_AVAILABLE", "Kết quả điện tử có ký số", "Results issued electronically, signed",
               c.result_electronic, c.approved, 6),
        metric("SO_HOA_GIAY_TO_GIAI_QUYET", "Hồ sơ được số hóa", "Dossiers digitized", c.digitized, c.received, 4),
        metric("REUSED_DIGITIZED_DATA", "Tái sử dụng dữ liệu số", "Digitized data reused", c.reused, c.received, 2),
        metric("ELECTRONIC_RESULT_IN_WALLET", "Kết quả đưa vào kho dữ liệu công dân",
               "Results put in the citizen's wallet", c.result_in_wallet, c.approved, 4),
        metric("ELECTRONIC_CERTIFIED_COPY", "Bản sao điện tử có giá trị pháp lý", "Legally valid electronic copies",
               c.result_electronic, c.approved, 2),
        metric("CITIZEN_DATA_CONNECTED_DOSSIER", "Hồ sơ xác thực định danh điện tử", "Dossiers under an e-ID login",
               c.eid_verified, c.online, 2),
        metric("CITIZEN_DATA_CONNECTED_FORMALITY", "Thủ tục kết nối dữ liệu dân cư",
               "Procedures connected to the population data", c.procedures_using_population_data, c.procedures, 2),
    ))


def satisfaction(c: Counts, open_overdue: int) -> Group:
    """Dossier satisfaction = 100 % − (overdue % + % rated poorly or complained about), both shares of the
    dossiers received, in full at 90 %. Petitions (PAKN): the share handled on time (answered by the due date,
    or still within it) and the share of rated answers that satisfied the sender, each 6 × ratio."""
    late = c.finished - c.finished_on_time + open_overdue
    bad = late + c.dissatisfied
    return Group("satisfaction", "Mức độ hài lòng", "Satisfaction", 18, (
        _metric("DOSSIER_RECEIVING_SATISFACTION", "Hài lòng trong giải quyết hồ sơ", "Satisfaction with dossiers",
                max(0, c.received - bad), c.received, 6, _full_at(0.9)),
        _metric("PETITION_PROCESSING_ON_TIME", "Xử lý phản ánh, kiến nghị đúng hạn", "Petitions handled on time",
                c.petitions_on_time, c.petitions, 6),
        _metric("PETITION_HANDLING_SATISFACTION", "Hài lòng về xử lý phản ánh, kiến nghị",
                "Satisfaction with petition handling", c.petitions_satisfied, c.petitions_rated, 6),
    ))


def transparency(c: Counts) -> Group:
    """Published / disclosed on time over the unit's procedures whose dates are verified
    (:mod:`motcua.catalog.publication`); full content checked on the catalog; a dossier is synchronised when
    the national portal acknowledged its latest state."""
    return Group("transparency", "Công khai, minh bạch", "Transparency", 18, (
        _metric("PUBLISH_ON_TIME", "Công bố thủ tục đúng hạn", "Procedures published on time",
                c.procedures_published_on_time, c.procedures_publication_known, 6),
        _metric("PUBLIC_UPDATE_ON_TIME", "Công khai thủ tục đúng hạn", "Procedures disclosed on time",
                c.procedures_disclosed_on_time, c.procedures_disclosure_known, 4),
        _metric("PUBLIC_CONTENT_FULL", "Công khai đầy đủ nội dung", "Complete procedure information",
                c.procedures_complete_info, c.procedures, 2),
        _metric("DOSSIER_SYNC", "Đồng bộ hồ sơ", "Dossiers synchronised", c.synced, c.received, 6),
    ))


@dataclass(frozen=True)
class Index:
    groups: tuple[Group, ...]
    score: float = field(init=False)
    max_score: float = field(init=False)  # the points at stake: the sum over the measured metrics (100 when all are)
    # The score as a share of the points at stake, scaled to 100: what rankings compare, so that units measured
    # on different metrics stand side by side fairly.
    share: float | None = field(init=False)

    def __post_init__(self) -> None:
        score = round(sum(g.score for g in self.groups), 2)
        max_score = round(sum(g.max_score for g in self.groups), 2)
        object.__setattr__(self, "score", score)
        object.__setattr__(self, "max_score", max_score)
        object.__setattr__(self, "share", round(100 * score / max_score, 2) if max_score else None)

    @property
    def measured(self) -> bool:
        return self.max_score > 0

    def group(self, code: str) -> Group:
        return next(g for g in self.groups if g.code == code)

    @property
    def on_time_share(self) -> float | None:
        return self.group("progress").metrics[0].ratio


def index(c: Counts) -> Index:
    open_total = c.received - c.finished
    open_overdue = max(0, open_total - c.open_within_deadline)
    return Index((transparency(c), progress(c), online_services(c), online_payment(c), digitization(c),
                  satisfaction(c, open_overdue)))
