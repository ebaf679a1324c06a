"""Private key files on disk (the e-ID provider's key, the development CA's): created readable by their owner
only from the first byte, in a folder only the owner may enter, and refused when other users may read them
(pure Python, no Django)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

OTHERS_MAY_READ = 0o077  # any permission for the group or the world


class ExposedKeyFile(PermissionError):
    """A private key file that users other than its owner may read (or write)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problem = f"the private key file {path} is readable by other users"
        self.hint = f"chmod 600 {path}"
        super().__init__(f"{self.problem}: run `{self.hint}`")


def exposed(path: Path) -> bool:
    """The file exists and its group or others have any permission on it."""
    try:
        return bool(path.stat().st_mode & OTHERS_MAY_READ)
    except FileNotFoundError:
        return False


def exposed_files(paths: list[Path]) -> list[ExposedKeyFile]:
    """The files among ``paths`` that others may read, each as the error that says so (for deployment checks)."""
    return [ExposedKeyFile(path) for path in paths if exposed(path)]


def create(path: Path, content: bytes) -> bool:
    """Write a new key file, mode 0600 from its creation, whole or not at all (written aside, then linked into
    place), its folder made 0700. False when the file already exists (another process got there first: every
    process then uses that one, never a half-written one)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}-") as new:  # created 0600
        new.write(content)
        new.flush()
        os.fsync(new.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(new.name, path)
            return True
    return False


def read(path: Path, *, allow_exposed: bool = False) -> bytes:
    """The key file's content; :class:`ExposedKeyFile` if others may read it (unless ``allow_exposed``: the demo
    accepts the files of a checkout as they are)."""
    if not allow_exposed and exposed(path):
        raise ExposedKeyFile(path)
    return path.read_bytes()
