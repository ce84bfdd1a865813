"""JSON Lines reader."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from triage.formats.common import (
    _JSON_SPACE,
    Row,
    _bad,
    _json_type,
    _lines,
)

if TYPE_CHECKING:
    pass

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - orjson is a dependency; the json module still reads it all
    _orjson = None


def _loads(text: str) -> Any:
    """``json.loads(text)``: the same value, by orjson when it gives the same (2-3x faster per
    line); json reads what orjson refuses (NaN, Infinity, 1e400, lone surrogates, deep nesting)
    and raises its own errors. orjson reads an integer of more than 64 bits as a float where json
    keeps the int: a value with a float that large is read again by json."""
    if _orjson is not None:
        try:
            value = _orjson.loads(text)
        except _orjson.JSONDecodeError:
            return json.loads(text)
        try:
            if not _huge_float(value):
                return value
        except RecursionError:  # nested deeper than Python recurses: json decides
            pass
    return json.loads(text)


def _huge_float(value: Any) -> bool:
    """Whether a float of magnitude 2**63 or more is somewhere in a parsed JSON value."""
    kind = type(value)
    if kind is float:
        return not -9.2e18 < value < 9.2e18
    if kind is dict:
        return any(map(_huge_float, value.values()))
    if kind is list:
        return any(map(_huge_float, value))
    return False


def _scan_jsonl(path: str, start: int, start_line: int, end: int | None) -> Iterator[Row]:
    first = start == 0
    for number, text, after, error in _lines(path, start, start_line, end, lenient=False):
        if error is not None:
            yield Row(number, None, error, after, number + 1)
            continue
        assert text is not None
        if not text.strip(_JSON_SPACE):
            continue
        array_hint = (
            "this looks like one JSON array, not JSON Lines; "
            "convert with: jq -c '.[]' IN > OUT.jsonl"
            if first and text.lstrip(_JSON_SPACE).startswith("[")
            else None
        )
        first = False
        try:
            value = _loads(text)
        except json.JSONDecodeError as exc:
            bad = _bad(path, number, f"invalid JSON: {exc.msg} (column {exc.colno})",
                       "invalid_json", array_hint)
            yield Row(number, None, bad, after, number + 1)
            continue
        except RecursionError:
            bad = _bad(path, number, "invalid JSON: nested too deeply", "invalid_json")
            yield Row(number, None, bad, after, number + 1)
            continue
        except ValueError as exc:  # an integer of more than 4,300 digits (int() refuses it)
            why = ("a number too long to read (Python reads at most 4,300 digits)"
                   if "integer string conversion" in str(exc) else str(exc))
            bad = _bad(path, number, f"invalid JSON: {why}", "invalid_json")
            yield Row(number, None, bad, after, number + 1)
            continue
        if not isinstance(value, dict):
            bad = _bad(path, number, f"expected a JSON object, got {_json_type(value)}",
                       "not_an_object", array_hint)
            yield Row(number, None, bad, after, number + 1)
            continue
        yield Row(number, value, None, after, number + 1)
