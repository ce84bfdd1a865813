"""The one exception tree of triage.

Every error a user can cause is a ``TriageError``; the CLI prints it as ``Error: ...`` and
exits non-zero, the API maps it to a 4xx JSON body. Nothing else is translated at the edges.

* TriageError
  + ConfigError                 bad settings or a bad pipeline.toml
  |  + UnknownComponentError    a registry name that does not exist (lists the known ones)
  + ModelNotFoundError          a model directory that is missing or incomplete
  + InputFormatError            a malformed input file (carries path, 1-based line and field)
  + UnsupportedLanguageError    a language the model does not cover (also a ValueError)
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "InputFormatError",
    "ModelNotFoundError",
    "TriageError",
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
    ) -> None:
        self.path = path
        self.line = line
        self.field = field
        self.reason = reason
        where = ":".join(str(p) for p in (path, line) if p is not None)
        what = f"field {field!r}: {reason}" if field else reason
        super().__init__(f"{where}: {what}" if where else what, hint=hint)
