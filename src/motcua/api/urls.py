"""REST API (OpenAPI 3 at /api/openapi.json, committed as docs/openapi.json): one router per capability."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import NinjaAPI

from motcua.api import catalog, documents, dossiers, errors, index, openapi, payments
from motcua.api.parsing import RefuseNul
from motcua.catalog.models import Procedure


class MotcuaAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        """The handler's name: stable when code moves between modules."""
        return operation.view_func.__name__

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        return openapi.complete(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


api = MotcuaAPI(
    title="motcua API",
    version="1.0",
    description="One-stop online public services: procedure catalog and dossiers. Errors carry a bilingual "
                "`detail` and field-level `errors` (`field`, `code`, `vi`, `en`).",
    urls_namespace="api",
    parser=RefuseNul(),
)
errors.install(api)
for capability in (catalog, dossiers, documents, payments, index):
    api.add_router("", capability.router)


@api.get("/health", tags=["operations"], summary="Liveness and database check")
def health(request: HttpRequest):
    Procedure.objects.exists()
    return {"ok": True, "time": timezone.now()}

