"""Template helpers for bilingual data (fields ending in _vi/_en, or {"vi", "en"} dicts)."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.translation import get_language

from motcua.core import vietnamese
from motcua.core.errors import in_language

register = template.Library()


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


@register.filter
def tr(obj, name: str = ""):
    """``{{ procedure|tr:"name" }}`` → name_vi or name_en; ``{{ status|tr }}`` → status["vi"|"en"]."""
    lang = _lang()
    if obj is None:
        return ""
    if not name:
        return obj.get(lang, "") if isinstance(obj, dict) else getattr(obj, lang, "")
    key = f"{name}_{lang}"
    return obj.get(key, "") if isinstance(obj, dict) else getattr(obj, key, "")


@register.simple_tag(name="in_language")
def in_language_tag(vi, en) -> str:
    """``{% in_language vi_text en_text %}``: the text in the page's language."""
    return in_language(_lang(), vi, en)


class ScrollingTableNode(template.Node):
    def __init__(self, nodelist: template.NodeList, label: list[template.base.FilterExpression]) -> None:
        self.nodelist, self.label = nodelist, label

    def render(self, context) -> str:
        texts = [part.resolve(context) for part in self.label]
        label = in_language(_lang(), *texts) if len(texts) == 2 else texts[0]
        return format_html('<div class="table-scroll" role="region" tabindex="0" aria-label="{}">{}</div>',
                           label, self.nodelist.render(context))


@register.tag
def scrolling_table(parser, token) -> ScrollingTableNode:
    """``{% scrolling_table vi_label en_label %}<table>…</table>{% endscrolling_table %}`` (or one label already in
    the page's language, such as ``_("Payments")``): a wide table scrolls sideways inside its box instead of
    widening a phone's page. The box is a named region that takes the focus, so the keyboard can scroll it too."""
    label = token.split_contents()[1:]
    if len(label) not in (1, 2):
        raise template.TemplateSyntaxError("scrolling_table takes a label, or its Vietnamese and English texts")
    nodelist = parser.parse(("endscrolling_table",))
    parser.delete_first_token()
    return ScrollingTableNode(nodelist, [parser.compile_filter(part) for part in label])


@register.filter
def choice(obj, field: str) -> str:
    """``{{ petition|choice:"kind" }}``: the label of a field's value in the page's language, from the model's
    ``KIND_LABELS`` (value → (Vietnamese, English)), whose Vietnamese are the field's choices."""
    vi, en = getattr(obj, f"{field.upper()}_LABELS")[getattr(obj, field)]
    return in_language(_lang(), vi, en)


@register.filter
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def vnd(amount) -> str:
    """12345 → '12.345 ₫' (Vietnamese thousands separator)."""
    try:
        return f"{int(amount):,} ₫".replace(",", ".")
    except (TypeError, ValueError):
        return ""


@register.filter
def points(value, digits: str = "1") -> str:
    """Index points as ``floatformat`` shows them (half up; "-2": up to 2 decimals, none when whole; the
    language's decimal separator) at a fraction of its cost: a ranking page shows hundreds."""
    if value is None or value == "":
        return ""
    places = int(digits)
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-abs(places)), ROUND_HALF_UP)
    if places < 0 and rounded == rounded.to_integral_value():
        rounded = rounded.quantize(Decimal(1))
    return f"{rounded:f}".replace(".", get_format("DECIMAL_SEPARATOR"))


@register.filter
def processing_time(days) -> str:
    """``{{ procedure.statutory_days|processing_time }}`` → "7 ngày làm việc", "Trong ngày" for 0."""
    return in_language(_lang(), *vietnamese.processing_time(int(days)))


@register.filter
def fee_amount(amount) -> str:
    """A fee as the citizen reads it: "Miễn phí" / "Free" for nothing owed, else the amount in đồng."""
    return vnd(amount) if amount else in_language(_lang(), "Miễn phí", "Free")
