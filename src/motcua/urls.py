from django.urls import include, path

from motcua.api.urls import api
from motcua.eid.urls import provider_endpoints
from motcua.nationalportal.urls import sandbox_urlpatterns as sandbox_national_portal
from motcua.payments.urls import sandbox_urlpatterns

urlpatterns = [
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("backoffice/", include("motcua.backoffice.urls")),
    path("eid/", include("motcua.eid.urls")),
    path("eid/", include(provider_endpoints)),
    path("xac-thuc/", include("motcua.documents.urls")),
    path("thanh-toan/", include("motcua.payments.urls")),
    path("chi-so/", include("motcua.metrics.urls")),
    path("exchange/v1/", include("motcua.exchange.urls")),
    path("sandbox-gateway/", include(sandbox_urlpatterns)),  # not found outside the demo and the tests
    path("sandbox-dvcqg/", include(sandbox_national_portal)),  # the same
    path("", include("motcua.portal.urls")),
]

handler400 = "motcua.core.error_pages.bad_request"
handler403 = "motcua.core.error_pages.permission_denied"
handler404 = "motcua.core.error_pages.page_not_found"
handler500 = "motcua.core.error_pages.server_error"
