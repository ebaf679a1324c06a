"""E-mail over SMTP (Django's SMTP backend: STARTTLS or implicit TLS, login), one session per batch. Each message
carries a Message-ID made from its delivery, the same on every attempt, so a receiving system can recognise a
repeat (RFC 1047: a worker stopped after the server's final reply and before the delivery was marked sent)."""

from __future__ import annotations

import smtplib
from contextlib import suppress
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from motcua.notifications.channels import CHANNELS, Channel, PermanentFailure, Recipient, TransientFailure

SECURITY = ("none", "starttls", "tls")


def _config() -> dict:
    return settings.NOTIFICATIONS


@CHANNELS.register("email")
class Email(Channel):
    label_vi, label_en = "Thư điện tử", "E-mail"

    @classmethod
    def unavailable(cls) -> str | None:
        if not _config()["SMTP_HOST"] and not settings.DEMO_MODE:
            return "no SMTP server is set (MOTCUA_SMTP_HOST)"
        return None

    @classmethod
    def check(cls) -> list[str]:
        problems = []
        if _config()["SMTP_SECURITY"] not in SECURITY:
            problems.append(f"MOTCUA_SMTP_SECURITY must be one of {', '.join(SECURITY)}")
        if "@" not in parseaddr(_config()["FROM"])[1]:
            problems.append("MOTCUA_NOTIFY_FROM is not an e-mail address ('Name <address@domain>')")
        return problems

    def address(self, recipient: Recipient) -> str:
        return recipient.email

    def __enter__(self) -> Email:
        config = _config()
        if config["SMTP_HOST"]:
            self.connection = get_connection(
                "django.core.mail.backends.smtp.EmailBackend", host=config["SMTP_HOST"], port=config["SMTP_PORT"],
                username=config["SMTP_USER"], password=config["SMTP_PASSWORD"],
                use_tls=config["SMTP_SECURITY"] == "starttls", use_ssl=config["SMTP_SECURITY"] == "tls",
                timeout=config["SMTP_TIMEOUT_SECONDS"])
        else:  # the demo without a server: one .eml file per message
            self.connection = get_connection("django.core.mail.backends.filebased.EmailBackend",
                                             file_path=str(config["MAIL_DIR"]))
        return self

    def __exit__(self, *exc_info) -> None:
        with suppress(OSError, smtplib.SMTPException):  # the session is over either way
            self.connection.close()

    def send(self, delivery, message) -> str:
        domain = parseaddr(_config()["FROM"])[1].rpartition("@")[2] or "motcua.invalid"
        message_id = f"<notification-{delivery.pk}.{message.event_id}@{domain}>"
        language = message.language
        mail = EmailMessage(message.subject(language), message.body(language), _config()["FROM"],
                            [delivery.address], connection=self.connection,
                            headers={"Message-ID": message_id, "Auto-Submitted": "auto-generated",
                                     "Content-Language": language})
        try:
            self.connection.open()  # once per batch: a backend that opens the session itself closes it after each
            mail.send()
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            self._reset()
            raise (PermanentFailure if all(code >= 500 for code in codes) else TransientFailure)(
                f"recipient refused: {exc.recipients}") from exc
        except smtplib.SMTPResponseException as exc:
            self._reset()
            text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
            raise (PermanentFailure if exc.smtp_code >= 500 else TransientFailure)(
                f"{exc.smtp_code} {text}") from exc
        except (smtplib.SMTPException, OSError) as exc:  # disconnected, refused, timed out
            self._reset()
            raise TransientFailure(f"{type(exc).__name__}: {exc}") from exc
        return message_id

    def _reset(self) -> None:
        """After a failure the session may be in any state: the next message opens a new one."""
        try:
            self.connection.close()
        except (OSError, smtplib.SMTPException):
            self.connection.connection = None
