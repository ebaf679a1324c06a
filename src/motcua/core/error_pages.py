"""The site's own pages for 400, 403, 404 and 500: in the site's look and the reader's language, and never a
stack trace or the exception's text (that goes to the log only)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template import loader
from django.utils.translation import get_language

from motcua.core.errors import in_language

# status → (title vi, title en, explanation vi, explanation en)
PAGES = {
    400: ("Yêu cầu không hợp lệ", "Bad request",
          "Trang không hiểu được yêu cầu này. Vui lòng quay lại và thử lại.",
          "The site could not understand this request. Please go back and try again."),
    403: ("Không được phép", "Not allowed",
          "Bạn không có quyền xem trang này.",
          "You are not allowed to see this page."),
    404: ("Không tìm thấy trang", "Page not found",
          "Địa chỉ này không có trên cổng. Vui lòng kiểm tra lại đường dẫn hoặc về trang chủ.",
          "There is no such page. Check the address, or go to the home page."),
    500: ("Đã có lỗi xảy ra", "Something went wrong",
          "Hệ thống gặp lỗi khi xử lý yêu cầu. Lỗi đã được ghi lại; vui lòng thử lại sau ít phút.",
          "The system failed to handle this request. The fault has been logged; please try again shortly."),
}


def _render(request: HttpRequest, status: int, *, with_site_context: bool = True) -> HttpResponse:
    language = "en" if (get_language() or "vi").startswith("en") else "vi"
    title_vi, title_en, text_vi, text_en = PAGES[status]
    context = {"status": status, "title": in_language(language, title_vi, title_en),
               "explanation": in_language(language, text_vi, text_en)}
    template = loader.get_template("motcua/error.html")
    if with_site_context:
        return HttpResponse(template.render(context, request), status=status)
    # After a failure the database may be what failed: no context processors (they read it), only what the
    # page's header needs to switch language.
    context |= {"request": request, "csrf_token": get_token(request)}
    return HttpResponse(template.render(context), status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _render(request, 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _render(request, 403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _render(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _render(request, 500, with_site_context=False)
