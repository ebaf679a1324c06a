"""The bundled provider as a relying party on the same site reaches it: discovery, keys and the token endpoint
answered in-process, by the same views and django-oauth-toolkit server as over HTTP. A call over HTTP back into
the site would hold a worker while it waits for another one: with a few logins at once every worker waits and
none answers."""

import hashlib
import json
from urllib.parse import urlencode

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import reverse
from oauth2_provider.models import get_access_token_model
from oauth2_provider.oauth2_backends import get_oauthlib_core
from oauth2_provider.views import JwksInfoView
from oauthlib.oauth2 import OAuth2Error

from motcua.eid.views import EidDiscoveryView


class BundledProvider:
    """A motcua.identity.oidc.Provider for the portal's request that is being answered."""

    same_site = True  # the person's login at this provider is this site's session

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def metadata(self) -> dict:
        return self._view_answer(EidDiscoveryView)

    def jwks(self, refresh: bool = False) -> dict:
        return self._view_answer(JwksInfoView)

    def token(self, form: dict[str, str]) -> dict:
        core = get_oauthlib_core()
        # The request's host and scheme make the issuer, as for a call over HTTP. The client authenticates
        # with the secret in the form, never with an Authorization header the browser happened to send.
        headers = {**core.extract_headers(self.request), "Content-Type": "application/x-www-form-urlencoded"}
        for name in ("Authorization", "HTTP_AUTHORIZATION", "HTTP_COOKIE"):
            headers.pop(name, None)
        uri = self.request.build_absolute_uri(reverse("oauth2_provider:token"))
        try:
            _headers, body, _status = core.server.create_token_response(uri, "POST", urlencode(form), headers)
        except OAuth2Error as error:
            body = error.json
        return json.loads(body)

    def token_active(self, token: str, claims: dict) -> bool:
        """The access token's row is still here: revoking deletes it (RFC 7009), and nothing is cached, so a
        revocation holds from the next request on."""
        checksum = hashlib.sha256(token.encode()).hexdigest()
        return get_access_token_model().objects.filter(token_checksum=checksum).exists()

    def _view_answer(self, view_class) -> dict:
        """Kept per process by the address the request came to (the issuer is made of it): the API asks for the
        issuer and keys at every call with an app's token; they change only with the settings."""
        key = (view_class, self.request.build_absolute_uri("/"))
        if key not in _answers:
            view = view_class()
            view.setup(self.request)
            _answers[key] = json.loads(view.get(self.request).content)
        return _answers[key]


_answers: dict[tuple[type, str], dict] = {}


@receiver(setting_changed)
def _forget_answers(**kwargs) -> None:  # the tests change the provider's settings
    _answers.clear()
