"""The loop every daily raw asset (`defs/hub`, `defs/prices`, `defs/usage`) runs: fetch each day of the run, validate it against the
last accepted days (`ingestion.quality.baseline`: the previous one, the median of the last
seven, and a witness before the previous one, which can show the previous day to be the wrong
one and move it out), then store it in the raw layer or keep it in the quarantine.

A day the source cannot answer for at all (`UnavailableError`: a live source asked for the
past) fails the step; an unreadable answer is a verdict like any other and is quarantined. A
source that cannot be reached, or keeps failing after the client's retries (`FetchError`: a
429, a 5xx, a connection reset that persists), fails the step with nothing stored and nothing
quarantined, and Dagster's retry policy runs it again (`orchestration.defs.quality.retries`).

Days are fetched a chunk at a time and the chunk's snapshots are handed to `prime` first, so the
suite validates them in one Great Expectations call instead of one per day (see
`ingestion.quality.expectations`); each day is then judged in order, as before."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

import dagster as dg
import polars as pl

from ingestion.errors import InputError, UnavailableError
from ingestion.quality.baseline import (
    Accepted,
    Baseline,
    jumped_only,
    only_comparisons_failed,
    row_count_jump,
)
from ingestion.quality.counters import COUNTERS_UNCHANGED
from ingestion.quality.expectations import Suite, shared_validator
from ingestion.quality.gate import Outcome, admit_or_quarantine
from ingestion.quality.quarantine import Quarantine
from ingestion.quality.results import RuleResult, Verdict, one_line, unreadable_verdict
from ingestion.raw_store import RawStore
from orchestration.defs.quality.checks import suite_check_result
from orchestration.defs.quality.retries import RAW_RETRY_POLICY, final_on_bad_input
from orchestration.lib.layout import Dataset
from orchestration.lib.partitions import DAILY_PARTITIONS, days_in_window
from orchestration.lib.resources import StorageResource


class DailySource(Protocol):
    def fetch(self, day: dt.date) -> Any: ...


# (day, snapshot, previous accepted frame or None) -> verdict
Validate = Callable[[dt.date, Any, pl.DataFrame | None], Verdict]
# The frames of a chunk of days, validated ahead together (a cache for `Validate`).
Prime = Callable[[list[pl.DataFrame]], None]
# (day, snapshot, previous accepted frame or None, the shared GX validator) -> verdict
ValidateWith = Callable[[dt.date, Any, pl.DataFrame | None, Any], Verdict]
# Days fetched and validated together, at most this many days and, once reached, this many
# rows: bounds the memory a long backfill holds at once (a month of the tracked orgs is one
# chunk; a day of the whole Hub, two million models, is one chunk on its own, plus the next day
# being fetched).
CHUNK_DAYS = 31
CHUNK_ROWS = 1_000_000
# The metadata entry of each partition's materialization that says what the day holds.
DAY_OUTCOME = "this_day"
NO_SNAPSHOT = "no snapshot: the source has no file for this day (a gap, nothing stored)"


def daily_raw_asset(
    dataset: Dataset, *, kinds: set[str], check_specs: Sequence[dg.AssetCheckSpec]
) -> Callable[..., dg.AssetsDefinition]:
    """The decorator of a daily raw asset: partitioned by UTC day, a range in one run (one
    fetch loop, one dbt build after it), in the `raw` group, with its checks, retried on
    transient faults (`orchestration.defs.quality.retries`)."""
    return dg.asset(
        key=dg.AssetKey(dataset.asset_path),
        partitions_def=DAILY_PARTITIONS,
        backfill_policy=dg.BackfillPolicy.single_run(),
        group_name="raw",
        kinds=kinds,
        check_specs=list(check_specs),
        retry_policy=RAW_RETRY_POLICY,
    )


@dataclass
class DayRun:
    verdicts: list[Verdict] = field(default_factory=list)
    stored: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    # What the asset keeps of each snapshot stored (or unchanged): `keep(snapshot)`, not the
    # snapshot, whose frame is a whole day (two million rows for the whole Hub).
    accepted: list[Any] = field(default_factory=list)
    outcome: dict[str, str] = field(default_factory=dict)  # day -> what became of its snapshot
    accepted_days: list[str] = field(default_factory=list)  # the day of each `accepted` entry
    evicted: list[str] = field(default_factory=list)  # accepted days found wrong later (suspects)
    rows: int = 0
    pages: int = 0

    def metadata(self, store: RawStore) -> dict[str, dg.MetadataValue]:
        return {
            "rows": dg.MetadataValue.int(self.rows),
            "days_stored": dg.MetadataValue.int(len(self.stored)),
            "days_unchanged": dg.MetadataValue.int(len(self.unchanged)),
            "days_without_snapshot": dg.MetadataValue.int(len(self.gaps)),
            "days_quarantined": dg.MetadataValue.int(sum(not v.accepted for v in self.verdicts)),
            "days_evicted": dg.MetadataValue.int(len(self.evicted)),
            "evicted_days": dg.MetadataValue.text(", ".join(self.evicted) or "none"),
            "gap_days": dg.MetadataValue.text(", ".join(self.gaps) or "none"),
            "api_pages": dg.MetadataValue.int(self.pages),
            "raw_path": dg.MetadataValue.path(str(store.directory)),
        }


def ingest_partition(
    context: dg.AssetExecutionContext,
    storage: StorageResource,
    *,
    dataset: Dataset,
    schema: pl.Schema,
    source: DailySource,
    suite: Callable[[], Suite],
    validate: ValidateWith,
    compared_columns: Sequence[str],
    keep: Callable[[Any], Any] = lambda snapshot: snapshot.day,
) -> tuple[DayRun, RawStore, Quarantine]:
    """Ingest the days of the run's partition range into the dataset's raw store, validating
    each with the suite (primed a chunk at a time) and the source's own rules."""
    with final_on_bad_input():
        store = storage.raw_store(dataset, schema)
        quarantine = storage.quarantine(dataset)
        validator = shared_validator()
        run = ingest_days(
            context,
            source=source,
            days=days_in_window(context.partition_time_window),
            store=store,
            quarantine=quarantine,
            validate=lambda day, snapshot, previous: validate(day, snapshot, previous, validator),
            compared_columns=compared_columns,
            prime=lambda frames: validator.prime(frames, suite()),
            keep=keep,
        )
    # Dagster marks every partition of the run's range materialized, gaps included (it cannot be
    # told per day): each day's own event says what it holds.
    keys = set(context.partition_keys)
    for day, outcome in run.outcome.items():
        if day in keys:
            context.add_asset_metadata({DAY_OUTCOME: outcome}, partition_key=day)
    return run, store, quarantine


