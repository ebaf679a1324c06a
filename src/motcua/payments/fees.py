"""What a dossier owes, from the procedure's fee rules: the online rate for dossiers submitted online
(many provinces set it to 0 to encourage online filing), the counter rate otherwise, nothing when an
exemption listed in the catalog applies. Pure rules, no Django."""

from __future__ import annotations

from dataclasses import dataclass

from motcua.catalog.spec import Fees
from motcua.core.errors import Invalid


class UnknownExemption(Invalid):
    def __init__(self) -> None:
        super().__init__("unknown_exemption", "Trường hợp miễn không có trong quy định của thủ tục.",
                         "This exemption is not one the procedure lists.", "exemption")


@dataclass(frozen=True)
class FeeQuote:
    amount: int
    basis: str  # "online" | "counter" | "exempt"
    exemption: str = ""

    @property
    def owed(self) -> bool:
        return self.amount > 0


def quote(fees: Fees, channel: str, exemption: str = "") -> FeeQuote:
    if exemption:
        if exemption not in fees.exemptions:
            raise UnknownExemption()
        return FeeQuote(0, "exempt", exemption)
    if channel == "online":
        return FeeQuote(fees.online, "online")
    return FeeQuote(fees.counter, "counter")


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
