"""Template helpers for bilingual data (fields ending in _vi/_en, or {"vi", "en"} dicts)."""

from django import template
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
def processing_time(days) -> str:
    """``{{ procedure.statutory_days|processing_time }}`` → "7 ngày làm việc", "Trong ngày" for 0."""
    return in_language(_lang(), *vietnamese.processing_time(int(days)))


@register.filter
def fee_amount(amount) -> str:
    """A fee as the citizen reads it: "Miễn phí" / "Free" for nothing owed, else the amount in đồng."""
    return vnd(amount) if amount else in_language(_lang(), "Miễn phí", "Free")
