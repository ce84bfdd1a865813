"""The one exception tree of triage.

Every error a user can cause is a ``TriageError``; the CLI prints it as ``Error: ...`` and
exits non-zero, the API maps it to a 4xx JSON body. Nothing else is translated at the edges.

* TriageError
  + ConfigError                 bad settings or a bad pipeline.toml
  |  + UnknownComponentError    a registry name that does not exist (lists the known ones)
  |  + EncoderUnavailableError  the accurate tier's encoder cannot give what the model reads -> 503
  + ModelNotFoundError          a model directory that is missing or incomplete
  + InputFormatError            a malformed input file (carries path, 1-based line and field)
  + UnsupportedLanguageError    a language the model does not cover (also a ValueError)
  + InvalidRequestError         a request value the service refuses (names the field)    -> 422
  + AuthError                   missing, malformed or unknown API key                    -> 401
  + PermissionDeniedError       the key's role or channels do not allow this             -> 403
  + NotFoundError               no such item, or one the key may not know exists         -> 404
  + ConflictError               the item is leased to someone else, or similar           -> 409
  + RateLimitedError            the key sent too many requests, or too many at once       -> 429
  + UnavailableError            the database stayed locked too long; try again            -> 503

The HTTP status codes are applied in one place, ``triage.service.api.app``.
"""

from __future__ import annotations

__all__ = [
    "AuthError",
    "ConfigError",
    "ConflictError",
    "EncoderUnavailableError",
    "InputFormatError",
    "InvalidRequestError",
    "ModelNotFoundError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitedError",
    "TriageError",
    "UnavailableError",
    "UnknownComponentError",
    "UnsupportedLanguageError",
]


class TriageError(Exception):
    """Base class for every error triage raises on purpose."""

    hint: str | None = None

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint


class ConfigError(TriageError):
    """Invalid settings or model configuration."""


class UnknownComponentError(ConfigError):
    """A component name that is not registered."""


class EncoderUnavailableError(ConfigError):
    """The encoder that runs cannot give the vectors the model's accurate heads read (e.g. layer 6
    without onnxruntime): the accurate tier cannot score here; the fast tier still can."""


class ModelNotFoundError(TriageError):
    """A model directory that does not exist or lacks a required file."""


class UnsupportedLanguageError(TriageError, ValueError):
    """A language code the model does not support."""


class InputFormatError(TriageError):
    """A malformed input record: says which file, which line and what is wrong."""

    def __init__(
        self,
        reason: str,
        *,
        path: str | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
        kind: str | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.field = field
        self.reason = reason
        #: A short slug for counting bad rows (``invalid_json``, ``bad_encoding``, ...), if any.
        self.kind = kind
        where = ":".join(str(p) for p in (path, line) if p is not None)
        what = f"field {field!r}: {reason}" if field else reason
        super().__init__(f"{where}: {what}" if where else what, hint=hint)


class InvalidRequestError(TriageError, ValueError):
    """A request value the service refuses; ``field`` is where it is (``comments.3.text``)."""

    def __init__(self, message: str, *, field: str, hint: str | None = None) -> None:
        self.field = field
        super().__init__(f"{field}: {message}", hint=hint)


class AuthError(TriageError):
    """A request without a valid API key."""


class PermissionDeniedError(TriageError):
    """A valid key whose role or channel scope does not allow the request."""


class NotFoundError(TriageError):
    """An item that does not exist, or that the caller may not learn exists."""


class ConflictError(TriageError):
    """A request that clashes with the item's current state (e.g. leased to another moderator)."""


class RateLimitedError(TriageError):
    """A key over its request rate or its requests-in-flight limit; ``retry_after`` seconds."""

    def __init__(self, message: str, *, retry_after: int, hint: str | None = None) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(message, hint=hint)


class UnavailableError(TriageError):
    """A momentary condition (a database lock held too long): the same request may succeed
    after ``retry_after`` seconds."""

    def __init__(self, message: str, *, retry_after: int = 1, hint: str | None = None) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(message, hint=hint)
