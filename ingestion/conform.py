"""Conform a Polars frame to a declared schema, saying exactly what did not fit.

Snapshots come from several places (the public hub-stats archive, our recorded copies, the
live API) whose column sets drift. The rule: a declared column that is missing becomes nulls,
an extra column is dropped and reported, and a value that cannot be cast is an error that names
the field. Nested structs and lists are conformed field by field, so an archive that carries
more struct fields than we declare (safetensors dtypes, baseModels `_id`) still loads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from ingestion.errors import InputError


@dataclass(frozen=True)
class ConformReport:
    missing_columns: list[str] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)


def conform(
    frame: pl.DataFrame, schema: pl.Schema, *, source: str, location: str
) -> tuple[pl.DataFrame, ConformReport]:
    columns: list[pl.Series] = []
    missing: list[str] = []
    for name, target in schema.items():
        if name not in frame.columns:
            missing.append(name)
            columns.append(pl.Series(name, [None] * frame.height, dtype=target))
            continue
        try:
            expr = _conform_expr(pl.col(name), frame.schema[name], target)
            columns.append(frame.select(expr.alias(name)).to_series())
        except (pl.exceptions.PolarsError, TypeError) as exc:
            raise InputError(
                source,
                location,
                name,
                f"expected {target}, got {frame.schema[name]}: {_first_line(exc)}",
            ) from exc
    extra = [c for c in frame.columns if c not in schema]
    conformed = pl.DataFrame(columns, schema=schema) if columns else pl.DataFrame(schema=schema)
    return conformed, ConformReport(missing_columns=missing, extra_columns=extra)


def _conform_expr(expr: pl.Expr, source: pl.DataType, target: pl.DataType) -> pl.Expr:
    if isinstance(target, pl.Struct):
        if not isinstance(source, pl.Struct):
            raise TypeError(f"a struct was expected, not {source}")
        present = {f.name: f.dtype for f in source.fields}
        fields = [
            _conform_expr(expr.struct.field(f.name), present[f.name], f.dtype).alias(f.name)
            if f.name in present
            else pl.lit(None, dtype=f.dtype).alias(f.name)
            for f in target.fields
        ]
        return pl.when(expr.is_null()).then(pl.lit(None, dtype=target)).otherwise(pl.struct(fields))
    if isinstance(target, pl.List):
        if isinstance(source, pl.Null):
            return pl.lit(None, dtype=target)
        if not isinstance(source, pl.List):
            raise TypeError(f"a list was expected, not {source}")
        return expr.list.eval(_conform_expr(pl.element(), source.inner, target.inner))
    _check_kind(source, target)
    if source.is_float() and target.is_integer():
        # A strict cast truncates 1.5 to 1: only whole numbers are counts (pandas writes an int
        # column with nulls as floats). A fraction becomes inf, which the strict cast refuses.
        whole = expr.is_null() | (expr == expr.floor())
        return pl.when(whole).then(expr).otherwise(float("inf")).cast(target, strict=True)
    if isinstance(target, pl.Datetime):
        if source == pl.String:
            return expr.str.to_datetime(time_unit=target.time_unit, time_zone="UTC", strict=True)
        if isinstance(source, pl.Datetime):
            # The hub-stats archive stores naive UTC; the live API says "Z". Both become UTC.
            as_utc = (
                expr.dt.replace_time_zone("UTC")
                if source.time_zone is None
                else expr.dt.convert_time_zone("UTC")
            )
            return as_utc.dt.cast_time_unit(target.time_unit)
    return expr.cast(target, strict=True)


def _check_kind(source: pl.DataType, target: pl.DataType) -> None:
    """A scalar is read only from its own family: polars would cast a struct to a number (and
    keep the struct), a bool or a date to a number, a number to a string, without a word."""
    if isinstance(source, pl.Null) or source == target:
        return
    families = [
        (target.is_integer(), source.is_integer() or source.is_float()),
        (target.is_float(), source.is_numeric()),
        (target == pl.String, source in (pl.String, pl.Categorical) or isinstance(source, pl.Enum)),
        (target == pl.Boolean, source == pl.Boolean),
        (
            isinstance(target, pl.Datetime),
            source in (pl.String, pl.Date) or isinstance(source, pl.Datetime),
        ),
        (isinstance(target, pl.Decimal), source.is_numeric() or source == pl.String),
    ]
    for applies, allowed in families:
        if applies and not allowed:
            raise TypeError(f"a {target} was expected, not {source}")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
