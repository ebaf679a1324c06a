from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils import translation


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


NUL_MESSAGE = {"vi": "Dữ liệu gửi lên chứa ký tự không hợp lệ (NUL).",
               "en": "The request contains an invalid character (NUL)."}


class RejectNulCharacters:
    """No text column of PostgreSQL can hold U+0000: refuse such input at the door with a 400,
    whatever form, query or JSON body it arrives in, instead of failing deep in the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": NUL_MESSAGE, "errors": [
                    {"field": "body", "code": "nul_character", **NUL_MESSAGE}]}, status=400)
            return HttpResponseBadRequest(f"{NUL_MESSAGE['vi']} / {NUL_MESSAGE['en']}",
                                          content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return True
        if request.method in ("POST", "PUT", "PATCH"):
            if request.content_type == "multipart/form-data":  # files are binary; check the text fields
                return any("\x00" in key or "\x00" in value
                           for key, values in request.POST.lists() for value in values)
            body = request.body
            return b"\x00" in body or b"\\u0000" in body or b"%00" in body
        return False
