"""Encryption of personal fields at rest with the keys in ``FIELD_ENCRYPTION_KEYS``."""

from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in settings.FIELD_ENCRYPTION_KEYS])


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode() if token else ""


def encrypted_property(name: str):
    """A model property reading and writing the column ``<name>_encrypted`` in clear
    text (the column holds the value encrypted with the first key)."""
    field = f"{name}_encrypted"

    def get(self) -> str:
        return decrypt(getattr(self, field))

    def set(self, value: str) -> None:
        setattr(self, field, encrypt((value or "").strip()))

    return property(get, set)
