"""The password manager of the core, without any framework."""

from __future__ import annotations

import pytest

from fsa_common import ConfigError, PasswordQualityError, read_config
from fsa_common.passwords import PasswordManager


def _manager(**config: object) -> PasswordManager:
    return PasswordManager(read_config({"FSA_TOKEN_SECRET": "s" * 32,
                                        **config}))


def test_default_is_bcrypt_with_the_documented_options() -> None:
    manager = _manager()
    stored = manager.hash("hobbes")
    assert stored.startswith("$2y$04$")
    assert manager.verify("hobbes", stored)
    assert not manager.verify("calvin", stored)


@pytest.mark.parametrize("stored", [
    pytest.param(None, id="unknown-user"),
    pytest.param("garbage", id="malformed-hash"),
    pytest.param("", id="empty-hash"),
])
def test_bad_stored_values_fail_without_raising(stored: str | None) -> None:
    assert _manager().verify("hobbes", stored) is False


@pytest.mark.parametrize("password", [
    pytest.param("x" * 73, id="over-72-bytes"),
    pytest.param("nul\x00inside", id="nul"),
    pytest.param(12, id="not-a-string"),
])
def test_passwords_bcrypt_refuses_fail_cleanly(password: object) -> None:
    manager = _manager()
    assert manager.verify(password, manager.hash("hobbes")) is False


def test_quality_rules_name_the_rule() -> None:
    manager = _manager(FSA_PASSWORD_LEN=8, FSA_PASSWORD_RE=[r"\d", r"[A-Z]"],
                       FSA_PASSWORD_SCHEME="plaintext",
                       FSA_PASSWORD_OPTIONS={})
    with pytest.raises(PasswordQualityError, match="at least 8"):
        manager.hash("Ab1")
    with pytest.raises(PasswordQualityError, match=r"\\d"):
        manager.hash("Abcdefghij")
    with pytest.raises(PasswordQualityError, match=r"\[A-Z\]"):
        manager.hash("abcdefgh1")
    assert manager.hash("Abcdefgh1") == "Abcdefgh1"


def test_none_scheme_disables_passwords() -> None:
    manager = _manager(FSA_PASSWORD_SCHEME=None)
    assert not manager.enabled
    assert manager.verify("hobbes", "hobbes") is False
    with pytest.raises(ConfigError, match="disabled"):
        manager.hash("hobbes")


def test_bad_options_are_a_configuration_error() -> None:
    manager = _manager(FSA_PASSWORD_SCHEME="no_such_scheme")
    with pytest.raises(ConfigError, match="FSA_PASSWORD_SCHEME"):
        manager.hash("hobbes")
