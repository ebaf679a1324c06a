"""Nothing left untranslated: every message the code and the templates ask for has its Vietnamese translation,
compiled; no template writes text of its own outside the translation tags; and the pages a citizen and an
official open read wholly in the language chosen."""

import ast
import gettext
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.template.base import Lexer, TokenType
from django.test import Client
from django.utils import timezone
from django.utils.translation.template import templatize

from motcua.demo import seeding
from motcua.demo.testing import log_in_citizen, log_in_official

SOURCE = Path(__file__).resolve().parents[1]
CATALOG = SOURCE / "locale" / "vi" / "LC_MESSAGES"
TEMPLATES = sorted(SOURCE.glob("*/templates/**/*.html"))

STRING = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
# {% translate %} and {% blocktranslate %} as templatize() renders them: gettext("…"), ngettext("…", "…", n)
TEMPLATE_MESSAGE = re.compile(rf"(?<![\w.])n?gettext\(\s*({STRING})")
PYTHON_GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext"}


def po_messages(text: str) -> tuple[dict, list[str]]:
    """The .po file's translations (msgid → msgstr; (msgid, n) → msgstr[n] for plural forms) and its fuzzy
    msgids; obsolete entries (#~) are no translations."""
    messages, fuzzy = {}, []
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        key = None
        for line in block.strip().splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy.append(block)
            elif line.startswith('"'):
                fields[key] += ast.literal_eval(line)
            elif not line.startswith("#"):
                key, value = line.split(" ", 1)
                fields[key] = ast.literal_eval(value)
        if "msgid_plural" in fields:
            messages.update({(fields["msgid"], int(k[7:-1])): v for k, v in fields.items() if k.startswith("msgstr[")})
        elif "msgid" in fields and fields["msgid"]:
            messages[fields["msgid"]] = fields["msgstr"]
    return messages, fuzzy


def asked_for() -> dict[str, str]:
    """Every message the code and the templates ask for → where."""
    found = {}
    for path in SOURCE.rglob("*.py"):
        if "tests" not in path.parts:
            found.update({call.args[0].value: path for call in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                          if isinstance(call, ast.Call) and getattr(call.func, "id", None) in PYTHON_GETTEXT
                          and isinstance(call.args[0], ast.Constant)})
    for path in TEMPLATES:
        found.update({ast.literal_eval(call.group(1)): path
                      for call in TEMPLATE_MESSAGE.finditer(templatize(path.read_text(encoding="utf-8"), str(path)))})
    return {msgid: str(path.relative_to(SOURCE)) for msgid, path in found.items()}


def test_every_message_is_translated_and_compiled():
    messages, fuzzy = po_messages((CATALOG / "django.po").read_text(encoding="utf-8"))
    assert not fuzzy
    assert not [msgid for msgid, msgstr in messages.items() if not msgstr]
    with (CATALOG / "django.mo").open("rb") as compiled:
        assert {k: v for k, v in gettext.GNUTranslations(compiled)._catalog.items() if k} == messages, \
            "django.mo is not django.po compiled: motcua compilemessages"
    translated, asked = {key[0] if isinstance(key, tuple) else key for key in messages}, asked_for()
    missing = {msgid: where for msgid, where in asked.items() if msgid not in translated}
    assert not missing, "not in django.po (motcua makemessages -l vi, then translate): " + repr(missing)
    assert not translated - asked.keys(), "in django.po but asked for nowhere any more"


# Words a template may write as they are: names and formats read alike in both languages, and each language's
# own name on the switch between them.
SAME_IN_BOTH = {"motcua", "backoffice", "PDF", "JPEG", "PNG", "MB", "CSV", "Excel", "VI", "EN", "Tiếng", "Việt",
                "English", "ca", "pem", "crl", "der", "UB", "ND", "CP", "prefill"}
# Templates written whole in each language, or standing in for another party's system
WRITTEN_IN_EACH_LANGUAGE = {
    "portal/templates/portal/privacy.html",  # the notice in full in each language, {% if LANG == "en" %}
    "payments/templates/payments/sandbox_pay.html",  # the payment gateway's stand-in (its own look and language)
    "payments/templates/payments/sandbox_error.html",
    "nationalportal/templates/nationalportal/sandbox_received.html",  # the national portal's stand-in
}
VERBATIM_BLOCKS = {"blocktranslate": "endblocktranslate", "comment": "endcomment", "verbatim": "endverbatim"}
HTML_TAG = re.compile(r"<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")
READ_ATTRIBUTE = re.compile(r"""\b(?:title|aria-label|placeholder|alt)=["']([^"']*)""")
WORD = re.compile(r"[^\W\d_]{2,}")


