"""The service index of Decision 766/QĐ-TTg as the national portal publishes it: six groups, 100 points,
each metric with numerator, denominator, ratio, score and maximum. Pure Python, no Django: inputs are plain
counts (see :class:`Counts`), so every formula can be checked with worked examples.

Where the published formula needs data this system cannot hold (publication dates of procedures in the
national database, petitions handled elsewhere) the metric is marked ``measured=False`` and scored as the
portal scores a unit with nothing to count (full marks), so the gap is visible rather than hidden.
"""

from __future__ import annotations

from collections.abc import Mapping
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

    @property
    def ratio(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


@dataclass(frozen=True)
class Group:
    code: str
    label_vi: str
    label_en: str
    max_score: float
    metrics: tuple[Metric, ...] = field(default_factory=tuple)

    @property
    def score(self) -> float:
        return round(sum(m.score for m in self.metrics), 2)


def _ratio(numerator: int, denominator: int, empty: float = 1.0) -> float:
    """A unit with nothing to count scores as the portal scores it: in full. Capped at 1 (a late-arriving
    count can briefly exceed its denominator)."""
    return min(1.0, numerator / denominator) if denominator else empty


def _full_at(ratio: float, threshold: float) -> float:
    """Share of the points, reaching all of them at ``threshold``."""
    return min(1.0, ratio / threshold) if threshold else 1.0


def progress(c: Counts) -> Group:
    """(finished on time + still within the deadline) / dossiers of the period, 20 points."""
    on_time = c.finished_on_time + c.open_within_deadline
    ratio = _ratio(on_time, c.received)
    return Group("progress", "Tiến độ giải quyết", "Processing progress", 20, (
        Metric("ON_TIME", "Hồ sơ đúng hạn", "Dossiers on time", on_time, c.received, round(20 * ratio, 2), 20),))


def online_services(c: Counts) -> Group:
    """min(2, 2A/0.8) + 4B + min(6, 6C/0.5): A procedures offered online, B online procedures used,
    C dossiers submitted online."""
    a = _ratio(c.procedures_online, c.procedures)
    b = _ratio(c.procedures_online_used, c.procedures_online)
    share = _ratio(c.online, c.received, empty=0.0)
    return Group("online", "Cung cấp dịch vụ trực tuyến", "Online services", 12, (
        Metric("ONLINE_PROCEDURES", "Thủ tục cung cấp trực tuyến", "Procedures offered online",
               c.procedures_online, c.procedures, round(2 * _full_at(a, 0.8), 2), 2),
        Metric("ONLINE_PROCEDURES_USED", "Dịch vụ trực tuyến phát sinh hồ sơ", "Online services that received dossiers",
               c.procedures_online_used, c.procedures_online, round(4 * b, 2), 4),
        Metric("ONLINE_DOSSIERS", "Hồ sơ nộp trực tuyến", "Dossiers submitted online",
               c.online, c.received, round(6 * _full_at(share, 0.5), 2), 6),
    ))


def online_payment(c: Counts) -> Group:
    """6A + min(2, 2.5B) + min(2, 2.5C): A dossiers with a fee paid online, B procedures with a fee that were
    paid online at least once, C the share of the money collected online."""
    a = _ratio(c.paid_online, c.has_fee)
    b = _ratio(c.procedures_paid_online, c.procedures_with_fee)
    money = _ratio(c.paid_online_amount, c.paid_amount)
    return Group("payment", "Thanh toán trực tuyến", "Online payment", 10, (
        Metric("PAID_ONLINE", "Hồ sơ thanh toán trực tuyến", "Dossiers paid online",
               c.paid_online, c.has_fee, round(6 * a, 2), 6),
        Metric("PROCEDURES_PAID_ONLINE", "Thủ tục có phát sinh thanh toán trực tuyến",
               "Procedures with a fee paid online", c.procedures_paid_online, c.procedures_with_fee,
               round(min(2, 2.5 * b), 2), 2),
        Metric("AMOUNT_PAID_ONLINE", "Số tiền thanh toán trực tuyến", "Amount paid online",
               c.paid_online_amount, c.paid_amount, round(min(2, 2.5 * money), 2), 2),
    ))


def digitization(c: Counts) -> Group:
    """Each metric scores in full at 80 %."""
    def metric(code: str, vi: str, en: str, numerator: int, denominator: int, points: float) -> Metric:
        return Metric(code, vi, en, numerator, denominator,
                      round(points * _full_at(_ratio(numerator, denominator), 0.8), 2), points)

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
    """Dossier satisfaction = 100 % − (overdue % + dissatisfied %), in full at 90 %. Petitions (PAKN): the share
    handled on time (answered by the due date, or still within it) and the share of rated answers that satisfied
    the sender, each 6 × ratio."""
    late = c.finished - c.finished_on_time + open_overdue
    bad = late + c.dissatisfied
    value = max(0.0, 1 - _ratio(bad, c.received, empty=0.0))
    return Group("satisfaction", "Mức độ hài lòng", "Satisfaction", 18, (
        Metric("DOSSIER_RECEIVING_SATISFACTION", "Hài lòng trong giải quyết hồ sơ", "Satisfaction with dossiers",
               max(0, c.received - bad), c.received, round(6 * _full_at(value, 0.9), 2), 6),
        _petition_metric("PETITION_PROCESSING_ON_TIME", "Xử lý phản ánh, kiến nghị đúng hạn",
                         "Petitions handled on time", c.petitions_on_time, c.petitions),
        _petition_metric("PETITION_HANDLING_SATISFACTION", "Hài lòng về xử lý phản ánh, kiến nghị",
                         "Satisfaction with petition handling", c.petitions_satisfied, c.petitions_rated),
    ))


def _petition_metric(code: str, vi: str, en: str, numerator: int, denominator: int) -> Metric:
    """6 × numerator / denominator, as the national portal scores both petition metrics; with nothing to count
    (no petition received, no answer rated) the metric is not measured."""
    if not denominator:
        return Metric(code, vi, en, 0, 0, 6, 6, measured=False)
    return Metric(code, vi, en, numerator, denominator, round(6 * _ratio(numerator, denominator), 2), 6)


def transparency(c: Counts) -> Group:
    """Publication on time cannot be judged without the national database's decision dates (not measured);
    full content is checked on the catalog; a dossier is synchronised when the national portal acknowledged
    its latest state (measured from the portal's acknowledgements)."""
    return Group("transparency", "Công khai, minh bạch", "Transparency", 18, (
        Metric("PUBLISH_ON_TIME", "Công bố thủ tục đúng hạn", "Procedures published on time", 0, 0, 6, 6,
               measured=False),
        Metric("PUBLIC_UPDATE_ON_TIME", "Công khai thủ tục đúng hạn", "Procedures disclosed on time", 0, 0, 4, 4,
               measured=False),
        Metric("PUBLIC_CONTENT_FULL", "Công khai đầy đủ nội dung", "Complete procedure information",
               c.procedures_complete_info, c.procedures,
               round(2 * _ratio(c.procedures_complete_info, c.procedures), 2), 2),
        Metric("DOSSIER_SYNC", "Đồng bộ hồ sơ", "Dossiers synchronised", c.synced, c.received,
               round(6 * _ratio(c.synced, c.received), 2), 6),
    ))


@dataclass(frozen=True)
class Index:
    groups: tuple[Group, ...]

    @property
    def score(self) -> float:
        return round(sum(g.score for g in self.groups), 2)

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
