from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class CoreConfig(AppConfig):
    name = "motcua.core"
    label = "core"

    def ready(self) -> None:
        # The working folders (SQLite database, static files) are made when the site starts, never when the
        # settings are imported.
        for folder in (settings.STATIC_ROOT, *self._sqlite_folders()):
            Path(folder).mkdir(parents=True, exist_ok=True)

    @staticmethod
    def _sqlite_folders() -> list[Path]:
        return [Path(db["NAME"]).parent for db in settings.DATABASES.values()
                if db["ENGINE"].endswith("sqlite3") and db["NAME"] and db["NAME"] != ":memory:"]
