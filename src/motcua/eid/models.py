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
