"""The bundled e-ID provider's key is created private and refused once other users may read it."""

import stat

import pytest

from motcua import settings as motcua_settings
from motcua.eid import checks


def test_the_provider_key_file_is_private(monkeypatch, tmp_path, settings):
    path = tmp_path / "eid" / "key.pem"
    monkeypatch.setattr(motcua_settings, "EID_SIGNING_KEY_FILE", path)
    settings.EID_SIGNING_KEY_FILE = path
    assert motcua_settings.eid_signing_key().startswith("-----BEGIN PRIVATE KEY-----")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert checks.eid_signing_key_file(None) == []
    path.chmod(0o644)
    with pytest.raises(PermissionError, match=f"chmod 600 {path}"):
        motcua_settings.eid_signing_key()
    assert [e.id for e in checks.eid_signing_key_file(None)] == ["motcua.E131"]
