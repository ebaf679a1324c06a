"""Logins, failures, lockouts and logouts of accounts (the back office, the bundled e-ID provider, the admin)
on the security log, from Django's and django-axes' signals: one place, whichever door was used."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from motcua.core.security_log import security_event


@receiver(user_logged_in, dispatch_uid="motcua.security.login")
def _logged_in(sender, request, user, **kwargs) -> None:
    security_event("login", "success", actor=f"user:{user.get_username()}")


@receiver(user_login_failed, dispatch_uid="motcua.security.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already masked the password in ``credentials``; only the username tried is kept.
    security_event("login", "failure", actor=f"user:{credentials.get('username', '')}")


@receiver(user_locked_out, dispatch_uid="motcua.security.locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs) -> None:
    security_event("login", "locked", actor=f"user:{username}")


@receiver(user_logged_out, dispatch_uid="motcua.security.logout")
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        security_event("logout", "success", actor=f"user:{user.get_username()}")
