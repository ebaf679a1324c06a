"""Telling an official that a factor of their account changed (password, authenticator, tokens), so a
change they did not make does not go unnoticed: by e-mail where the account has an address, and always
in the security log."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail

from motcua.core.security_log import security_event


def notify_factor_change(user: AbstractBaseUser, change: str, vi: str, en: str) -> None:
    """``change`` is the event's name in the log; ``vi``/``en`` say what changed, for the person."""
    security_event(change, "success", actor=f"user:{user.get_username()}")
    address = getattr(user, "email", "")
    if address:
        send_mail(subject="motcua: tài khoản của bạn đã thay đổi / your account changed",
                  message=f"{vi}\n{en}\n\nNếu không phải bạn, hãy báo ngay cho quản trị viên.\n"
                          f"If this was not you, tell your administrator at once.\n",
                  from_email=None, recipient_list=[address], fail_silently=True)
