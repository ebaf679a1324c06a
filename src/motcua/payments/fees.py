"""What a dossier owes. The rule in force on the day of submission in the competent agency's fee schedule
(its province's, or its ministry's) gives the online and counter rates, the periods in which filing online costs
nothing, and the exemptions and reductions; without a schedule, the procedure's national rates in the catalog
apply. Each quote says which rule applied and why, in Vietnamese and English. Pure rules, no Django."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from motcua.catalog.spec import Fees
from motcua.core.errors import Invalid
from motcua.payments.schedules import FeeRule, FeeSchedule, OnlineFree, Relief


class UnknownExemption(Invalid):
    def __init__(self) -> None:
        super().__init__("unknown_exemption", "Trường hợp miễn, giảm không có trong quy định của thủ tục.",
                         "This exemption or reduction is not one the procedure's fee rules list.", "exemption")


class ReliefNotInForce(Invalid):
    def __init__(self) -> None:
        super().__init__("exemption_not_in_force", "Trường hợp miễn, giảm này không còn (hoặc chưa) áp dụng vào "
                         "ngày nộp hồ sơ.", "This exemption or reduction was not in force on the day of submission.",
                         "exemption")


@dataclass(frozen=True)
class Reason:
    vi: str
    en: str

    def text(self, language: str) -> str:
        return self.vi if language == "vi" else self.en


@dataclass(frozen=True)
class FeeQuote:
    amount: int
    basis: str  # "online" | "counter" | "online_free" | "exempt" | "reduced"
    exemption: str = ""  # the relief applied (its code; the catalog's wording without a schedule)
    full_amount: int = 0  # the channel's rate, before a zero-fee period or a relief
    reasons: tuple[Reason, ...] = ()  # which rule applied and why, in order
    verified: bool = True  # False when a value it rests on could not be verified
    authority: str = ""  # whose schedule; "" for the catalog's national rates

    @property
    def owed(self) -> bool:
        return self.amount > 0

    def explained(self, language: str) -> list[str]:
        return [r.text(language) for r in self.reasons]


@lru_cache(maxsize=1024)  # rates are few and immutable: each explanation is written once
def quote(fees: Fees, channel: str, exemption: str = "") -> FeeQuote:
    """The catalog's national rates, used where no schedule has a rule for the procedure."""
    full = fees.online if channel == "online" else fees.counter
    channel_reason = _channel_reason(channel, full)
    reason = Reason("Mức thu chung ghi trong danh mục thủ tục (chưa có biểu phí của địa phương cho thủ tục này)",
                    "The national rate in the procedure catalog (no local fee schedule covers this procedure)")
    if exemption:
        if exemption not in fees.exemptions:
            raise UnknownExemption()
        return FeeQuote(0, "exempt", exemption, full, (reason, channel_reason, Reason(
            f"Miễn: {exemption}", f"Exempt: {exemption}")))
    return FeeQuote(full, _rate_of(channel), "", full, (reason, channel_reason))


def quote_rule(schedule: FeeSchedule, rule: FeeRule, channel: str, day: date, relief_code: str = "") -> FeeQuote:
    """What a dossier filed on ``day`` through ``channel`` owes under ``rule`` of ``schedule``, with the
    applicant's relief (its code) if one was claimed."""
    relief = _relief(rule, relief_code, day)
    free = rule.online_free_on(day) if channel == "online" else None
    key = (id(rule), _rate_of(channel), id(free), id(relief))
    found: FeeQuote | None = schedule.explained.get(key)
    if found is None:
        found = schedule.explained[key] = _explain(schedule, rule, channel, free, relief)
    return found


