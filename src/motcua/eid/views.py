"""The provider's own pages: its login (by personal ID number and password), the authorize endpoint, the
discovery document and the end of a session asked by a relying party."""

import json
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from oauth2_provider.exceptions import InvalidOIDCRedirectURIError, OAuthToolkitError
from oauth2_provider.forms import AllowForm
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.views import AuthorizationView, ConnectDiscoveryInfoView, RPInitiatedLogoutView

from motcua.eid.models import EidAccount, EidOrganisation
from motcua.eid.validators import ORGANISATION_SCOPE


def when_bundled(view):
    """Not found unless this site serves the bundled provider (settings.BUNDLED_EID)."""

    @wraps(view)
    def served(request, *args, **kwargs):
        if not settings.BUNDLED_EID:
            raise Http404("the bundled e-ID provider is not served here")
        return view(request, *args, **kwargs)

    return served


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


class OrganisationChoiceForm(AllowForm):
    organisation = forms.CharField(required=False)


class EidAuthorizationView(AuthorizationView):
    """Asks the person to log in at the provider (not at the back office); someone logged in on the same site
    with another kind of account (an official) is asked to log in with an e-ID account. An app's client asks
    the person's consent to the scopes it wants, described in the reader's language (motcua.eid.scopes).

    A login that asks the ``organisation`` scope is an organisation's (level 2): after the person's own login
    they choose, every time, which organisation they represent they log in for; their personal e-ID must be
    level 2 too. Only the choice is made here; the relying party checks it against the enterprise registry."""

    login_url = "eid:login"
    template_name = "eid/authorize.html"
    chosen: EidOrganisation | None = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_eid_account(request.user):
            return redirect_to_login(request.get_full_path(), self.get_login_url(), self.get_redirect_field_name())
        return super().dispatch(request, *args, **kwargs)

    def for_organisation(self, scope: str) -> bool:
        return ORGANISATION_SCOPE in scope.split()

    def organisations(self):
        account = self.request.user.eid
        if account.level < 2:  # an organisation's e-ID is level 2, through a level-2 personal e-ID
            return EidOrganisation.objects.none()
        return EidOrganisation.objects.filter(representative=account).order_by("name")

    def get_form_class(self):
        return OrganisationChoiceForm

    def get(self, request, *args, **kwargs):
        if not self.for_organisation(request.GET.get("scope", "")):
            return super().get(request, *args, **kwargs)
        try:
            scopes, credentials = self.validate_authorization_request(request)
        except OAuthToolkitError as error:
            return self.error_response(error, application=None)
        claims = credentials.get("claims")
        self.oauth2_data = {**credentials, "scopes": scopes, "claims": json.dumps(claims) if claims else None}
        return self.choice_page(self.get_form())

    def choice_page(self, form, status: int = 200):
        return self.render_to_response({"form": form, "organisations": self.organisations(),
                                        "account": self.request.user.eid}, status=status)

    def form_valid(self, form):
        if self.for_organisation(form.cleaned_data.get("scope", "")) and form.cleaned_data.get("allow"):
            self.chosen = self.organisations().filter(code=form.cleaned_data.get("organisation", "")).first()
            if self.chosen is None:
                form.add_error("organisation", "Hãy chọn tổ chức bạn là người đại diện. · Choose the organisation "
                                               "you represent.")  # the provider's pages say both languages
                return self.choice_page(form, status=400)
        return super().form_valid(form)

    def get_template_names(self):
        scope = self.request.POST.get("scope", "") if self.request.method == "POST" else self.request.GET.get(
            "scope", "")
        return ["eid/organisation_choice.html"] if self.for_organisation(scope) else super().get_template_names()

    def create_authorization_response(self, request, scopes, credentials, allow):
        if self.chosen is not None:  # handed to the validator, which keeps it with the code
            credentials = {**credentials, "organisation": self.chosen}
        return super().create_authorization_response(request, scopes, credentials, allow)


class EidDiscoveryView(ConnectDiscoveryInfoView):
    """The discovery document, with the e-ID levels a login may assert (`acr`), the revocation endpoint and
    the introspection endpoint (RFC 7662: a resource server asks whether an access token still holds)."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        metadata = json.loads(response.content)
        metadata["acr_values_supported"] = list(settings.OIDC["ACR_LEVELS"])
        metadata["revocation_endpoint"] = self._get_endpoint_url(request, "revoke-token", required=True)
        metadata["introspection_endpoint"] = self._get_endpoint_url(request, "introspect", required=True)
        response.content = json.dumps(metadata)
        return response


class EidLogoutView(RPInitiatedLogoutView):
    """end_session_endpoint: ends the person's login here and sends them back to the relying party, to exactly
    a registered post_logout_redirect_uri (any loopback port only in the demo, as for redirect URIs)."""

    template_name = "eid/logout.html"

    def validate_post_logout_redirect_uri(self, application, post_logout_redirect_uri):
        super().validate_post_logout_redirect_uri(application, post_logout_redirect_uri)
        if (post_logout_redirect_uri and not oauth2_settings.ALLOW_LOCALHOST_LOOPBACK
                and post_logout_redirect_uri not in application.post_logout_redirect_uris.split()):
            raise InvalidOIDCRedirectURIError("This client does not have this redirect uri registered.")
