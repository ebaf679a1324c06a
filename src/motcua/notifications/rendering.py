"""Messages from templates: ``notifications/messages/<language>/<kind>.txt``, one per kind of message and
language, rendered with the event's data. A template's head holds ``subject:`` and ``sms:`` lines, then a line
``---``, then the body (plain text, no HTML escaping). A deployment overrides one by putting a template of the
same name earlier in the template path."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.template import Context, Engine

LANGUAGES = ("vi", "en")


@dataclass(frozen=True)
class Rendered:
    subject: str
    sms: str
    body: str


@cache
def _engine() -> Engine:
    return Engine(app_dirs=True, autoescape=False,
                  libraries={"motcua": "motcua.core.templatetags.motcua"}, builtins=["motcua.core.templatetags.motcua"])


class TemplateProblem(ValueError):
    pass


def render(kind: str, language: str, context: dict[str, Any]) -> Rendered:
    name = f"notifications/messages/{language}/{kind}.txt"
    text = _engine().get_template(name).render(Context({**context, "language": language}))
    head, separator, body = text.lstrip().partition("\n---\n")
    if not separator:
        raise TemplateProblem(f"{name}: no '---' line between the head and the body")
    fields = {}
    for line in head.splitlines():
        key, _, value = line.partition(":")
        if key.strip():
            fields[key.strip().lower()] = " ".join(value.split())
    if not fields.get("subject"):
        raise TemplateProblem(f"{name}: no 'subject:' line")
    return Rendered(fields["subject"][:255], fields.get("sms", "")[:480], body.strip() + "\n")
