"""No scanning: the demo, and a deployment that has no scanner yet (`motcua check --deploy` warns, W153)."""

from motcua.dossiers.scanners import SCANNERS, UploadScanner


@SCANNERS.register("none")
class NoScanning(UploadScanner):
    label = "none"
    scans = False

    def scan(self, data: bytes) -> str | None:
        return None
