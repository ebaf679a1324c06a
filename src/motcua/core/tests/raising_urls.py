"""The site's routes plus one that fails, to see the 500 page the site's own handler renders."""

from django.urls import path

from motcua.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401 — the handlers


def fails(request):
    raise RuntimeError("secret detail that must not reach the reader")


urlpatterns = [path("hong/", fails), *urlpatterns]
