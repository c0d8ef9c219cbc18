"""Declared schemas of the sources' JSON answers, and what they refuse as an InputError.

Every field a parser reads is declared (pydantic, strict: no string read as a number, no bool
as an int, no NaN or infinity, numbers bounded to what the stored type holds), and the answer
is validated before any field is used. What does not fit is an InputError naming the source,
the file or URL, and the path of the field (`data[3].architecture`), so the day is quarantined
and never retried as if the network had failed. Extra keys are ignored: sources add fields.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

import pydantic
from pydantic import ConfigDict, Field

from ingestion.errors import InputError

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# Unix seconds of 0001-01-01 .. 9999-12-31: what a datetime holds.
TIMESTAMP_MIN, TIMESTAMP_MAX = -62_135_596_800, 253_402_300_799

Int64 = Annotated[int, Field(ge=INT64_MIN, le=INT64_MAX)]
Finite = Annotated[float, Field(allow_inf_nan=False)]
UnixSeconds = Annotated[float, Field(allow_inf_nan=False, ge=TIMESTAMP_MIN, le=TIMESTAMP_MAX)]
NonEmpty = Annotated[str, Field(min_length=1)]


class Declared(pydantic.BaseModel):
    """The base of a declared answer object: strict types, extra keys ignored, immutable."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


T = TypeVar("T")
_ADAPTERS: dict[Any, pydantic.TypeAdapter] = {}


def validated(kind: type[T] | Any, value: Any, *, source: str, location: str, at: str = "") -> T:
    """`value` as `kind`, or the InputError of its first field that does not fit. `at` is the
    path of `value` in the answer (`data[3]`), prefixed to the field named."""
    adapter = _ADAPTERS.get(kind)
    if adapter is None:
        adapter = _ADAPTERS[kind] = pydantic.TypeAdapter(kind)
    try:
        return adapter.validate_python(value)
    except pydantic.ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        field = join(at, field_path(value, error))
        found = _short(error.get("input"))
        raise InputError(source, location, field or None, f"{error['msg']}, got {found}") from exc


def field_path(value: Any, error: dict[str, Any]) -> str:
    """The error's location as a path in the answer. pydantic's `loc` also names the member of
    a union it tried (`int`, `Architecture`): walking the value keeps only real keys."""
    path, current = "", value
    loc = list(error["loc"])
    for position, key in enumerate(loc):
        if isinstance(current, dict) and isinstance(key, str) and key in current:
            path, current = join(path, key), current[key]
        elif isinstance(current, list) and isinstance(key, int) and 0 <= key < len(current):
            path, current = f"{path}[{key}]", current[key]
        elif error["type"] == "missing" and position == len(loc) - 1 and isinstance(key, str):
            path = join(path, key)
    return path


def join(prefix: str, key: str) -> str:
    if not key:
        return prefix
    if key.startswith("[") or not prefix:
        return f"{prefix}{key}"
    return f"{prefix}.{key}"


def _short(value: Any, limit: int = 80) -> str:
    # `repr`, so a newline inside a value cannot split the log line that quotes it.
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."
