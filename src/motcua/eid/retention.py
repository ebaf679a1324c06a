"""The bundled provider's expired tokens and grants (motcua.core.retention): deleted by django-oauth-toolkit's
own rules, which know when each kind ends (refresh tokens an hour after issue, REFRESH_TOKEN_EXPIRE_SECONDS)."""

from __future__ import annotations

from datetime import datetime

from oauth2_provider.models import (
    clear_expired,
    get_access_token_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)

from motcua.core.retention import retained

TOKEN_MODELS = (get_access_token_model, get_refresh_token_model, get_id_token_model, get_grant_model)


@retained("oauth_tokens", "the e-ID provider's expired tokens and authorization codes")
def _purge_expired_tokens(before: datetime) -> int:
    def count() -> int:
        return sum(model().objects.count() for model in TOKEN_MODELS)

    kept = count()
    clear_expired()
    return kept - count()
