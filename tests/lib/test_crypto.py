import json
import stat

import pytest
from cryptography.fernet import Fernet

from cqo.lib import crypto
from cqo.lib.secrets import load_secrets


def test_it_generates_secrets_once_into_the_data_dir(tmp_path):
    first = load_secrets(tmp_path, environ={})
    second = load_secrets(tmp_path, environ={})
    assert first == second
    path = tmp_path / "secrets.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert set(json.loads(path.read_text())) == {
        "secret_key",
        "data_key",
        "hash_key",
        "ledger_key",
    }
    Fernet(first["data_key"].encode())  # a usable Fernet key


def test_it_prefers_keys_from_the_environment(tmp_path):
    env = {
        "DJANGO_SECRET_KEY": "s",
        "CQO_DATA_KEY": Fernet.generate_key().decode(),
        "CQO_HASH_KEY": "h",
        "CQO_LEDGER_KEY": "l",
    }
    assert load_secrets(tmp_path, environ=env)["hash_key"] == "h"
    assert not (tmp_path / "secrets.json").exists()


def test_it_encrypts_hashes_and_masks(settings):
    token = crypto.encrypt("610113198503140978")
    assert "610113" not in token
    assert crypto.decrypt(token) == "610113198503140978"
    assert crypto.keyed_hash("13800138000") == crypto.keyed_hash("13800138000")
    assert crypto.keyed_hash("13800138000") != crypto.keyed_hash("13800138001")
    assert crypto.mask("13800138000", 3, 4) == "138****8000"
    assert crypto.mask("", 3, 4) == ""


def test_it_still_decrypts_with_a_rotated_out_key(settings):
    old = crypto.encrypt("13800138000")
    settings.CQO_DATA_KEYS = [Fernet.generate_key().decode(), *settings.CQO_DATA_KEYS]
    assert crypto.decrypt(old) == "13800138000"
    new = crypto.encrypt("13800138000")
    settings.CQO_DATA_KEYS = settings.CQO_DATA_KEYS[:1]
    assert crypto.decrypt(new) == "13800138000"


def test_it_fails_loudly_with_the_wrong_key(settings):
    token = crypto.encrypt("13800138000")
    settings.CQO_DATA_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ValueError, match="data key"):
        crypto.decrypt(token)
