"""The demo's SMS gateway: each text is one JSON line appended to MOTCUA_SMS_FILE ("-": standard output), for a
person to read; nothing leaves the machine."""

from __future__ import annotations

import json
import os
import sys

from django.conf import settings
from django.utils import timezone

from motcua.notifications.channels import TransientFailure
from motcua.notifications.sms import SMS_GATEWAYS, SmsGateway


@SMS_GATEWAYS.register("file")
class FileGateway(SmsGateway):
    unicode = True

    def send(self, phone: str, text: str, reference: str) -> str:
        line = json.dumps({"at": timezone.now().isoformat(), "to": phone, "reference": reference, "text": text},
                          ensure_ascii=False) + "\n"
        target = settings.NOTIFICATIONS["SMS_FILE"]
        if target == "-":
            sys.stdout.write(line)
            sys.stdout.flush()
            return reference
        try:
            os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
            with open(target, "a", encoding="utf-8") as out:
                out.write(line)
        except OSError as exc:
            raise TransientFailure(f"cannot write {target}: {exc}") from exc
        return reference