def _explain(schedule: FeeSchedule, rule: FeeRule, channel: str, free: OnlineFree | None,
             relief: Relief | None) -> FeeQuote:
    amount = rule.online if channel == "online" else rule.counter
    resolution = schedule.resolution(rule.basis)
    cite_vi = resolution.cite("vi") if resolution else rule.basis
    cite_en = resolution.cite("en") if resolution else rule.basis
    reasons = [
        Reason(f"Biểu phí của {schedule.name_vi}, {cite_vi}, áp dụng {rule.period.describe('vi')}",
               f"Fee schedule of {schedule.name_en}, {cite_en}, in force {rule.period.describe('en')}"),
        _channel_reason(channel, amount.value),
    ]
    verified = amount.verified and (resolution is None or resolution.verified)
    if free is not None:
        basis = schedule.resolution(free.basis)
        reasons.append(Reason(
            f"Nộp trực tuyến {free.period.describe('vi')}: mức thu 0 đồng ({basis.cite('vi') if basis else free.basis})",
            f"Filed online {free.period.describe('en')}: nothing to pay ({basis.cite('en') if basis else free.basis})"))
        return FeeQuote(0, "online_free", "", amount.value, tuple(reasons), verified and free.verified,
                        schedule.authority)
    if relief is None:
        return FeeQuote(amount.value, _rate_of(channel), "", amount.value, tuple(reasons), verified,
                        schedule.authority)
    owed = relief.apply(amount.value)
    basis = schedule.resolution(relief.basis)
    how_vi = "miễn" if relief.kind == "exemption" else (
        f"giảm {relief.percent}%" if relief.percent is not None else f"nộp {relief.pays:,} đồng".replace(",", "."))
    how_en = "exempt" if relief.kind == "exemption" else (
        f"{relief.percent}% off" if relief.percent is not None else f"pays {relief.pays:,} VND")
    reasons.append(Reason(f"{relief.label_vi}: {how_vi} ({basis.cite('vi') if basis else relief.basis})",
                          f"{relief.label_en}: {how_en} ({basis.cite('en') if basis else relief.basis})"))
    return FeeQuote(owed, "exempt" if relief.kind == "exemption" else "reduced", relief.code, amount.value,
                    tuple(reasons), verified and relief.verified, schedule.authority)


def _relief(rule: FeeRule, code: str, day: date) -> Relief | None:
    if not code:
        return None
    relief = rule.relief(code)
    if relief is None:
        raise UnknownExemption()
    if relief.period is not None and not relief.period.covers(day):
        raise ReliefNotInForce()
    return relief


def _rate_of(channel: str) -> str:
    """Post is charged the counter rate: only filing online has a rate of its own."""
    return "online" if channel == "online" else "counter"


def _channel_reason(channel: str, amount: int) -> Reason:
    figure = f"{amount:,}".replace(",", ".")
    if channel == "online":
        return Reason(f"Mức thu khi nộp trực tuyến: {figure} đồng", f"Online rate: {figure} VND")
    return Reason(f"Mức thu khi nộp trực tiếp hoặc qua bưu chính: {figure} đồng",
                  f"Counter (or post) rate: {figure} VND")


def in_words(amount: int) -> str:
    """The amount in Vietnamese words, as receipts print it ("Bằng chữ")."""
    if amount == 0:
        return "Không đồng"
    digits = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]

    def triple(n: int, full: bool) -> list[str]:
        hundreds, tens, units = n // 100, n // 10 % 10, n % 10
        words = []
        if full or hundreds:
            words += [digits[hundreds], "trăm"]
        if tens == 0 and units and (full or hundreds):
            words.append("linh")
        elif tens == 1:
            words.append("mười")
        elif tens > 1:
            words += [digits[tens], "mươi"]
        if units == 1 and tens > 1:
            words.append("mốt")
        elif units == 5 and tens > 0:
            words.append("lăm")
        elif units == 4 and tens > 1:
            words.append("tư")
        elif units:
            words.append(digits[units])
        return words

    groups, n = [], amount
    while n:
        groups.append(n % 1000)
        n //= 1000
    scales = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ"]
    words: list[str] = []
    for i in range(len(groups) - 1, -1, -1):
        if groups[i] == 0:
            continue
        words += triple(groups[i], full=i < len(groups) - 1)
        if scales[i]:
            words.append(scales[i])
    text = " ".join(words)
    return text[0].upper() + text[1:] + " đồng"
