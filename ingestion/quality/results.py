"""What a validation says about one snapshot: one result per rule, and the verdict."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ingestion.errors import InputError

SAMPLE_SIZE = 5  # sample ids kept per failed rule: enough to look up, short enough to read
READABLE = "readable_and_conformant"


@dataclass(frozen=True)
class RuleResult:
    """One rule on one snapshot. `blocking` rules quarantine the snapshot when they fail;
    the others are warnings that travel with an accepted snapshot."""

    rule: str
    passed: bool
    blocking: bool
    field: str | None = None
    unexpected_count: int = 0
    element_count: int = 0
    sample_ids: tuple[str, ...] = ()
    observed: str = ""

    def describe(self) -> str:
        return one_line(self._describe())

    def _describe(self) -> str:
        where = f" (field {self.field!r})" if self.field else ""
        parts = (
            [f"{self.unexpected_count} of {self.element_count} rows"] if self.element_count else []
        )
        parts += [self.observed] if self.observed else []
        text = f"{self.rule}{where}: {'; '.join(parts) or 'failed'}"
        if self.sample_ids:
            text += f"; e.g. {', '.join(self.sample_ids)}"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "passed": self.passed,
            "blocking": self.blocking,
            "field": self.field,
            "unexpected_count": self.unexpected_count,
            "element_count": self.element_count,
            "sample_ids": list(self.sample_ids),
            "observed": self.observed,
        }


@dataclass(frozen=True)
class Verdict:
    """Whether a snapshot of one day may enter the accepted raw layer, and why (not)."""

    source: str
    day: dt.date
    location: str
    rows: int
    results: tuple[RuleResult, ...] = ()
    admitted_by_operator: bool = False

    @property
    def blocking_failures(self) -> list[RuleResult]:
        return [r for r in self.results if r.blocking and not r.passed]

    @property
    def warnings(self) -> list[RuleResult]:
        return [r for r in self.results if not r.blocking and not r.passed]

    @property
    def accepted(self) -> bool:
        return self.admitted_by_operator or not self.blocking_failures

    def reason(self) -> str:
        failures = self.blocking_failures
        if not failures:
            return "passed"
        return one_line(
            "; ".join(f"{self.source}: {self.location}: {r.describe()}" for r in failures)
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "snapshot_date": self.day.isoformat(),
            "location": self.location,
            "rows": self.rows,
            "accepted": self.accepted,
            "admitted_by_operator": self.admitted_by_operator,
            "reason": self.reason(),
            "results": [r.as_dict() for r in self.results],
        }


def one_line(text: str) -> str:
    """Control characters escaped (`\\n`, `\\x1b`): an id or a file name that holds a newline
    must not split the log line that names it, nor forge a line of its own."""
    return _CONTROL.sub(lambda found: repr(found.group())[1:-1], text)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def unreadable_verdict(day: dt.date, error: InputError) -> Verdict:
    """The verdict on a snapshot that could not even be read or conformed: one blocking
    failure naming the source, the file (or URL) and the field of the error."""
    result = RuleResult(
        READABLE, passed=False, blocking=True, field=error.field, observed=error.message
    )
    return Verdict(error.source, day, error.location, rows=0, results=(result,))


def column_types_result(
    columns: Mapping[str, Any], expected: Mapping[str, Any], names: Iterable[str], *, rows: int
) -> RuleResult:
    """Blocking: each of `names` is among `columns` (a frame's schema) with its `expected` type.
    Checked before a suite runs, since the suite would read missing or mistyped columns."""
    wrong = [
        f"{name}: {columns.get(name, 'missing')} (want {expected[name]})"
        for name in names
        if columns.get(name) != expected[name]
    ]
    return RuleResult(
        READABLE,
        passed=not wrong,
        blocking=True,
        field=", ".join(w.split(":", 1)[0] for w in wrong) or None,
        element_count=rows,
        observed="; ".join(wrong) or "required columns present with their types",
    )
