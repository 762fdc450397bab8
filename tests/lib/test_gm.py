"""The national primitives against the standards' own examples."""

import pytest

from cqo.lib import gm

# GB/T 32918.5-2017 Annex A (GM/T 0003.5-2012 附录A): a signature on the recommended curve
# sm2p256v1 with the default user ID 1234567812345678
EXAMPLE_PRIVATE = bytes.fromhex("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8")
EXAMPLE_PUBLIC = bytes.fromhex(
    "04"
    "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
    "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"
)
EXAMPLE_SIGNATURE = bytes.fromhex(
    "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
    "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"
)
# the same example's e = SM3(Z_A ‖ M)
EXAMPLE_E = "F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640"


def test_it_hashes_the_sm3_examples_of_gb_t_32905():
    assert gm.sm3(b"abc").hex() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )
    # the 512-bit example: "abcd" sixteen times
    assert gm.sm3(b"abcd" * 16).hex() == (
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    )


def test_it_encrypts_the_sm4_example_of_gb_t_32907():
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    # the standard gives the one block's encryption: ECB is exactly that
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305
    assert (encryptor.update(key) + encryptor.finalize()).hex() == (
        "681edf34d206965e86b3e94f536e4246"
    )


def test_it_derives_the_example_public_key_of_gb_t_32918():
    assert gm.sm2_public_key(EXAMPLE_PRIVATE) == EXAMPLE_PUBLIC
    assert gm.sm2_valid_public_key(EXAMPLE_PUBLIC)


def test_it_computes_the_example_digest_with_z_a_over_the_default_user_id():
    from gmalg import SM2

    signer = SM2(pk=EXAMPLE_PUBLIC, uid=gm.SM2_DEFAULT_UID)
    z_a = signer._core.entity_info(gm.SM2_DEFAULT_UID, signer._pk)
    assert gm.sm3(z_a + b"message digest").hex() == EXAMPLE_E.lower()


def test_it_verifies_the_example_signature_of_gb_t_32918():
    assert gm.sm2_verify(EXAMPLE_PUBLIC, b"message digest", EXAMPLE_SIGNATURE)


@pytest.mark.parametrize(
    "message, signature, uid",
    [
        (b"message digesT", EXAMPLE_SIGNATURE, gm.SM2_DEFAULT_UID),
        (b"message digest", EXAMPLE_SIGNATURE[:-1] + b"\xab", gm.SM2_DEFAULT_UID),
        (b"message digest", EXAMPLE_SIGNATURE, b"ALICE123@YAHOO.COM"),
        (b"message digest", EXAMPLE_SIGNATURE[:63], gm.SM2_DEFAULT_UID),
        (b"message digest", bytes(64), gm.SM2_DEFAULT_UID),
    ],
)
def test_it_refuses_a_changed_message_signature_or_user_id(message, signature, uid):
    assert not gm.sm2_verify(EXAMPLE_PUBLIC, message, signature, uid)


def test_it_refuses_a_public_key_off_the_curve():
    off = EXAMPLE_PUBLIC[:-1] + bytes([EXAMPLE_PUBLIC[-1] ^ 1])
    assert not gm.sm2_valid_public_key(off)
    assert not gm.sm2_verify(off, b"message digest", EXAMPLE_SIGNATURE)


def test_it_signs_what_it_verifies():
    private = gm.sm2_new_private_key()
    signature = gm.sm2_sign(private, b"checkpoint")
    assert len(signature) == gm.SM2_SIGNATURE_BYTES
    assert gm.sm2_verify(gm.sm2_public_key(private), b"checkpoint", signature)


def test_it_refuses_a_private_key_out_of_range():
    with pytest.raises(gm.NationalCryptoError):
        gm.sm2_sign(bytes(32), b"x")


def test_it_round_trips_sm4_gcm_and_detects_tampering():
    key = bytes(range(16))
    sealed = gm.sm4_gcm_encrypt(key, b"610113198503140978", b"aad")
    assert gm.sm4_gcm_decrypt(key, sealed, b"aad") == b"610113198503140978"
    assert gm.sm4_gcm_encrypt(key, b"same", b"") != gm.sm4_gcm_encrypt(key, b"same", b"")
    for i in (0, 12, len(sealed) - 1):  # the nonce, the ciphertext, the tag
        changed = sealed[:i] + bytes([sealed[i] ^ 1]) + sealed[i + 1 :]
        with pytest.raises(gm.NationalCryptoError):
            gm.sm4_gcm_decrypt(key, changed, b"aad")
    with pytest.raises(gm.NationalCryptoError):
        gm.sm4_gcm_decrypt(key, sealed, b"other aad")
    with pytest.raises(gm.NationalCryptoError):
        gm.sm4_gcm_decrypt(bytes(16), sealed, b"aad")


def test_it_computes_hmac_sm3_as_rfc_2104():
    import hashlib

    # HMAC by hand, over SM3: H((K ^ opad) ‖ H((K ^ ipad) ‖ m)) with the key padded to 64 bytes
    key, message = b"key", b"The quick brown fox jumps over the lazy dog"
    padded = key.ljust(64, b"\0")
    inner = gm.sm3(bytes(b ^ 0x36 for b in padded) + message)
    outer = gm.sm3(bytes(b ^ 0x5C for b in padded) + inner)
    assert gm.hmac_sm3(key, message) == outer
    assert outer != hashlib.sha256(message).digest()
