"""Verdicts as Dagster asset check results, for every daily raw asset (Hub, prices, rankings).

A raw asset validates each day before storing it (`orchestration.defs.quality.ingest`, see
docs/quality.md) and reports the run's verdicts through one blocking check; this module only
builds the check results. Severity:
- passed: every day with a snapshot was accepted;
- WARN: some days were quarantined and kept out of the raw layer, the others were stored, so
  downstream runs on them (a quarantined day is simply a gap for dbt);
- ERROR: days were quarantined and none was accepted: the run brought nothing trustworthy, so
  the blocking check stops downstream and the run fails loudly.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import dagster as dg

from ingestion.quality.counters import COUNTER_CORRECTIONS
from ingestion.quality.results import RuleResult, Verdict

MAX_TABLE_ROWS = 50  # rows of a Markdown table in the UI; the full results are in reason.json


def suite_check_result(
    check_name: str, verdicts: Sequence[Verdict], quarantine_dir: Path
) -> dg.AssetCheckResult:
    quarantined = [v for v in verdicts if not v.accepted]
    accepted = [v for v in verdicts if v.accepted]
    failures = [(v, r) for v in verdicts for r in v.blocking_failures]
    # Warnings of a quarantined day are moot: only those of days that were stored count.
    warnings = [(v, r) for v in accepted for r in v.warnings]
    severity = (
        dg.AssetCheckSeverity.ERROR if quarantined and not accepted else dg.AssetCheckSeverity.WARN
    )
    corrections = [r for _, r in warnings if r.rule == COUNTER_CORRECTIONS]
    return dg.AssetCheckResult(
        check_name=check_name,
        passed=not quarantined,
        severity=severity,
        description=_summary(quarantined, accepted),
        metadata={
            "days_validated": dg.MetadataValue.int(len(verdicts)),
            "days_accepted": dg.MetadataValue.int(len(accepted)),
            "days_quarantined": dg.MetadataValue.int(len(quarantined)),
            "quarantined_days": dg.MetadataValue.text(
                ", ".join(v.day.isoformat() for v in quarantined) or "none"
            ),
            "days_admitted_by_operator": dg.MetadataValue.text(
                ", ".join(v.day.isoformat() for v in verdicts if v.admitted_by_operator) or "none"
            ),
            "failed_expectations": dg.MetadataValue.md(_table(failures)),
            "rows_failing_blocking_rules": dg.MetadataValue.int(
                sum(r.unexpected_count for _, r in failures)
            ),
            "warnings": dg.MetadataValue.md(_table(warnings)),
            "counter_corrections": dg.MetadataValue.int(
                sum(r.unexpected_count for r in corrections)
            ),
            "quarantine_path": dg.MetadataValue.path(str(quarantine_dir)),
        },
    )


def rule_check_result(
    check_name: str, results: Sequence[tuple[str, RuleResult]]
) -> dg.AssetCheckResult:
    """A non-blocking warning check over one rule's results per day (e.g. unknown orgs)."""
    failing = [(day, r) for day, r in results if not r.passed]
    samples: list[str] = []
    for _, result in failing:
        samples += [s for s in result.sample_ids if s not in samples]
    return dg.AssetCheckResult(
        check_name=check_name,
        passed=not failing,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "days_checked": dg.MetadataValue.int(len(results)),
            "days_with_findings": dg.MetadataValue.int(len(failing)),
            "rows": dg.MetadataValue.int(sum(r.unexpected_count for _, r in failing)),
            "findings": dg.MetadataValue.text(
                "; ".join(sorted({r.observed for _, r in failing})) or "none"
            ),
            "sample_ids": dg.MetadataValue.text(", ".join(samples[:5]) or "none"),
        },
    )


def _summary(quarantined: Sequence[Verdict], accepted: Sequence[Verdict]) -> str:
    if not quarantined:
        return f"{len(accepted)} day(s) passed every blocking rule."
    lines = [f"{len(quarantined)} day(s) quarantined, {len(accepted)} accepted:"]
    lines += [f"- {v.day}: {v.reason()}" for v in quarantined[:10]]
    return "\n".join(lines)


def _table(rows: Sequence[tuple[Verdict, RuleResult]]) -> str:
    if not rows:
        return "none"
    lines = [
        "| day | rule | field | rows | of | sample ids | observed |",
        "|---|---|---|---|---|---|---|",
    ]
    for verdict, result in rows[:MAX_TABLE_ROWS]:
        observed = result.observed.replace("|", "/")
        lines.append(
            f"| {verdict.day} | {result.rule} | {result.field or ''} | {result.unexpected_count} "
            f"| {result.element_count} | {', '.join(result.sample_ids)} | {observed} |"
        )
    if len(rows) > MAX_TABLE_ROWS:
        lines.append(f"| ... | {len(rows) - MAX_TABLE_ROWS} more | | | | | |")
    return "\n".join(lines)
