"""Malware scanners for the files people upload as evidence: one module per scanner in this package,
registered in :data:`SCANNERS`; settings.UPLOAD_SCANNING["SCANNER"] names the one in use. A file is scanned
before anything of its submission is kept."""

from __future__ import annotations

from django.conf import settings

from motcua.core.errors import Unavailable
from motcua.core.plugins import Plugin, PluginRegistry


class ScannerUnavailable(Unavailable):
    def __init__(self, why: str) -> None:
        super().__init__("scanner_unavailable",
                         "Chưa kiểm tra được tệp đính kèm để phòng mã độc nên hồ sơ chưa được nộp; hãy thử lại sau "
                         "ít phút.",
                         "The attached files could not be checked for malware, so nothing was filed; try again in a "
                         "few minutes.")
        self.why = why


class UploadScanner(Plugin):
    label = ""
    scans = True  # False only for the scanner that does not scan (the demo)

    def scan(self, data: bytes) -> str | None:
        """The name of the malware found in ``data``, or None when it is clean; ScannerUnavailable when the
        scanner cannot say."""
        raise NotImplementedError


SCANNERS: PluginRegistry[UploadScanner] = PluginRegistry("upload scanner", UploadScanner, __name__)


def scanner() -> UploadScanner:
    return SCANNERS[settings.UPLOAD_SCANNING["SCANNER"]]()
