"""API keys, roles and what each role may do.

A key looks like ``trg_AbCdEfGh_<43 random characters>``. Only its SHA-256 is stored, with the
``trg_AbCdEfGh`` prefix as the lookup index; a key is shown once, when it is created.

Roles:

* ``score``    analyze text (stateless); nothing stored, nothing read.
* ``moderate`` analyze, plus ingest, read queues, claim, resolve and relabel in the channels the
               key is scoped to. Another channel's comments do not exist for it (404).
* ``admin``    everything, in every channel, including creating keys.

>>> p = Principal(key_id=1, name="shop-a-bot", role=Role.MODERATE, channels=frozenset({"shop-a"}))
>>> p.may_see("shop-a"), p.may_see("shop-b")
(True, False)
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from triage.errors import InvalidRequestError, PermissionDeniedError

__all__ = [
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "KeyCache",
    "Principal",
    "Role",
    "check_key_request",
    "hash_token",
    "new_token",
    "token_matches",
    "token_prefix",
]

#: The inbox's sign-in cookie: it holds a server-side session's random id, never the API key
#: (HttpOnly, SameSite=Strict; see triage.service.web).
SESSION_COOKIE = "triage_session"
#: Requests that change something and are authorised by the cookie must carry this header
#: (value ``1``). A page of another site cannot send it without a CORS preflight, which fails.
CSRF_HEADER = "X-Triage-CSRF"

_PREFIX = "trg_"
_PREFIX_LEN = len(_PREFIX) + 8


class Role(StrEnum):
    """What a key may do (see the module docstring)."""

    SCORE = "score"
    MODERATE = "moderate"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller: a key's id, name, role and channel scope."""

    key_id: int
    name: str
    role: Role
    channels: frozenset[str]

    @property
    def is_admin(self) -> bool:
        """True for ``admin`` keys, which see every channel."""
        return self.role is Role.ADMIN

    def may_see(self, channel: str) -> bool:
        """True if this key may read and act on ``channel``."""
        return self.is_admin or (self.role is Role.MODERATE and channel in self.channels)

    def require(self, *roles: Role) -> None:
        """Raise :class:`PermissionDeniedError` unless the key has one of ``roles`` or is admin."""
        if self.role not in roles and not self.is_admin:
            allowed = " or ".join(dict.fromkeys(r.value for r in (*roles, Role.ADMIN)))
            raise PermissionDeniedError(
                f"this needs a key with role {allowed}; this key has role {self.role.value}"
            )

    def require_channel(self, channel: str) -> None:
        """Raise unless the key may act on ``channel`` (named by the caller: 403 leaks nothing)."""
        self.require(Role.MODERATE)
        if not self.may_see(channel):
            raise PermissionDeniedError(f"this key is not allowed on channel {channel!r}")

    def visible(self, channel: str | None) -> frozenset[str] | None:
        """Channels a listing may cover: ``{channel}``, the key's own, or ``None`` (all; admin)."""
        self.require(Role.MODERATE)
        if channel is not None:
            self.require_channel(channel)
            return frozenset({channel})
        return None if self.is_admin else self.channels


def new_token() -> str:
    """A fresh random API key."""
    return f"{_PREFIX}{secrets.token_urlsafe(6)[:8]}_{secrets.token_urlsafe(32)}"


def token_prefix(token: str) -> str | None:
    """The stored lookup prefix of a key, or ``None`` if the string cannot be a triage key."""
    if not token.startswith(_PREFIX) or len(token) < _PREFIX_LEN + 2 or not token.isascii():
        return None
    return token[:_PREFIX_LEN]


def hash_token(token: str) -> str:
    """SHA-256 hex digest of a key (keys are long and random: no salt or stretching needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, key_hash: str) -> bool:
    """Constant-time comparison of a presented key with a stored hash."""
    return hmac.compare_digest(hash_token(token), key_hash)


def check_key_request(role: Role, channels: list[str]) -> list[str]:
    """Validate a key's scope: ``moderate`` needs channels, the other roles take none."""
    if role is Role.MODERATE and not channels:
        raise InvalidRequestError(
            "a moderate key needs at least one channel",
            field="channels",
            hint="add --channel NAME (repeat for several)",
        )
    if role is not Role.MODERATE and channels:
        raise InvalidRequestError(
            f"channels only apply to moderate keys, not {role.value}", field="channels"
        )
    return sorted(set(channels))


class KeyCache:
    """API keys verified in the last ``ttl`` seconds, so that a client sending many requests
    costs one database read per ``ttl`` instead of one per request.

    Entries are keyed by the key's SHA-256 (the keys themselves are not kept) and only ever
    hold keys the database accepted: an unknown or revoked key is looked up every time. A key
    revoked elsewhere (another worker process, another machine, ``triage keys revoke``) is still
    accepted here for at most ``ttl`` seconds; :meth:`clear` (called when this process revokes
    a key) ends that at once, also for lookups that were under way when it was called (they
    pass the :attr:`generation` they started in to :meth:`put`). ``ttl`` 0 turns the cache
    off. Thread-safe.

    >>> now = [0.0]
    >>> cache = KeyCache(ttl=2.0, clock=lambda: now[0])
    >>> p = Principal(key_id=1, name="bot", role=Role.SCORE, channels=frozenset())
    >>> cache.put("trg_abcdefgh_secret", p, cache.generation)
    >>> cache.get("trg_abcdefgh_secret") is p
    True
    >>> now[0] = 2.0
    >>> cache.get("trg_abcdefgh_secret") is None
    True
    """

    def __init__(
        self, ttl: float, *, max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._clock = clock
        self._entries: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()
        #: incremented by :meth:`clear`; read it before a database lookup, pass it to put()
        self.generation = 0

    def get(self, token: str) -> Principal | None:
        """The principal of ``token`` if it was verified less than ``ttl`` seconds ago."""
        if self.ttl <= 0:
            return None
        digest = hash_token(token)
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None:
                return None
            if self._clock() >= entry[0]:
                del self._entries[digest]
                return None
            return entry[1]

    def put(self, token: str, principal: Principal, generation: int) -> None:
        """Remember that the database accepted ``token`` in a lookup that began when
        :attr:`generation` was ``generation`` (nothing is kept if it was cleared since)."""
        if self.ttl <= 0:
            return
        with self._lock:
            if generation != self.generation:
                return
            if len(self._entries) >= self.max_entries:
                self._entries.clear()  # many keys at once: start over rather than grow
            self._entries[hash_token(token)] = (self._clock() + self.ttl, principal)

    def clear(self) -> None:
        """Forget every key (a key was revoked: the next request of each one reads the database)."""
        with self._lock:
            self.generation += 1
            self._entries.clear()
