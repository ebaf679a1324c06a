"""Officials' second factor, an authenticator app (TOTP): offered to every official, required of administrators
and of the roles in ``SECOND_FACTOR_ROLES``, and once enrolled always asked for. Enrolment is self-service
after the password: the official scans a code and proves it with the first one-time code."""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessFailureLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login

from motcua.core.errors import Forbidden, MotcuaError
from motcua.core.security_log import security_event
from motcua.identity.models import Authenticator, Official
from motcua.identity.notices import notify_factor_change

ENROLMENT_NAME = "authenticator"


def has_authenticator(user) -> bool:
    return Authenticator.objects.filter(user=user, confirmed=True).exists()


def required(official: Official) -> bool:
    """Whether this official may act only after a one-time code."""
    return (official.user.is_staff or official.role in settings.SECOND_FACTOR_ROLES
            or has_authenticator(official.user))


def satisfied(request: HttpRequest, official: Official) -> bool:
    """The session has verified the second factor, or this official needs none."""
    return request.user.is_verified() or not required(official)


def verified_device(user, code: str) -> Authenticator | None:
    """The official's enrolled device that accepts ``code`` (each code once: django-otp keeps the last one used
    and throttles repeated failures)."""
    code = code.strip()
    return next((device for device in Authenticator.objects.devices_for_user(user, confirmed=True)
                 if code and device.verify_token(code)), None)


def pending_enrolment(user) -> Authenticator:
    """The authenticator being enrolled (unconfirmed), made on first call and kept until it is proved."""
    device = Authenticator.objects.filter(user=user, confirmed=False).first()
    return device or Authenticator.objects.create(user=user, name=ENROLMENT_NAME, confirmed=False)


def confirm_enrolment(request: HttpRequest, code: str) -> bool:
    """The first code proves the new authenticator: it replaces any earlier one and verifies this session."""
    device = pending_enrolment(request.user)
    if not code.strip() or not device.verify_token(code.strip()):
        return False
    with transaction.atomic():
        Authenticator.objects.filter(user=request.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    otp_login(request, device)
    notify_factor_change(request.user, "second_factor_enrolled",
                         "Một ứng dụng xác thực mới đã được đăng ký cho tài khoản của bạn.",
                         "A new authenticator app was enrolled for your account.")
    return True


CONFIRMATION_FIELD = "confirmation"
# Wrong confirmations are kept with the login failures (django-axes' log, shared by every process through the
# database, and deleted with them by `motcua retention`), under a path of their own.
STEP_UP_FAILURES = "step-up"
STEP_UP_WINDOW = timedelta(minutes=15)


class StepUpThrottled(MotcuaError):
    status = 429

    def __init__(self) -> None:
        super().__init__("confirmation_throttled",
                         "Đã xác nhận sai quá nhiều lần: hãy chờ 15 phút rồi thử lại.",
                         "Too many wrong confirmations: wait 15 minutes and try again.", CONFIRMATION_FIELD)


def confirm_fresh(username: str, proof: str, what: str) -> None:
    """Step-up before a sensitive act (signing a decision, revoking a document): the official proves, in the
    same request, that they are at the keyboard now, with a fresh one-time code from their authenticator, or
    their password where none is enrolled. An open session or a stolen token alone does not sign, nor may it
    guess: after LOGIN_FAILURE_LIMIT wrong confirmations in 15 minutes, none is checked until the window passes.
    Call it outside a transaction, so that a failure stays recorded when the act is refused."""
    recent_failures = AccessFailureLog.objects.filter(
        username=username, path_info=STEP_UP_FAILURES, attempt_time__gte=timezone.now() - STEP_UP_WINDOW)
    if recent_failures.count() >= settings.AXES_FAILURE_LIMIT:
        security_event("step_up", "rate_limited", actor=f"user:{username}", act=what)
        raise StepUpThrottled()
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    proof = (proof or "").strip()
    enrolled = user is not None and has_authenticator(user)
    confirmed = user is not None and bool(proof) and (
        verified_device(user, proof) is not None if enrolled else user.check_password(proof))
    security_event("step_up", "success" if confirmed else "failure", actor=f"user:{username}", act=what)
    if not confirmed:
        AccessFailureLog.objects.create(username=username, path_info=STEP_UP_FAILURES, user_agent="",
                                        http_accept="", ip_address=None, locked_out=False)
        if enrolled:
            raise Forbidden("confirmation_failed",
                            "Nhập mã 6 chữ số đang hiện trên ứng dụng xác thực của bạn để xác nhận.",
                            "Enter the 6-digit code now shown by your authenticator app to confirm.",
                            CONFIRMATION_FIELD)
        raise Forbidden("confirmation_failed", "Nhập lại mật khẩu của bạn để xác nhận.",
                        "Enter your password again to confirm.", CONFIRMATION_FIELD)
