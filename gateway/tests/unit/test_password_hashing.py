"""Password hashing: Argon2id with argon2-cffi's RFC 9106 defaults."""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.profiles import CHEAPEST
from gateway.identity.passwords import PasswordHashing


def test_hash_is_argon2id_with_a_fresh_salt_and_verifies_only_the_same_password():
    hashing = PasswordHashing()
    first = hashing.hash("correct horse")
    second = hashing.hash("correct horse")

    assert first.startswith("$argon2id$")
    assert first != second  # a new salt each time
    assert hashing.verify(first, "correct horse")
    assert not hashing.verify(first, "correct horsE")
    assert not hashing.verify(first, "")


def test_default_parameters_are_memory_hard():
    hasher = PasswordHasher()
    assert hasher.type is Type.ID
    assert hasher.memory_cost >= 19 * 1024  # KiB; OWASP's minimum for Argon2id
    assert not PasswordHashing().needs_rehash(PasswordHashing().hash("x"))


def test_a_hash_made_with_weaker_parameters_needs_a_rehash():
    weak = PasswordHashing(PasswordHasher.from_parameters(CHEAPEST)).hash("secret")
    assert PasswordHashing().needs_rehash(weak)
    assert PasswordHashing().verify(weak, "secret")  # still verifies, so login can upgrade it


def test_garbage_instead_of_a_hash_never_verifies():
    hashing = PasswordHashing()
    assert not hashing.verify("not-a-hash", "secret")
    assert hashing.needs_rehash("not-a-hash")


def test_burning_a_verification_for_an_unknown_user_does_not_fail():
    PasswordHashing(PasswordHasher.from_parameters(CHEAPEST)).burn_verification("whatever")
