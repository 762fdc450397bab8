import base64
import json
import stat

import pytest
from cryptography.fernet import Fernet

from cqo.lib import crypto, gm
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
        "sm4_key",
        "sm2_key",
        "audit_key",
    }
    Fernet(first["data_key"].encode())  # a usable Fernet key
    assert len(base64.urlsafe_b64decode(first["sm4_key"])) == 16
    gm.sm2_public_key(base64.urlsafe_b64decode(first["sm2_key"]))  # a usable SM2 key


def test_it_prefers_keys_from_the_environment(tmp_path):
    env = {
        "DJANGO_SECRET_KEY": "s",
        "CQO_DATA_KEY": Fernet.generate_key().decode(),
        "CQO_HASH_KEY": "h",
        "CQO_LEDGER_KEY": "l",
        "CQO_SM4_KEY": "k",
        "CQO_SM2_KEY": "m",
        "CQO_AUDIT_KEY": "a",
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
    settings.CQO_CRYPTO_SUITE = "international"
    old = crypto.encrypt("13800138000")
    settings.CQO_DATA_KEYS = [Fernet.generate_key().decode(), *settings.CQO_DATA_KEYS]
    assert crypto.decrypt(old) == "13800138000"
    new = crypto.encrypt("13800138000")
    settings.CQO_DATA_KEYS = settings.CQO_DATA_KEYS[:1]
    assert crypto.decrypt(new) == "13800138000"


def test_it_fails_loudly_with_the_wrong_key(settings):
    settings.CQO_CRYPTO_SUITE = "international"
    token = crypto.encrypt("13800138000")
    settings.CQO_DATA_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ValueError, match="data key"):
        crypto.decrypt(token)


def _new_sm4_key() -> str:
    return base64.urlsafe_b64encode(bytes(range(16, 32))).decode()


@pytest.mark.parametrize("suite", ["national", "both"])
def test_it_writes_sm4_gcm_tokens_under_the_national_suite(settings, suite):
    settings.CQO_CRYPTO_SUITE = suite
    token = crypto.encrypt("610113198503140978")
    assert token.startswith("sm4g:") and crypto.token_suite(token) == "national"
    assert "610113" not in token
    assert crypto.decrypt(token) == "610113198503140978"


def test_it_reads_either_suites_tokens_whatever_the_suite(settings):
    settings.CQO_CRYPTO_SUITE = "international"
    fernet = crypto.encrypt("13800138000")
    settings.CQO_CRYPTO_SUITE = "national"
    sm4 = crypto.encrypt("13800138000")
    assert crypto.decrypt(fernet) == crypto.decrypt(sm4) == "13800138000"
    settings.CQO_CRYPTO_SUITE = "international"
    assert crypto.decrypt(sm4) == "13800138000"
    assert crypto.token_suite(crypto.reencrypt(sm4)) == "international"
    settings.CQO_CRYPTO_SUITE = "national"
    assert crypto.token_suite(crypto.reencrypt(fernet)) == "national"


def test_it_fails_loudly_on_a_tampered_sm4_token_or_key_id(settings):
    settings.CQO_CRYPTO_SUITE = "national"
    token = crypto.encrypt("13800138000")
    body = token.rsplit(":", 1)[1]
    flipped = token[: -len(body)] + ("A" if body[0] != "A" else "B") + body[1:]
    with pytest.raises(ValueError, match="SM4"):
        crypto.decrypt(flipped)
    with pytest.raises(ValueError, match="SM4"):
        crypto.decrypt("sm4g:00000000:" + body)


def test_it_rotates_sm4_keys_as_it_does_fernet_keys(settings):
    settings.CQO_CRYPTO_SUITE = "national"
    old = crypto.encrypt("13800138000")
    settings.CQO_SM4_KEYS = [_new_sm4_key(), *settings.CQO_SM4_KEYS]
    assert crypto.decrypt(old) == "13800138000"
    new = crypto.reencrypt(old)
    assert new.split(":")[1] != old.split(":")[1]
    settings.CQO_SM4_KEYS = settings.CQO_SM4_KEYS[:1]
    assert crypto.decrypt(new) == "13800138000"
    with pytest.raises(ValueError, match="SM4"):
        crypto.decrypt(old)


def test_it_hashes_with_hmac_sm3_under_the_national_suite(settings):
    settings.CQO_CRYPTO_SUITE = "international"
    sha = crypto.keyed_hash("13800138000")
    settings.CQO_CRYPTO_SUITE = "national"
    sm3 = crypto.keyed_hash("13800138000")
    assert sm3 != sha and len(sm3) == len(sha) == 64
    assert sm3 == gm.hmac_sm3(settings.CQO_HASH_KEY.encode(), b"13800138000").hex()
    assert crypto.lookup_hashes("13800138000") == [sm3]
    settings.CQO_CRYPTO_SUITE = "both"
    assert crypto.lookup_hashes("13800138000") == [sm3, sha]
