"""Private key files are never readable by other users: not while being written, and not afterwards."""

import stat

import pytest

from motcua.core import keyfiles


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_key_file_is_created_private_in_a_private_folder(tmp_path):
    path = tmp_path / "keys" / "signing.pem"
    assert keyfiles.create(path, b"secret")
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    assert keyfiles.read(path) == b"secret"
    assert not keyfiles.create(path, b"another")  # the first one stays
    assert keyfiles.read(path) == b"secret"
    assert [p.name for p in path.parent.iterdir()] == ["signing.pem"]  # nothing left aside


def test_a_key_file_others_may_read_is_refused_with_the_command_that_fixes_it(tmp_path):
    path = tmp_path / "signing.pem"
    path.write_bytes(b"secret")
    path.chmod(0o644)
    with pytest.raises(keyfiles.ExposedKeyFile, match=f"run `chmod 600 {path}`"):
        keyfiles.read(path)
    assert keyfiles.read(path, allow_exposed=True) == b"secret"
    path.chmod(0o600)
    assert keyfiles.read(path) == b"secret"
