"""JSON Lines reader."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

from triage.formats.common import (
    _JSON_SPACE,
    Row,
    _bad,
    _json_type,
    _lines,
)

if TYPE_CHECKING:
    pass


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
            value = json.loads(text)
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
