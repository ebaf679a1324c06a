"""Officials' accounts, managed by an operator (`motcua officials`): no account exists until one is created,
and a password the operator hands over works once, until the official chooses their own."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from motcua.catalog.models import Agency
from motcua.core.errors import Invalid, NotFound
from motcua.core.security_log import security_event
from motcua.identity.actors import Role
from motcua.identity.models import ApiToken, Authenticator, Official
from motcua.identity.notices import notify_factor_change


def one_time_password() -> str:
    return secrets.token_urlsafe(12)  # 16 characters, 96 bits


def _lapses():
    return timezone.now() + timedelta(hours=settings.ONE_TIME_PASSWORD_HOURS)


def _official(username: str) -> Official:
    official = Official.objects.select_related("user", "agency").filter(user__username=username).first()
    if official is None:
        raise NotFound(f"official {username}")
    return official


@transaction.atomic
def create_official(username: str, agency_code: str, role: str, full_name: str, email: str = "",
                    admin: bool = False) -> tuple[Official, str]:
    """A new official with a one-time password (returned, to hand over; never stored in clear)."""
    if not username.strip() or get_user_model().objects.filter(username=username).exists():
        raise Invalid("username_taken", "Tên đăng nhập đã có hoặc để trống.", "The username is taken or empty.",
                      "username")
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        raise Invalid("unknown_agency", f"Không có cơ quan mã {agency_code}.", f"No agency with code {agency_code}.",
                      "agency")
    if role not in {r.value for r in Role}:
        raise Invalid("unknown_role", "Vai trò là receiver, specialist hoặc leader.",
                      "The role is receiver, specialist or leader.", "role")
    if not full_name.strip():
        raise Invalid("name_required", "Cần họ tên của cán bộ.", "The official's full name is required.", "name")
    password = one_time_password()
    user = get_user_model().objects.create_user(username=username, password=password, email=email, is_staff=admin)
    official = Official.objects.create(user=user, agency=agency, role=role, full_name=full_name.strip(),
                                       password_change_required=True, one_time_password_expires_at=_lapses())
    security_event("official_created", "success", subject=username, agency=agency_code, role=role, admin=admin)
    return official, password


@transaction.atomic
def reset_password(username: str) -> str:
    """A new one-time password; the official's sessions end (their password hash changed)."""
    official = _official(username)
    password = one_time_password()
    official.user.set_password(password)
    official.user.save(update_fields=["password"])
    Official.objects.filter(pk=official.pk).update(password_change_required=True,
                                                   one_time_password_expires_at=_lapses())
    notify_factor_change(official.user, "password_reset", "Mật khẩu của bạn đã được quản trị viên đặt lại.",
                         "Your password was reset by an administrator.")
    return password


@transaction.atomic
def reset_second_factor(username: str) -> None:
    """The official's authenticator is removed: they enrol a new one after their next password login."""
    official = _official(username)
    Authenticator.objects.filter(user=official.user).delete()
    notify_factor_change(official.user, "second_factor_reset",
                         "Ứng dụng xác thực của bạn đã được quản trị viên gỡ bỏ; hãy đăng ký lại khi đăng nhập.",
                         "Your authenticator app was removed by an administrator; enrol again when you log in.")


@transaction.atomic
def deactivate(username: str) -> int:
    """The account logs in no more, its sessions end and its tokens are revoked; the number revoked."""
    official = _official(username)
    official.user.is_active = False
    official.user.save(update_fields=["is_active"])
    security_event("official_deactivated", "success", subject=username)
    return ApiToken.objects.filter(official=official, revoked_at__isnull=True).update(revoked_at=timezone.now())


def password_changed(user) -> None:
    """After the official chose a new password (the change page)."""
    Official.objects.filter(user=user).update(password_change_required=False, one_time_password_expires_at=None)
    notify_factor_change(user, "password_changed", "Mật khẩu tài khoản của bạn vừa được đổi.",
                         "The password of your account was just changed.")