def partition_result(
    run: DayRun,
    store: RawStore,
    quarantine: Quarantine,
    check_name: str,
    *,
    metadata: dict[str, dg.MetadataValue] | None = None,
    check_results: Sequence[dg.AssetCheckResult] = (),
) -> dg.MaterializeResult:
    """What a daily raw asset reports: the run's figures and its suite's check first."""
    return dg.MaterializeResult(
        metadata={**run.metadata(store), **(metadata or {})},
        check_results=[
            suite_check_result(check_name, run.verdicts, quarantine.directory),
            *check_results,
        ],
    )


def ingest_days(
    context: dg.AssetExecutionContext,
    *,
    source: DailySource,
    days: Sequence[dt.date],
    store: RawStore,
    quarantine: Quarantine,
    validate: Validate,
    compared_columns: Sequence[str],
    prime: Prime | None = None,
    keep: Callable[[Any], Any] = lambda snapshot: snapshot.day,
) -> DayRun:
    judge = _Judge(
        context,
        store,
        quarantine,
        validate,
        compared_columns,
        fetched_at=dt.datetime.now(dt.UTC),
        baseline=Baseline.from_store(store, days[0], list(compared_columns)),
        keep=keep,
    )
    for chunk in _chunks(source, days):
        if prime is not None:
            prime([s.frame for _, s in chunk if s is not None and not isinstance(s, InputError)])
        for day, snapshot in chunk:
            judge(day, snapshot)
        judge.flush()
    log_warning_summary(context, judge.run.verdicts)
    return judge.run


def _chunks(source: DailySource, days: Sequence[dt.date]) -> Iterator[list[tuple[dt.date, Any]]]:
    """The days fetched in order, in chunks of at most `CHUNK_DAYS` days, each closed as soon
    as its snapshots reach `CHUNK_ROWS` rows. The next day is fetched while the caller judges
    the chunk (one thread, the fetches still one at a time and in order): reading and conforming
    a day of the whole Hub takes about a second, judging and storing it three more."""
    chunk: list[tuple[dt.date, Any]] = []
    rows = 0
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="fetch") as ahead:
        fetches = iter(days)
        pending = _fetch_next(ahead, source, fetches)
        while pending is not None:
            day, snapshot = pending[0], pending[1].result()
            pending = _fetch_next(ahead, source, fetches)
            chunk.append((day, snapshot))
            if snapshot is not None and not isinstance(snapshot, InputError):
                rows += snapshot.frame.height
            if len(chunk) == CHUNK_DAYS or rows >= CHUNK_ROWS:
                yield chunk
                chunk, rows = [], 0
    if chunk:
        yield chunk


