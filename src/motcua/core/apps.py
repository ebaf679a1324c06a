import os
from pathlib import Path

from django.apps import AppConfig
from django.conf import settings
from django.db.backends.signals import connection_created


def _sqlite_files_private(sender, connection, **kwargs) -> None:
    """The SQLite database holds personal data: readable by the service's own account only (SQLite gives its
    journal files the same mode)."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite" and name and not str(name).startswith((":memory:", "file:")) \
            and os.path.exists(name) and os.stat(name).st_mode & 0o077:
        os.chmod(name, 0o600)


class CoreConfig(AppConfig):
    name = "motcua.core"
    label = "core"

    def ready(self) -> None:
        from motcua.core import outbox  # noqa: F401  (registers what it keeps for a time)

        # The working folders (SQLite database, static files) are made when the site starts, never when the
        # settings are imported.
        for folder in (settings.STATIC_ROOT, *self._sqlite_folders()):
            Path(folder).mkdir(parents=True, exist_ok=True)
        connection_created.connect(_sqlite_files_private, dispatch_uid="motcua.sqlite_files_private")

    @staticmethod
    def _sqlite_folders() -> list[Path]:
        return [Path(db["NAME"]).parent for db in settings.DATABASES.values()
                if db["ENGINE"].endswith("sqlite3") and db["NAME"] and db["NAME"] != ":memory:"]
