"""JSON lines written by orjson (the batch output's fast path) are byte for byte the lines the
``json`` module writes; whatever orjson would write differently goes the ``json`` way."""

from __future__ import annotations

import datetime as dt
import decimal
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.formats import encode_jsonl, plain_json

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.floats(min_value=-1e-3, max_value=1e-3),
    st.text(alphabet=st.characters(codec=None, categories=None), max_size=12),  # surrogates too
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)), max_leaves=12)
records = st.dictionaries(st.text(max_size=8), values, max_size=6)


@settings(max_examples=400, deadline=None)
@given(st.lists(records, min_size=1, max_size=5))
def test_fast_lines_are_the_json_modules_lines(rows: list[dict]) -> None:
    assert encode_jsonl(rows, [plain_json(r) for r in rows]) == encode_jsonl(rows)


def test_what_orjson_writes_differently_is_not_plain() -> None:
    for value in (1e-05, -3.2e-07, math.nan, math.inf, 2**64, np.float32(0.5), dt.date(2026, 1, 2),
                  decimal.Decimal("1.5"), b"x", (1, 2), {1: "a"}, {"a": [1e-9]}, True.__class__):
        assert not plain_json({"v": value}), value
    for value in (0.0, -0.0, 1e-4, 0.1234, 1e16, 2**63, -(2**63), "é😀", [1, "a", None], {"a": {"b": [0.5]}}):
        assert plain_json({"v": value}), value
    rows = [{"v": "lone \ud800 surrogate"}, {"v": 1e-05}, {"v": math.nan}, {"id": 1, "text": "ok"}]
    assert encode_jsonl(rows, [True, False, False, True]) == encode_jsonl(rows)


def _csv_cell_before(value, *, escape_formulas: bool = False) -> str:
    """csv_cell as it was before its exact-type shortcuts (the reference)."""
    from triage.formats.common import _dumps, neutralise_formula

    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        cell = value if type(value) is str else str(value)
    elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        cell = "|".join(str(v) for v in value)
    else:
        cell = _dumps(value)
    return neutralise_formula(cell) if escape_formulas else cell


class _Str(str):
    pass


@settings(max_examples=500, deadline=None)
@given(st.one_of(values, st.text(alphabet="=+-@\t\r'0123456789.eE ax", max_size=8)), st.booleans())
def test_csv_cells_are_what_they_were(value, escape: bool) -> None:
    from triage.formats.common import csv_cell

    assert csv_cell(value, escape_formulas=escape) == _csv_cell_before(value, escape_formulas=escape)
    if isinstance(value, str):
        assert csv_cell(_Str(value), escape_formulas=escape) == _csv_cell_before(_Str(value), escape_formulas=escape)


def _read_both(text: str) -> tuple[str, str]:
    import json

    from triage.formats.jsonl import _loads

    def read(f):  # type: ignore[no-untyped-def]
        try:
            return repr(f(text))  # repr: -0.0, nan and int versus float told apart
        except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
            return f"error {type(exc).__name__}: {exc}"

    return read(_loads), read(json.loads)


@settings(max_examples=400, deadline=None)
@given(records, st.sampled_from(["", " ", "\t", "\r"]))
def test_jsonl_lines_are_read_as_the_json_module_reads_them(row: dict, space: str) -> None:
    import json

    text = space + json.dumps(row, ensure_ascii=bool(len(row) % 2)) + space
    fast, reference = _read_both(text)
    assert fast == reference


def test_jsonl_lines_orjson_would_read_otherwise_go_the_json_way() -> None:
    lines = ['{"id": 18446744073709551616}', '{"id": -9223372036854775809}', '{"x": 1e400}',
             '{"x": NaN}', '{"x": -Infinity}', '{"x": "\\ud800"}', '\ufeff{"x": 1}', '{"a": 1, "a": 2}',
             '{"x": "a\tb"}', '{"x": 1,}', '[1]', '"text"', '{"x": 123456789012345678901234567890.5}',
             '[' * 3000 + ']' * 3000, '{"x": -0}', '{"x": -0.0}', '{"x": 5e-324}', '{"x": 9.3e18}',
             '{"x": [[{"y": 1.0e19}]]}', '{"x": 9223372036854775807}', '{"x": -9223372036854775808}',
             *('{"x": ' + '[' * depth + ']' * depth + '}' for depth in (500, 950, 1000, 1023, 1100))]
    for text in lines:
        fast, reference = _read_both(text)
        assert fast == reference, text
