"""The steps of one run of the daily job over a range of days, without a terminal.

`observatory run` calls them in this order, under the DATA_DIR's run lock; so can a test or a
script: `recover` (what a killed run left), `origin.claim` (demo or observed data, never both),
the demo data where the CLI generates it (`simulation`, which production code does not import),
`plan` (which days are partitions), `execute` (one in-process Dagster run, one dbt build),
then `failure_reasons` and `orchestration.lib.diagnose` on failure, or `quarantined_in`.
Each step returns what happened; the CLI decides how to show it.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass, field

import dagster as dg

from ingestion.hub.recorded import recorded_hub_source
from ingestion.prices.recorded import recorded_price_source
from ingestion.quality.quarantine import QuarantineEntry, open_entries
from ingestion.usage.recorded import recorded_rankings_source
from orchestration.defs.jobs import DAILY_JOB_NAME
from orchestration.lib.partitions import RANGE_END_TAG, RANGE_START_TAG, partition_days
from orchestration.lib.recovery import (
    CLI_RUN_TAG,
    CLI_RUN_TAG_VALUE,
    fail_dead_cli_runs,
    recover_build_warehouse,
    remove_leftovers,
)
from orchestration.lib.settings import Settings, SettingsError
from orchestration.lib.warehouse import publication_matches, repair_publication


def recover(settings: Settings, instance: dg.DagsterInstance) -> list[str]:
    """Put right what a killed run left (under the run lock: no live run is affected); one line
    for each thing put right."""
    done = [f"run {run_id} had died; marked failed" for run_id in fail_dead_cli_runs(instance)]
    left = remove_leftovers(settings.layout)
    if left:
        done.append(f"removed {len(left)} half-written file(s) of a killed run, e.g. {left[0]}")
    build = recover_build_warehouse(settings.layout)
    if build:
        done.append(build)
    if not publication_matches(settings.layout):
        version = repair_publication(settings.layout)
        done.append(
            "the published warehouse did not read the published marts; wrote its views again "
            f"over {version}"
        )
    return done


def recorded_range(settings: Settings) -> tuple[dt.date, dt.date, list[str]]:
    """Every recorded day of the Hub and price folders (days one source lacks are gaps for it),
    and what a person should be told: the files skipped for their names (never read: see
    `ingestion.recorded`), the rankings files outside those days."""
    hub_days, hub_problems = recorded_hub_source(settings.hub_snapshot_dir).scan()
    price_days, price_problems = recorded_price_source(settings.prices_snapshot_dir).scan()
    if not hub_days:
        raise SettingsError(f"no YYYY-MM-DD.parquet snapshots in {settings.hub_snapshot_dir}")
    days = sorted([*hub_days, *price_days])
    notes = [f"skipped {problem}" for problem in [*hub_problems, *price_problems]]
    return days[0], days[-1], notes + rankings_left_out(settings, days[0], days[-1])


def rankings_left_out(settings: Settings, first: dt.date, last: dt.date) -> list[str]:
    """Rankings files outside the Hub and price days are not in the default range: say so,
    with the range that would take them, rather than skip them without a word."""
    folder = settings.rankings_snapshot_dir
    if not folder.is_dir():
        return []
    ranking_days, _ = recorded_rankings_source(folder).scan()
    outside = [day for day in ranking_days if not first <= day <= last]
    if not outside:
        return []
    start, end = min(first, outside[0]), max(last, outside[-1])
    return [
        f"{len(outside)} rankings file(s) in {folder} are outside the Hub and price days "
        f"({first} .. {last}) and left out of this run: {outside[0]} .. {outside[-1]}; "
        f"run with --start {start} --end {end} to take them"
    ]


def default_range(settings: Settings) -> tuple[dt.date, dt.date, list[str]]:
    """The day that just ended (live), or every recorded day (recorded)."""
    if settings.source_mode == "live":
        yesterday = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
        return yesterday, yesterday, []
    return recorded_range(settings)


@dataclass(frozen=True)
class RunPlan:
    """The days a run covers (the partitions that exist between the days asked for), and the
    definitions built for them."""

    start: dt.date
    end: dt.date
    partitions: dg.DailyPartitionsDefinition
    definitions: dg.Definitions
    notes: list[str] = field(default_factory=list)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def plan(settings: Settings, start: dt.date, end: dt.date) -> RunPlan | None:
    """The run over `start .. end`, narrowed to the days some source has a file for; None when
    there is none. A day no source has a file for is not a partition: a run over it would
    report it materialized (see `orchestration.lib.partitions`)."""
    if end < start:
        raise SettingsError(f"--end {end} is before --start {start}")
    # Single-run backfills (`backfill_policy`) are marked beta in Dagster 1.13; they are what this
    # run is. Filtered before the definitions are imported: the decorators warn at import.
    warnings.filterwarnings("ignore", category=dg.BetaWarning)
    from orchestration.definitions import build_definitions
    from orchestration.lib.days import daily_partitions

    partitions = daily_partitions(settings, (start, end))
    days = [day for day in partition_days(partitions) if start <= day <= end]
    if not days:
        return None
    notes = []
    if (days[0], days[-1]) != (start, end):
        notes.append(
            f"no source has a file for the days of {start} .. {end} before {days[0]} or after "
            f"{days[-1]}: they are left out"
        )
    definitions = build_definitions(settings, partitions)
    return RunPlan(days[0], days[-1], partitions, definitions, notes)


def execute(
    run: RunPlan,
    instance: dg.DagsterInstance,
    loggers: dict[str, dg.LoggerDefinition] | None = None,
    logger_config: dict | None = None,
) -> dg.ExecuteInProcessResult:
    """The daily job over the plan's days, in this process: one Dagster run, one dbt build,
    recorded in DAGSTER_HOME as a run the UI shows."""
    job = run.definitions.resolve_job_def(DAILY_JOB_NAME)
    if loggers:
        job = job.with_logger_defs({**dg.default_loggers(), **loggers})
    return job.execute_in_process(
        run_config={"loggers": logger_config or {}},
        instance=instance,
        tags={
            RANGE_START_TAG: run.start.isoformat(),
            RANGE_END_TAG: run.end.isoformat(),
            CLI_RUN_TAG: CLI_RUN_TAG_VALUE,
        },
        raise_on_error=False,
    )


def failure_reasons(result: dg.ExecuteInProcessResult) -> list[str]:
    """Each failed step (or resource) and the error that failed it, one line each."""
    reasons = []
    for event in result.all_events:
        data = event.event_specific_data
        error = getattr(data, "error", None)
        if not (event.is_step_failure or event.is_resource_init_failure) or error is None:
            continue
        # Dagster wraps the asset's own exception: its cause is what went wrong.
        if error.cause is not None and error.cls_name.startswith("Dagster"):
            error = error.cause
        message = error.message.strip().splitlines()[0] if error.message.strip() else ""
        if error.cls_name == "Failure":  # a dg.Failure's description says it all
            message = message.split(": ", 1)[-1]
        reasons.append(f"{event.step_key or 'resources'}: {message}")
    return reasons


def quarantined_in(settings: Settings, run: RunPlan) -> list[QuarantineEntry]:
    """The snapshots of the run's days still quarantined after it (kept out of the marts)."""
    layout = settings.layout
    return open_entries(layout.quarantine_dir, layout.raw_dir, run.start, run.end)