def written_words(template: str) -> set[str]:
    """The words a template writes itself: its text and read attributes outside the tags that translate."""
    text, until = [], None
    for token in Lexer(template).tokenize():
        name = token.contents.split(" ", 1)[0]
        if token.token_type == TokenType.BLOCK and (until == name or (until is None and name in VERBATIM_BLOCKS)):
            until = None if until else VERBATIM_BLOCKS[name]
        elif token.token_type == TokenType.TEXT and until is None:
            text.append(token.contents)
    html = "".join(text)
    read = " ".join(READ_ATTRIBUTE.findall(html)) + " " + HTML_TAG.sub(" ", html)
    return set(WORD.findall(read.replace("&nbsp;", " ")))


def test_templates_write_no_text_of_their_own():
    """Every text a page shows comes through {% translate %}, {% blocktranslate %} or {% in_language %}: a
    template writes none itself, which would read the same in both languages."""
    found = {str(path.relative_to(SOURCE)): words for path in TEMPLATES
             if (words := written_words(path.read_text(encoding="utf-8")) - SAME_IN_BOTH)
             and str(path.relative_to(SOURCE)) not in WRITTEN_IN_EACH_LANGUAGE}
    assert not found


# --- The pages, read in each language ------------------------------------------------------------------------------

VIETNAMESE_LETTER = re.compile("[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I)
LETTER = re.compile(r"[^\W\d_]")


def _text(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def labels_in_code(tree: ast.AST) -> Iterator[tuple[str, str | None]]:
    """The labels Python code writes: (Vietnamese, English) pairs in a tuple or a call's arguments, {"vi": …,
    "en": …} dictionaries, and a choice's (code, Vietnamese label)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keyed = {_text(k): _text(v) for k, v in zip(node.keys, node.values, strict=True) if k is not None}
            if keyed.get("vi"):
                yield keyed["vi"], keyed.get("en")
        elif isinstance(node, ast.Call) or isinstance(node, ast.Tuple) and len(node.elts) == 2:
            texts = [_text(v) for v in (node.elts if isinstance(node, ast.Tuple)
                                        else [*node.args, *(k.value for k in node.keywords)])]
            for vi, en in zip(texts, texts[1:], strict=False):
                if vi and en and VIETNAMESE_LETTER.search(vi) and LETTER.search(en) and not VIETNAMESE_LETTER.search(en):
                    yield vi, en
            if isinstance(node, ast.Tuple) and texts[0] and texts[1] and not VIETNAMESE_LETTER.search(texts[0]) \
                    and VIETNAMESE_LETTER.search(texts[1]):
                yield texts[1], None


def vocabularies() -> tuple[set[str], set[str]]:
    """The texts pages are made of, in Vietnamese and in English: the catalog's translations, the templates'
    {% in_language %} pairs, the labels the code writes, and the data held in both languages (an agency's or a
    procedure's name_vi and name_en …)."""
    messages, _ = po_messages((CATALOG / "django.po").read_text(encoding="utf-8"))
    pairs = [(msgstr, msgid) for msgid, msgstr in messages.items() if isinstance(msgid, str)]
    for path in TEMPLATES:
        for token in Lexer(path.read_text(encoding="utf-8")).tokenize():
            if token.token_type == TokenType.BLOCK and token.contents.startswith("in_language "):
                vi, en = token.split_contents()[1:3]
                if vi[0] == en[0] == '"':
                    pairs.append((vi[1:-1], en[1:-1]))
    for path in SOURCE.rglob("*.py"):
        if not {"tests", "demo", "migrations"} & set(path.parts):
            pairs += labels_in_code(ast.parse(path.read_text(encoding="utf-8")))
    for model in apps.get_models():
        fields = {f.name for f in model._meta.concrete_fields}
        for field in (f[:-3] for f in fields if f.endswith("_vi") and f"{f[:-3]}_en" in fields):
            pairs += model.objects.exclude(**{f"{field}_en": ""}).values_list(f"{field}_vi", f"{field}_en")
    vietnamese = {vi for vi, en in pairs if vi != en}
    return vietnamese, {en for vi, en in pairs if en and en != vi} - vietnamese


class PageText(HTMLParser):
    """What a page says, piece by piece (its text, and the titles, labels and placeholders read out), each with
    the language it is marked in: the page's, or a lang="…" of the element holding it."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
    SILENT = {"script", "style"}
    READ = {"title", "aria-label", "placeholder", "alt"}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, str]] = []  # (tag, language)
        self.pieces: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        language = attributes.get("lang") or (self.open[-1][1] if self.open else "")
        self.pieces += [(language, value) for name, value in attrs if name in self.READ and value]
        if tag not in self.VOID:
            self.open.append((tag, language))

    def handle_endtag(self, tag) -> None:
        while self.open and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data) -> None:
        if data.strip() and self.open and self.open[-1][0] not in self.SILENT:
            self.pieces.append((self.open[-1][1], data.strip()))


SEPARATOR = re.compile(r" · | — |: ")
AFTERWORD = re.compile(r" \([^()]*\)$")  # "Đăng ký khai sinh (1.001193)"


def parts_of(text: str) -> set[str]:
    """A text and what it is put together from: "Trần Thị Thu · Cán bộ một cửa" → its name and its role."""
    parts = [text, *SEPARATOR.split(text)]
    return {p.strip(" .:*") for p in parts + [AFTERWORD.sub("", p) for p in parts]} - {""}


def pages_of_a_commune(client: Client) -> dict[str, list[str]]:
    """Who opens what: the public, a citizen with dossiers in every state, an interlinked group's applicant and
    the commune's reception officer, over the demo commune's dossiers, petitions and results."""
    from motcua.documents.models import IssuedDocument
    from motcua.dossiers.models import Dossier, DossierGroup

    an = seeding.DEMO_CITIZENS[0].id_number
    commune = seeding.DEMO_AGENCIES["hoankiem"]
    mine = Dossier.objects.filter(applicant_id_number=an).values_list("code", flat=True)
    held = Dossier.objects.filter(agency__code=commune).values_list("code", flat=True)
    return {
        "public": ["/", "/thu-tuc/?q=khai+sinh", "/thu-tuc/1.001193/", "/tra-cuu/", f"/tra-cuu/{held[0]}",
                   "/phan-anh-kien-nghi/", "/quyen-rieng-tu/", "/xac-thuc/",
                   f"/xac-thuc/{IssuedDocument.objects.filter(kind='result').first().id}", "/chi-so/",
                   "/chi-so/tinh/01/", "/chi-so/xa/00070/", f"/chi-so/co-quan/{commune}/", "/chi-so/bo/BTP/",
                   "/eid/dang-nhap/", "/backoffice/dang-nhap/", "/khong-co-trang-nay/"],
        "citizen": ["/ho-so/", *(f"/ho-so/{code}/" for code in mine), "/thu-tuc/1.001193/nop/",
                    "/lien-thong/LT.KHAISINH/", "/kho-du-lieu/", "/ai-da-xem-du-lieu/", "/uy-quyen/", "/to-chuc/",
                    "/phan-anh-kien-nghi/gui/", "/phan-anh-kien-nghi/cua-toi/", "/thong-bao/", "/thong-bao/cai-dat/",
                    "/phien-dang-nhap/", f"/ho-so/{Dossier.objects.exclude(applicant_id_number=an).first().code}/"],
        "group applicant": [f"/ho-so-lien-thong/{DossierGroup.objects.get().code}/"],
        "official": ["/backoffice/", *(f"/backoffice/ho-so/{code}/" for code in held), "/backoffice/tiep-nhan/",
                     "/backoffice/tiep-nhan/1.001193/", "/backoffice/thong-bao/", "/backoffice/phan-anh-du-lieu/",
                     "/backoffice/phan-anh-kien-nghi/", "/backoffice/doi-soat-thanh-toan/", "/backoffice/bieu-phi/",
                     "/backoffice/doi-soat-du-lieu/", "/backoffice/trao-doi-du-lieu/", "/backoffice/doi-mat-khau/",
                     "/backoffice/phien-dang-nhap/", f"/backoffice/ho-so/{mine.exclude(agency__code=commune)[0]}/"],
    }


@pytest.mark.django_db
def test_each_page_reads_in_the_language_chosen(seeded, django_capture_on_commit_callbacks):
    """In English no text the site has in Vietnamese (a label, a status, an agency's or a procedure's name), in
    Vietnamese none it has in English; what only exists in one language (a person's name, a place, what someone
    wrote) is data. A piece marked lang="…" is in that language on purpose."""
    from motcua.dossiers.models import DossierGroup

    with django_capture_on_commit_callbacks(execute=True):  # the index's roll-ups follow the seeded dossiers
        seeding.seed_dossiers()
        seeding.seed_ministry_dossiers(timezone.now())
        seeding.seed_petitions()
        seeding.seed_demo_offers()
    group = DossierGroup.objects.get()
    clients = {"public": Client(), "citizen": log_in_citizen(Client()),
               "group applicant": log_in_citizen(Client(), SimpleNamespace(
                   id_number=group.applicant_id_number, name=group.applicant_name, eid_level=2)),
               "official": log_in_official(Client(), "hoankiem.motcua")}
    vietnamese, english = vocabularies()
    other = {"en": vietnamese, "vi": english}
    found = []
    for who, paths in pages_of_a_commune(clients["public"]).items():
        for language in ("vi", "en"):
            clients[who].cookies[settings.LANGUAGE_COOKIE_NAME] = language
            for path in paths:
                page = clients[who].get(path)
                assert page.status_code in (200, 403, 404), (path, page.status_code)
                reader = PageText()
                reader.feed(page.content.decode())
                found += [(language, path, part) for marked, text in reader.pieces if marked == language
                          for part in parts_of(text) if part in other[language]]
    assert not found, "\n".join(map(str, found))
