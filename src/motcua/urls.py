from django.urls import include, path

from motcua.api.urls import api

urlpatterns = [
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("backoffice/", include("motcua.backoffice.urls")),
    path("", include("motcua.portal.urls")),
]
