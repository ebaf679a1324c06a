from django.urls import path

from motcua.nationalportal import sandbox

# The bundled sandbox national portal (served in the demo and the tests only).
sandbox_urlpatterns = ([
    path("", sandbox.received, name="received"),
    path("token", sandbox.token, name="token"),
    path("integration", sandbox.integration, name="integration"),
], "sandbox_national_portal")
