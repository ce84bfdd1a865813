"""API keys and role checks."""

from __future__ import annotations

import pytest

from triage.errors import InvalidRequestError, PermissionDeniedError
from triage.service.auth import (
    Principal,
    Role,
    check_key_request,
    hash_token,
    new_token,
    token_matches,
    token_prefix,
)


def test_keys_are_random_prefixed_and_only_match_their_hash() -> None:
    a, b = new_token(), new_token()
    assert a != b
    assert a.startswith("trg_")
    assert len(a) > 50
    assert token_prefix(a) == a[:12]
    assert token_prefix("nope") is None
    assert token_prefix("trg_ü" * 9) is None
    assert token_matches(a, hash_token(a))
    assert not token_matches(b, hash_token(a))
    assert a not in hash_token(a)


def test_roles_and_channel_scope() -> None:
    mod = Principal(1, "m", Role.MODERATE, frozenset({"a"}))
    score = Principal(2, "s", Role.SCORE, frozenset())
    admin = Principal(3, "x", Role.ADMIN, frozenset())
    assert mod.visible(None) == {"a"}
    assert mod.visible("a") == {"a"}
    assert admin.visible(None) is None
    with pytest.raises(PermissionDeniedError, match="not allowed on channel 'b'"):
        mod.visible("b")
    with pytest.raises(PermissionDeniedError, match="role moderate or admin"):
        score.visible(None)
    with pytest.raises(PermissionDeniedError):
        mod.require(Role.ADMIN)
    admin.require(Role.MODERATE)


def test_key_scope_rules() -> None:
    assert check_key_request(Role.MODERATE, ["b", "a", "a"]) == ["a", "b"]
    assert check_key_request(Role.ADMIN, []) == []
    with pytest.raises(InvalidRequestError, match="at least one channel"):
        check_key_request(Role.MODERATE, [])
    with pytest.raises(InvalidRequestError, match="only apply to moderate"):
        check_key_request(Role.SCORE, ["a"])
