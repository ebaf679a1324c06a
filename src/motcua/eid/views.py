"""The provider's own pages: its login (by personal ID number and password) and the authorize endpoint."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from oauth2_provider.views import AuthorizationView

from motcua.eid.models import EidAccount


def is_eid_account(user) -> bool:
    return user.is_authenticated and EidAccount.objects.filter(user=user).exists()


class EidLoginForm(AuthenticationForm):
    """Only e-ID accounts log in here: a back-office account has no e-ID identity to assert."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not is_eid_account(user):
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login",
                                  params={"username": self.username_field.verbose_name})


class EidLoginView(auth_views.LoginView):
    template_name = "eid/login.html"
    authentication_form = EidLoginForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.DEMO_MODE:
            context["demo_accounts"] = EidAccount.objects.order_by("id_number")[:10]
        return context


class EidAuthorizationView(AuthorizationView):
    """Asks the person to log in at the provider (not at the back office); someone logged in on the same site
    with another kind of account (an official) is asked to log in with an e-ID account."""

    login_url = "eid:login"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_eid_account(request.user):
            return redirect_to_login(request.get_full_path(), self.get_login_url(), self.get_redirect_field_name())
        return super().dispatch(request, *args, **kwargs)
