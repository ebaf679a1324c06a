"""URLs when the bundled e-ID provider runs as its own process (MOTCUA_ROOT_URLCONF=motcua.eid.standalone_urls):
only the provider's login and OpenID Connect endpoints, under /eid/ as in the combined site."""

from django.urls import include, path

from motcua.eid.urls import provider_endpoints

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("eid/", include("motcua.eid.urls")),
    path("eid/", include(provider_endpoints)),
]
