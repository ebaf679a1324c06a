import json
from pathlib import Path

from django.core.management.base import BaseCommand

from motcua.api.urls import api


class Command(BaseCommand):
    help = "Write the API's OpenAPI 3 document (the committed copy lives in docs/openapi.json)."
    requires_system_checks: list[str] = []  # describes the code, not a deployment: runs without one configured

    def add_arguments(self, parser):
        parser.add_argument("target", type=Path, nargs="?", default=Path("docs/openapi.json"))

    def handle(self, *args, target: Path, **options):
        schema = api.get_openapi_schema(path_prefix="/api")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        self.stdout.write(f"wrote {target}")
