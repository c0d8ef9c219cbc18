"""What `observatory run` shows while the job runs: each step as it starts and ends, the days
ingested of the range, the dbt models built and tests passed, and the checks, instead of
dbt's ~400 per-node START/PASS lines.

Two pieces:
- `ProgressView`, a Python log handler fed by a Dagster logger (`progress_logger`) that the CLI
  adds to the run: it reads the run's events (step start and end, materializations, check
  evaluations) and the raw assets' one line per day (`YYYY-MM-DD: ...`, see
  `orchestration.defs.quality.ingest`).
- `terminal_without_stdout`: dagster-dbt copies every dbt event to the process's stdout.
  Dagster captures that stdout into the run's compute log (`$DATA_DIR/dagster/storage/<run>/
  compute_logs/`, shown in the UI) and mirrors it to the terminal through file descriptor 1.
  Pointing descriptor 1 at /dev/null for the run keeps the capture whole and the terminal
  quiet; the view writes to a copy of the original descriptor.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO

import dagster as dg
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from cli.planted import fault_line

# A raw asset logs one line per day it judged, starting with the day (ingest.log_outcome),
# a chunk of days to a message.
_DAY_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2}): ")
# Step keys that are not an asset key's path joined by "__": the one dbt build.
STEP_NAMES = {"dbt_models": "dbt: every model and test"}


@dataclass
class StepProgress:
    key: str
    started: float
    days: set[dt.date] = field(default_factory=set)
    stored: int = 0
    unchanged: int = 0
    quarantined: int = 0
    # Asset keys materialized (a partitioned asset reports once per day: counted once).
    materialized: set[str] = field(default_factory=set)
    checks_passed: int = 0
    checks_warned: list[str] = field(default_factory=list)
    checks_failed: list[str] = field(default_factory=list)


def step_name(step_key: str) -> str:
    """`raw__hub_model_snapshots` -> `raw/hub_model_snapshots`."""
    return STEP_NAMES.get(step_key, step_key.replace("__", "/"))


class ProgressView(logging.Handler):
    """Prints a run's progress to `console`: a line when a step ends (and, on a terminal, a
    live line while it runs). `days` is the run's range; `expected` the assets and checks each
    step will report (step key -> (assets, checks)), for the live line's totals."""

    def __init__(
        self,
        console: Console,
        start: dt.date,
        end: dt.date,
        expected: Mapping[str, tuple[int, int]] | None = None,
    ) -> None:
        super().__init__(level=logging.DEBUG)
        self.console = console
        self.start, self.end = start, end
        self.total_days = (end - start).days + 1
        self.expected = dict(expected or {})
        self.steps: dict[str, StepProgress] = {}
        self.finished: list[StepProgress] = []
        self._live: Progress | None = None
        self._task: tuple[str, TaskID] | None = None
        # Set by the CLI to print warnings as one short line each (cli.planted);
        # `planted`: the demo's planted days, None on observed data.
        self.short_warnings = False
        self.planted: set[str] | None = None

    # --- logging.Handler ---------------------------------------------------------------
    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        step_key = meta.get("step_key")
        event = meta.get("dagster_event")
        if step_key is None:
            return
        if event is None:
            message = meta.get("orig_message") or record.getMessage()
            if self.short_warnings and record.levelno >= logging.WARNING:
                self.console.print(
                    fault_line(step_key, message, self.planted), highlight=False, markup=False
                )
            self.on_message(step_key, message)
            return
        kind = event.event_type_value
        if kind == "STEP_START":
            self.on_start(step_key)
        elif kind == "ASSET_MATERIALIZATION":
            self._step(step_key).materialized.add(str(event.asset_key))
        elif kind == "ASSET_CHECK_EVALUATION":
            data = event.event_specific_data
            self.on_check(step_key, data.check_name, data.passed, data.severity)
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"):
            self.on_end(step_key, kind)
        self._refresh(step_key)

    # --- what each kind of record does ---------------------------------------------------
    def _step(self, step_key: str) -> StepProgress:
        if step_key not in self.steps:
            self.steps[step_key] = StepProgress(step_key, time.monotonic())
        return self.steps[step_key]

    def on_start(self, step_key: str) -> None:
        self._step(step_key)

    def on_message(self, step_key: str, message: str) -> None:
        """A raw step's day lines: one per day, several to a message (a chunk of days is one
        log event, `orchestration.defs.quality.ingest._Judge.flush`)."""
        found = False
        for line in message.splitlines():
            match = _DAY_LINE.match(line)
            if match is None:
                continue
            found = True
            step = self._step(step_key)
            step.days.add(dt.date.fromisoformat(match.group(1)))
            if "quarantined (" in line:
                step.quarantined += 1
            elif line.endswith("(stored)"):
                step.stored += 1
            elif line.endswith("(unchanged, not stored again)"):
                step.unchanged += 1
        if found:
            self._refresh(step_key)

    def on_check(
        self, step_key: str, check_name: str, passed: bool, severity: dg.AssetCheckSeverity
    ) -> None:
        step = self._step(step_key)
        if passed:
            step.checks_passed += 1
        elif severity == dg.AssetCheckSeverity.WARN:
            step.checks_warned.append(check_name)
        else:
            step.checks_failed.append(check_name)

    def on_end(self, step_key: str, kind: str) -> None:
        step = self._step(step_key)
        del self.steps[step_key]
        self.finished.append(step)
        outcome = {
            "STEP_SUCCESS": "",
            "STEP_FAILURE": "[red]FAILED[/] ",
            "STEP_SKIPPED": "skipped ",
        }
        self._stop_status()
        self.console.print(
            f"  {outcome[kind]}{step_name(step.key)}: {self.describe(step)} "
            f"[dim]({time.monotonic() - step.started:.1f} s)[/]",
            highlight=False,
            soft_wrap=True,
        )

    # --- text ------------------------------------------------------------------------------
    def describe(self, step: StepProgress, live: bool = False) -> str:
        parts = []
        if step.days:
            last = max(step.days)
            if live:
                parts.append(f"day {(last - self.start).days + 1} of {self.total_days} ({last})")
            else:
                outcomes = [
                    f"{count} {label}"
                    for count, label in (
                        (step.stored, "stored"),
                        (step.unchanged, "unchanged"),
                        (step.quarantined, "quarantined"),
                    )
                    if count
                ]
                parts.append(
                    f"{len(step.days)} of the {self.total_days} days had a snapshot "
                    f"({', '.join(outcomes)})"
                )
        elif len(step.materialized) > 1:
            assets, _ = self.expected.get(step.key, (0, 0))
            built = f"{len(step.materialized)}" + (f" of {assets}" if live and assets else "")
            parts.append(f"{built} assets built")
        elif not live:
            parts.append("done")
        ran = step.checks_passed + len(step.checks_warned) + len(step.checks_failed)
        if ran:
            text = f"{step.checks_passed} of {ran} checks passed"
            if step.checks_warned:
                text += f", {len(step.checks_warned)} warned ({', '.join(step.checks_warned[:3])})"
            if step.checks_failed:
                text += f", {len(step.checks_failed)} failed ({', '.join(step.checks_failed[:3])})"
            parts.append(text)
        return "; ".join(parts) or "running"

    def totals(self) -> str:
        """All the run's checks, one line: what `make run` says before the summary."""
        passed = sum(s.checks_passed for s in self.finished)
        warned = [name for s in self.finished for name in s.checks_warned]
        failed = [name for s in self.finished for name in s.checks_failed]
        text = f"Checks: {passed} passed"
        if warned:
            text += f", {len(warned)} warned ({', '.join(sorted(set(warned)))})"
        if failed:
            text += f", {len(failed)} failed ({', '.join(sorted(set(failed)))})"
        return text + ". Each check's result is in the Dagster UI (`make ui`)."

    # --- the live line (terminals only) ----------------------------------------------------
    def _refresh(self, step_key: str) -> None:
        if not self.console.is_terminal or step_key not in self.steps:
            return
        text = f"{step_name(step_key)}: {self.describe(self.steps[step_key], live=True)}"
        if self._live is None:
            self._live = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),  # ticks on its own between events (dbt's parse, a build)
                console=self.console,
                transient=True,
            )
            self._live.start()
        if self._task is None or self._task[0] != step_key:
            if self._task is not None:
                self._live.remove_task(self._task[1])
            self._task = (step_key, self._live.add_task(text))
        else:
            self._live.update(self._task[1], description=text)

    def _stop_status(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live, self._task = None, None

    def close(self) -> None:
        self._stop_status()
        super().close()


def expected_per_step(definitions: dg.Definitions) -> dict[str, tuple[int, int]]:
    """How many assets and checks each step (an assets definition's op) will report."""
    expected = {}
    for assets_def in definitions.assets or ():
        if isinstance(assets_def, dg.AssetsDefinition) and assets_def.is_executable:
            name = assets_def.node_def.name
            expected[name] = (len(assets_def.keys), len(assets_def.check_keys))
    return expected


def progress_logger(view: ProgressView) -> dg.LoggerDefinition:
    """A Dagster logger that hands every record of the run, DEBUG included, to `view`."""

    def build(_context: dg.InitLoggerContext) -> logging.Logger:
        logger = logging.getLogger(f"observatory.progress.{id(view)}")
        logger.setLevel(logging.DEBUG)
        logger.propagate = False
        logger.handlers = [view]
        return logger

    return dg.LoggerDefinition(build, description="observatory run's progress on the terminal")


@contextmanager
def terminal_without_stdout() -> Iterator[IO[str]]:
    """For the block, file descriptor 1 goes to /dev/null; yields a stream to where it went
    before (the terminal, or make's pipe). Where stdout is not a real file descriptor (a test's
    captured stdout), `sys.stdout` goes to /dev/null instead, and the stream is the old one: what
    dbt prints (a traceback when the disk fills) stays off it either way."""
    try:
        sys.stdout.flush()
        original = sys.stdout.fileno()
    except (AttributeError, ValueError, io.UnsupportedOperation):
        shown = sys.stdout
        with open(os.devnull, "w") as sink:
            sys.stdout = sink
            try:
                yield shown
            finally:
                sys.stdout = shown
        return
    saved = os.dup(original)
    stream = os.fdopen(os.dup(saved), "w", buffering=1, encoding="utf-8")
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, original)
        yield stream
    finally:
        sys.stdout.flush()
        os.dup2(saved, original)
        os.close(saved)
        os.close(devnull)
        stream.close()
