from django.conf import settings
from django.db import models


class EidAccount(models.Model):
    """A person's e-ID account at the bundled provider (level 1: self-registered; level 2: verified in person)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="eid")
    id_number = models.CharField(max_length=12, unique=True)
    full_name = models.CharField(max_length=255)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1, choices=[("M", "Nam"), ("F", "Nữ")])
    level = models.PositiveSmallIntegerField(choices=[(1, "Mức 1"), (2, "Mức 2")])

    def __str__(self) -> str:
        return f"{self.id_number} {self.full_name} (level {self.level})"


class EidOrganisation(models.Model):
    """An organisation's e-ID account (level 2): an enterprise or household business, identified by its
    enterprise code (the tax code for an enterprise), that logs in through its legal representative's personal
    e-ID. The relying party checks the representative against the enterprise registry at every login."""

    KINDS = [("enterprise", "Doanh nghiệp"), ("household", "Hộ kinh doanh")]

    code = models.CharField(max_length=20, unique=True)  # enterprise code (mã số doanh nghiệp / hộ kinh doanh)
    tax_code = models.CharField(max_length=14, blank=True)
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=20, choices=KINDS)
    representative = models.ForeignKey(EidAccount, on_delete=models.CASCADE, related_name="organisations")
    representative_role = models.CharField(max_length=100)  # as registered: "Giám đốc", "Chủ hộ kinh doanh"…

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class OrganisationLogin(models.Model):
    """The organisation a person chose to log in for, kept with the authorization code until the token
    endpoint puts it in the ID token, then with the access token it issued (userinfo answers with it)."""

    organisation = models.ForeignKey(EidOrganisation, on_delete=models.CASCADE)
    grant = models.OneToOneField(settings.OAUTH2_PROVIDER_GRANT_MODEL, on_delete=models.CASCADE, null=True,
                                 related_name="organisation_login")
    access_token = models.OneToOneField(settings.OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL, on_delete=models.CASCADE,
                                        null=True, related_name="organisation_login")
