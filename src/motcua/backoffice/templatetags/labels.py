"""``{{ key|label:"registry" }}``: the back office's words for a key (``backoffice.labels``) in the page's language;
``{{ text|instant|date:"H:i d/m/Y" }}``: an instant kept as ISO 8601 text, in local time."""

from django import template

from motcua.backoffice import labels
from motcua.core.templatetags.motcua import in_language_tag

register = template.Library()


@register.filter
def label(key, kind: str) -> str:
    return in_language_tag(*labels.label(kind, str(key)))


register.filter("instant", labels.instant)
