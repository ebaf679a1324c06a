import contextlib
import json

from django.conf import settings
from django.http import Http404, HttpResponseBadRequest, HttpResponseNotAllowed
from django.utils import translation

from motcua.core.text import nul_field


class LanguageMiddleware:
    """Vietnamese unless the person chose English with the switch (cookie): a public portal of
    Vietnam does not follow the browser's Accept-Language."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class KnownMethods:
    """Only the methods the platform answers: TRACE, CONNECT and invented ones get 405 before any view (a view
    that does not check its method would otherwise answer them as a GET)."""

    ALLOWED = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in self.ALLOWED:
            return HttpResponseNotAllowed(self.ALLOWED)
        return self.get_response(request)


class RejectNulCharacters:
    """No text column of PostgreSQL can hold U+0000: a page's input that holds one is refused with a 400
    naming the field, instead of failing deep in the database. What is checked is the decoded input (query
    parameters, form fields and file names, JSON values), so "%00" typed as text is just text. It runs after
    the session and authentication middleware; the API checks its own input as it parses it, after its
    authentication (motcua.api.parsing). A path holding NUL names nothing: 404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            raise Http404("NUL in the path")
        if not request.path.startswith("/api/") and (field := self._nul_field(request)) is not None:
            return HttpResponseBadRequest(f"Trường '{field}' chứa ký tự không hợp lệ (NUL, U+0000).\n"
                                          f"The field '{field}' contains an invalid character (NUL, U+0000).\n",
                                          content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _nul_field(request) -> str | None:
        named = [*request.GET.lists()]  # (name, values) of the query and the form
        if request.method in ("POST", "PUT", "PATCH"):
            if request.content_type == "application/json":
                with contextlib.suppress(ValueError):  # not JSON: the view that expects JSON says so
                    if (found := nul_field(json.loads(request.body))) is not None:
                        return found
            else:
                named += [*request.POST.lists(),
                          *((key, [upload.name for upload in uploads]) for key, uploads in request.FILES.lists())]
        return next((key.replace("\x00", "\\u0000") for key, values in named
                     if nul_field([key, *values]) is not None), None)
