from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import migrations

import motcua.core.sealing


def seal_development_keys(apps, schema_editor):
    """Development keys were stored encrypted with the signing passphrase (or SECRET_KEY when none was set): open
    each one and store it sealed with the key-encryption key instead (the column seals what it stores). A key the
    old passphrase does not open could sign nothing: it is dropped, and the next signature gets a new
    certificate."""
    Certificate = apps.get_model("documents", "Certificate")
    old_passphrase = (settings.SIGNING["PASSPHRASE"] or settings.SECRET_KEY).encode()
    for row in Certificate.objects.exclude(key_pem="").exclude(key_pem__startswith=motcua.core.sealing.SEALED_PREFIX):
        try:
            key = serialization.load_pem_private_key(row.key_pem.encode(), password=old_passphrase)
        except (ValueError, TypeError):
            row.key_pem = ""
        else:
            row.key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()).decode()
        row.save(update_fields=["key_pem"])


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_certificate_system_owner")]

    operations = [
        migrations.AlterField(model_name="certificate", name="key_pem",
                              field=motcua.core.sealing.SealedTextField(blank=True)),
        migrations.RunPython(seal_development_keys, migrations.RunPython.noop),
    ]
