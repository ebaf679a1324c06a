"""The provider's own pages: its login (by personal ID number and password) and the authorize endpoint."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from oauth2_provider.views import AuthorizationView

from motcua.eid.models import EidAccount


class EidLoginView(auth_views.LoginView):
    template_name = "eid/login.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.DEMO_MODE:
            context["demo_accounts"] = EidAccount.objects.order_by("id_number")[:10]
        return context


class EidAuthorizationView(AuthorizationView):
    """Asks the person to log in at the provider (not at the back office)."""

    login_url = "eid:login"
