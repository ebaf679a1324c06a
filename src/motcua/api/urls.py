"""REST API (OpenAPI 3 at /api/openapi.json, committed as docs/openapi.json): one router per capability."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, NinjaAPI, Schema

from motcua.api import (
    catalog,
    documents,
    dossiers,
    errors,
    fees,
    groups,
    index,
    notifications,
    offers,
    openapi,
    organisations,
    payments,
    petitions,
    registries,
)
from motcua.api.auth import ActorAuth
from motcua.api.parsing import RefuseNul
from motcua.audit.models import Seal
from motcua.catalog.models import Procedure
from motcua.core import outbox
from motcua.nationalportal.services import health as national_portal_health
from motcua.notifications.services import health as notification_health


class MotcuaAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        """The handler's name: stable when code moves between modules."""
        return operation.view_func.__name__

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        return openapi.complete(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params),
                                self.app_scopes())

    def app_scopes(self) -> dict[str, str]:
        """The scope an app's access token needs for each operation open to apps, by operation id."""
        return {operation.operation_id or self.get_openapi_operation_id(operation): auth.scope
                for _prefix, router in self._routers for path in router.path_operations.values()
                for operation in path.operations for auth in operation.auth_callbacks
                if isinstance(auth, ActorAuth) and auth.scope}


api = MotcuaAPI(
    title="motcua API",
    version="1.0",
    description="One-stop online public services: procedure catalog and dossiers. Errors carry a bilingual "
                "`detail` and field-level `errors` (`field`, `code`, `vi`, `en`).",
    urls_namespace="api",
    parser=RefuseNul(),
)
errors.install(api)
for capability in (catalog, dossiers, groups, documents, payments, fees, registries, index, notifications, offers,
                   petitions, organisations):
    api.add_router("", capability.router)


class HealthOut(Schema):
    ok: bool
    time: datetime
    outbox_backlog_seconds: float = Field(description="How long the oldest unprocessed outbox event has waited")
    last_seal_at: datetime | None = Field(description="When the audit chains were last sealed (none yet: null)")
    notifications_backlog_seconds: float = Field(description="How long the oldest due notification delivery has "
                                                             "waited (no send worker running: it grows)")
    notifications_failed: int = Field(description="Notification deliveries that failed for good (see `motcua "
                                                  "notifications status`)")
    national_portal_backlog_seconds: float = Field(description="How long the oldest dossier change not yet "
                                                               "acknowledged by the national portal has waited")
    national_portal_failed: int = Field(description="Dossiers the national portal refused or could not be "
                                                    "pushed to (see `motcua nationalportal status`)")


@api.get("/health", response=HealthOut, tags=["operations"], summary="Liveness, database and background work")
def health(request: HttpRequest):
    Procedure.objects.exists()
    deliveries = notification_health()
    pushes = national_portal_health()
    return {"ok": True, "time": timezone.now(), "outbox_backlog_seconds": round(outbox.backlog_seconds(), 1),
            "notifications_backlog_seconds": round(deliveries.backlog_seconds, 1),
            "notifications_failed": deliveries.failed,
            "national_portal_backlog_seconds": round(pushes.backlog_seconds, 1),
            "national_portal_failed": pushes.failed,
            "last_seal_at": Seal.objects.order_by("-seq").values_list("sealed_at", flat=True).first()}