def _fetch_next(
    pool: ThreadPoolExecutor, source: DailySource, days: Iterator[dt.date]
) -> tuple[dt.date, Future[Any]] | None:
    day = next(days, None)
    return None if day is None else (day, pool.submit(_fetch, source, day))


def _fetch(source: DailySource, day: dt.date) -> Any:
    """The day's snapshot, None for a gap, or the InputError of an unreadable answer (a
    FetchError, a fault of the network, is not caught: the step fails and is retried)."""
    try:
        return source.fetch(day)
    except UnavailableError:
        raise
    except InputError as error:
        return error


@dataclass
class _Judge:
    """Stores or quarantines the days of a run, in order, each against the last accepted ones
    (`ingestion.quality.baseline`): a previous day that a new day shows to be wrong is moved
    out of the raw layer, with the reason, and the new day accepted."""

    context: dg.AssetExecutionContext
    store: RawStore
    quarantine: Quarantine
    validate: Validate
    compared_columns: Sequence[str]
    fetched_at: dt.datetime
    baseline: Baseline
    keep: Callable[[Any], Any]
    run: DayRun = field(default_factory=DayRun)
    lines: list[str] = field(default_factory=list)
    # The last day refused only for disagreeing with the previous accepted day: a witness
    # against that day when there is no accepted day before it.
    refused: tuple[dt.date, Any] | None = None

    def flush(self) -> None:
        """The chunk's day lines as one event: each event costs Dagster's storage about 15 ms,
        and a 436-day run wrote one or two per day per dataset."""
        if self.lines:
            self.context.log.info("\n".join(self.lines))
            self.lines.clear()

    def __call__(self, day: dt.date, snapshot: Any) -> None:
        if snapshot is None:
            self.run.gaps.append(day.isoformat())
            self.run.outcome[day.isoformat()] = NO_SNAPSHOT
            return
        if isinstance(snapshot, InputError):  # unreadable or unparsable: kept with its reason
            verdict, frame = unreadable_verdict(day, snapshot), None
        else:
            verdict, frame = self.verdict(day, snapshot, self.baseline.previous), snapshot.frame
            if only_comparisons_failed(verdict) and self.previous_is_suspect(
                day, snapshot, verdict
            ):
                verdict = self.verdict(day, snapshot, self.baseline.previous)
        outcome = admit_or_quarantine(
            verdict,
            frame,
            store=self.store,
            quarantine=self.quarantine,
            fetched_at=self.fetched_at,
        )
        self.run.verdicts.append(log_outcome(self.context, outcome, self.lines))
        if outcome.stored is None:
            rules = ", ".join(failure.rule for failure in verdict.blocking_failures)
            self.run.outcome[day.isoformat()] = f"quarantined, not stored ({rules})"
            if frame is not None and jumped_only(verdict):
                self.baseline.jumped.append(frame.height)
            elif frame is not None and only_comparisons_failed(verdict):
                self.refused = (day, snapshot)
            return
        self.run.outcome[day.isoformat()] = (
            f"stored: {outcome.stored.rows} rows"
            if outcome.stored.written
            else "unchanged: the same as the fetch already stored"
        )
        (self.run.stored if outcome.stored.written else self.run.unchanged).append(day.isoformat())
        self.baseline.accept(day, snapshot.frame.select(self.compared_columns))
        self.refused = None
        self.run.rows += outcome.stored.rows
        self.run.pages += snapshot.pages
        self.run.accepted.append(self.keep(snapshot))
        self.run.accepted_days.append(day.isoformat())

    def verdict(self, day: dt.date, snapshot: Any, against: Accepted | None) -> Verdict:
        """The source's verdict against one accepted day, with the row count's against the
        median of the last accepted days."""
        verdict = self.validate(day, snapshot, None if against is None else against.frame)
        jump = row_count_jump(snapshot.frame.height, self.baseline.rows, self.baseline.jumped)
        return dataclasses.replace(verdict, results=(*verdict.results, jump))

    def previous_is_suspect(self, day: dt.date, snapshot: Any, verdict: Verdict) -> bool:
        """Whether the day, refused only for disagreeing with the previous accepted day, agrees
        with a witness before it (and is no stale copy of it); if so the previous day is
        moved out, and a refused witness is judged again, now that it is the baseline."""
        previous, witness, refused = self.baseline.previous, self.baseline.witness, None
        if previous is None:
            return False
        if witness is None and self.refused is not None:
            refused = self.refused
            witness = Accepted(refused[0], refused[1].frame.select(self.compared_columns))
        if witness is None:
            return False
        check = self.verdict(day, snapshot, witness)
        if not check.accepted or any(w.rule == COUNTERS_UNCHANGED for w in check.warnings):
            return False
        self.evict(previous, day, verdict, witness)
        if refused is not None:
            self.refused = None
            self.run.verdicts = [v for v in self.run.verdicts if v.day != refused[0]]
            self(*refused)
        return True

    def evict(self, previous: Accepted, day: dt.date, verdict: Verdict, witness: Accepted) -> None:
        disagreement = "; ".join(f.describe() for f in verdict.blocking_failures)
        reason = (
            f"{day} disagrees with it ({disagreement}) but agrees with {witness.day}: "
            f"{previous.day} was the wrong day"
        )
        entry = self.quarantine.evict(
            self.store,
            previous.day,
            reason=reason,
            evicted_at=dt.datetime.now(dt.UTC),
            by="the quality gate",
        )
        self.baseline.drop_previous()
        iso = previous.day.isoformat()
        for done in (self.run.stored, self.run.unchanged):
            if iso in done:
                done.remove(iso)
                self.run.rows -= previous.frame.height
        if iso in self.run.accepted_days:
            index = self.run.accepted_days.index(iso)
            del self.run.accepted[index], self.run.accepted_days[index]
        self.run.evicted.append(iso)
        self.run.outcome[iso] = f"evicted by the quality gate into {entry.directory}: {reason}"
        self.context.log.warning(
            f"{iso}: moved out of the raw layer into {entry.directory} by the quality gate: "
            f"{reason}"
        )


