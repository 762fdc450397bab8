import pytest

from cqo.test import personas  # noqa: F401  (shared fixture)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real PBKDF2 costs ~0.4 s per persona; tests of the login itself still run the real check.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
