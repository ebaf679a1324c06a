"""Claims the bundled provider puts in ID tokens and userinfo, as a national e-ID does."""

from oauth2_provider.oauth2_validators import OAuth2Validator


class EidClaims(OAuth2Validator):
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "personal_id": "profile",
        "eid_level": "profile",
    }

    def get_additional_claims(self, request):
        account = request.user.eid
        return {
            "personal_id": account.id_number,
            "name": account.full_name,
            "birthdate": account.birth_date.isoformat(),
            "gender": "male" if account.sex == "M" else "female",
            "eid_level": account.level,
            "acr": f"urn:motcua:eid:level{account.level}",
        }
