"""Claims the bundled provider puts in ID tokens and userinfo, as a national e-ID does, and the redirect URIs
it accepts."""

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings


def acr_of_level(level: int) -> str:
    """The `acr` value asserting an e-ID level (settings.OIDC["ACR_LEVELS"] maps each value to its level)."""
    return next(acr for acr, acr_level in settings.OIDC["ACR_LEVELS"].items() if acr_level == level)


class EidClaims(OAuth2Validator):
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "personal_id": "profile",
        "eid_level": "profile",
        "acr": "openid",
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
        }

    def validate_redirect_uri(self, client_id, redirect_uri, request, *args, **kwargs):
        """Exactly a registered URI: django-oauth-toolkit lets a loopback URI use any port (RFC 8252, meant
        for native apps), which only the demo allows."""
        if oauth2_settings.ALLOW_LOCALHOST_LOOPBACK:
            return super().validate_redirect_uri(client_id, redirect_uri, request, *args, **kwargs)
        return redirect_uri in request.client.redirect_uris.split()