def log_outcome(context: dg.AssetExecutionContext, outcome: Outcome, lines: list[str]) -> Verdict:
    """What the gate did with one day: a quarantine is logged at once, as an error; a stored or
    unchanged day and its warnings become lines of the chunk's one log event (`lines`)."""
    verdict = outcome.verdict
    if outcome.quarantined is not None:
        kept = "new" if outcome.newly_quarantined else "already kept"
        context.log.error(
            one_line(
                f"{verdict.day}: quarantined ({kept}) in {outcome.quarantined.directory}: "
                f"{verdict.reason()}"
            )
        )
        return verdict
    # Each day's warnings are in the run's event log (the UI); the terminal gets them once per
    # rule at the end of the ingest (`log_warning_summary`), not once per day.
    for warning in verdict.warnings:
        lines.append(one_line(f"{verdict.day}: {verdict.location}: warning {warning.describe()}"))
    if outcome.stored is not None:
        state = "stored" if outcome.stored.written else "unchanged, not stored again"
        lines.append(
            one_line(f"{verdict.day}: {verdict.rows} models from {verdict.location} ({state})")
        )
    return verdict


# A rule that warns on this many days or fewer is logged day by day (a stale day must be seen);
# beyond, as one line with the first days (a router priced -1 on every price day).
DAYS_LOGGED_ONE_BY_ONE = 5


def log_warning_summary(context: dg.AssetExecutionContext, verdicts: Sequence[Verdict]) -> None:
    """The warnings of the days stored, as WARNING lines: per day for a rare rule, one line
    for a rule that warns on many days."""
    by_rule: dict[str, list[tuple[Verdict, RuleResult]]] = {}
    for verdict in verdicts:
        if verdict.accepted:
            for warning in verdict.warnings:
                by_rule.setdefault(warning.rule, []).append((verdict, warning))
    for rule, found in by_rule.items():
        if len(found) <= DAYS_LOGGED_ONE_BY_ONE:
            for verdict, warning in found:
                context.log.warning(f"{verdict.day}: {verdict.location}: {warning.describe()}")
            continue
        first_verdict, first = found[0]
        days = ", ".join(str(verdict.day) for verdict, _ in found[:DAYS_LOGGED_ONE_BY_ONE])
        context.log.warning(
            f"{rule} on {len(found)} days ({days}, ...), e.g. {first_verdict.day}: "
            f"{first.describe()}; every day's detail is in the run's event log"
        )
