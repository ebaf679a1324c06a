"""Claims the bundled provider puts in ID tokens and userinfo, as a national e-ID does, and the redirect URIs
it accepts."""

from django.conf import settings
from oauth2_provider.models import AccessToken, Grant
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings

from motcua.eid.models import EidOrganisation, OrganisationLogin

ORGANISATION_SCOPE = "organisation"  # asks to log in for an organisation the person represents


def acr_of_level(level: int) -> str:
    """The `acr` value asserting an e-ID level (settings.OIDC["ACR_LEVELS"] maps each value to its level)."""
    return next(acr for acr, acr_level in settings.OIDC["ACR_LEVELS"].items() if acr_level == level)


class EidClaims(OAuth2Validator):
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "personal_id": "profile",
        "eid_level": "profile",
        "acr": "openid",
        "organisation": ORGANISATION_SCOPE,
    }

    def get_additional_claims(self):
        """Each claim read from the e-ID account of the request's user; declared without a request, so the
        discovery document lists them in claims_supported."""
        return {
            "personal_id": lambda request: request.user.eid.id_number,
            "name": lambda request: request.user.eid.full_name,
            "birthdate": lambda request: request.user.eid.birth_date.isoformat(),
            "gender": lambda request: "male" if request.user.eid.sex == "M" else "female",
            "eid_level": lambda request: request.user.eid.level,
            "acr": lambda request: acr_of_level(request.user.eid.level),
            "organisation": organisation_claim,
        }

    def _create_authorization_code(self, request, code, expires=None):
        """The organisation chosen at the provider's login is kept with the code it is sent back with."""
        grant = super()._create_authorization_code(request, code, expires)
        if chosen := getattr(request, "organisation", None):
            OrganisationLogin.objects.create(organisation=chosen, grant=grant)
        return grant

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        valid = super().validate_code(client_id, code, client, request, *args, **kwargs)
        if valid:
            login = OrganisationLogin.objects.select_related("organisation__representative").filter(
                grant__in=Grant.objects.filter(code=code, application=client)).first()
            request.organisation = login.organisation if login else None
        return valid

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        """A refreshed login stays the organisation's it was (read before rotation ends the old token)."""
        valid = super().validate_refresh_token(refresh_token, client, request, *args, **kwargs)
        previous = getattr(getattr(request, "refresh_token_instance", None), "access_token", None)
        login = OrganisationLogin.objects.filter(access_token=previous).first() if previous else None
        request.organisation = login.organisation if login else None
        return valid

    def _create_access_token(self, expires, request, token, source_refresh_token=None):
        access_token = super()._create_access_token(expires, request, token, source_refresh_token)
        if chosen := getattr(request, "organisation", None):
            OrganisationLogin.objects.create(organisation=chosen, access_token=access_token)
        return access_token

    def validate_redirect_uri(self, client_id, redirect_uri, request, *args, **kwargs):
        """Exactly a registered URI: django-oauth-toolkit lets a loopback URI use any port (RFC 8252, meant
        for native apps), which only the demo allows."""
        if oauth2_settings.ALLOW_LOCALHOST_LOOPBACK:
            return super().validate_redirect_uri(client_id, redirect_uri, request, *args, **kwargs)
        return redirect_uri in request.client.redirect_uris.split()


def chosen_organisation(request) -> EidOrganisation | None:
    """The organisation this login is for: chosen at the login (authorization and token requests), or kept with
    the access token presented (userinfo)."""
    if (chosen := getattr(request, "organisation", None)) is not None:
        return chosen
    token = getattr(request, "access_token", None)
    if isinstance(token, AccessToken):
        login = OrganisationLogin.objects.select_related("organisation__representative").filter(
            access_token=token).first()
        return login.organisation if login else None
    return None


def organisation_claim(request) -> dict | None:
    """The `organisation` claim: the enterprise code, name and kind, and the person who logs in for it as its
    representative (their ID number and role). Access tokens carry it too."""
    organisation = chosen_organisation(request)
    if organisation is None:
        return None
    return {"code": organisation.code, "tax_code": organisation.tax_code, "name": organisation.name,
            "kind": organisation.kind, "representative_id": organisation.representative.id_number,
            "representative_role": organisation.representative_role}
