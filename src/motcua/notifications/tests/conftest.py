"""Settings that send to the real SMTP server the shared ``smtp_server`` fixture starts."""

from __future__ import annotations

import pytest


@pytest.fixture
def sending(settings, smtp_server, tmp_path):
    """E-mail to the test's SMTP server and SMS to a file; deliveries sent when the test says so."""
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_server.port,
                              "SMTP_SECURITY": "none", "SMS_GATEWAY": "file", "SMS_FILE": str(tmp_path / "sms.log"),
                              "SEND_INLINE": False, "RETRY_SECONDS": 0.0}
    return smtp_server
