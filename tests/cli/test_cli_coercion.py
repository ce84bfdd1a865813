"""The CLI's option values coerced without pydantic (triage/cli.py, _fast_rule) are typer's:
the same value of the same type, or the same error message, for every parameter of every command."""

from __future__ import annotations

from enum import Enum
from typing import Any

import pytest
import typer.main
from typer._click import Context

from triage import cli

VALUES: list[Any] = [
    "", "0", "1", "007", "2000", "-1", "+3", " 4", "4 ", "1_000", "1.5", "10.0", "0.0", "00.10",
    ".5", "5.", "1e3", "inf", "nan", "abc", "\u0663", "12345678901234567890", "99999999999999.5",
    "local", "LOCAL", "dask", "fast", "accurate", "Fast", "off", "bar", "auto", "jsonl", "table",
    "-", "a/b.jsonl", "models/triage-default", "x\udcff", "é/ß.csv", "10%",
    True, False, 0, 3, -2, 2.5, 0.0, 1.0,
]


def _parameters() -> list[tuple[str, Any, Any]]:
    out = []

    def walk(command: Any, path: str) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}")
        for param in command.params:
            if hasattr(param, "type_descriptor"):
                out.append((f"{path} {param.name}", command, param))

    walk(typer.main.get_command(cli.app), "triage")
    return out


def _outcome(runtime: Any, value: Any, param: Any, ctx: Context) -> tuple[str, Any]:
    try:
        result = runtime.coerce(value, param=param, ctx=ctx)
    except Exception as exc:  # noqa: BLE001 - the error is what is compared
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        return "error", (type(exc).__name__, message)
    return "value", (type(result), result)


PARAMETERS = _parameters()


def test_every_command_parameter_is_seen() -> None:
    names = {name for name, _, _ in PARAMETERS}
    assert {"triage score batch_size", "triage score tier", "triage score model",
            "triage score input", "triage score log_every", "triage score progress"} <= names
    assert len(PARAMETERS) > 60


@pytest.mark.parametrize(("name", "command", "param"), PARAMETERS, ids=[p[0] for p in PARAMETERS])
def test_coercion_is_typers(name: str, command: Any, param: Any) -> None:
    descriptor = param.type_descriptor
    fast, typers = cli._runtime_param(descriptor), cli._build_runtime_param(descriptor)
    ctx = Context(command)
    values = [*VALUES, param.default, None]
    choices = getattr(descriptor, "choices", None) or ()
    values += [c for c in choices if isinstance(c, Enum)]
    for value in values:
        expected = _outcome(typers, value, param, ctx)
        assert _outcome(fast, value, param, ctx) == expected, (name, value)


def test_score_needs_no_pydantic() -> None:
    """`triage score`'s options, defaults included, are all coerced by the rules (the point)."""
    (command,) = [c for n, c, _ in PARAMETERS if n.startswith("triage score ")][:1]
    for param in command.params:
        if hasattr(param, "type_descriptor"):
            runtime = cli._runtime_param(param.type_descriptor)
            assert isinstance(runtime, cli._FastRuntimeParam), param.name
            if param.default is not None:
                runtime.coerce(param.default, param=param, ctx=Context(command))
            assert runtime._typer is None, param.name
