"""Faults of a day's file, for the soak (`bench/soak.py`): what a source can send on a bad day.

The rehearsal's servers fault the network (`simulation.rehearsal.plan`); these fault the answer
itself, written into a recordings folder in place of the day's good file. Each kind says
whether the pipeline must accept the day (`accepted`) or keep it out (quarantined or moved
out), which is what the soak checks the marts against:

    stale         the day's Hub file is the previous day's (accepted, flagged stale downstream)
    partly_stale  half the models keep the previous day's counters (accepted, flagged)
    rollback      the Hub file of `back` days earlier (refused: counters went down at once)
    truncated     the Hub file cut in half (refused: not readable Parquet)
    wrong_type    an OpenRouter answer whose `data[3].architecture` is a string (refused)
    misdated      the Hub file of `ahead` days later saved under this day (refused, or moved
                  out once the next day shows it wrong)
    inflated      ten times the models, clones under new ids (refused: row count jumped)
"""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl


@dataclass(frozen=True)
class DayFault:
    kind: str
    source: str  # "hub" or "prices": whose file of the day it replaces
    accepted: bool  # whether the pipeline must store the faulty day
    apply: Callable[[Path, Path, Path], None]  # (this day's file, a neighbour's file, target)
    offset: int = 0  # which neighbour: days from this one (-1: the previous day)


def _copy(_: Path, neighbour: Path, target: Path) -> None:
    shutil.copyfile(neighbour, target)


def _partly_stale(path: Path, previous: Path, target: Path) -> None:
    frame = pl.read_parquet(path)
    before = pl.read_parquet(previous).select("id", pl.col("downloadsAllTime").alias("_before"))
    half = frame.with_row_index("_row").join(before, on="id", how="left")
    kept = pl.when((pl.col("_row") % 2 == 0) & pl.col("_before").is_not_null())
    half.with_columns(
        kept.then(pl.col("_before")).otherwise(pl.col("downloadsAllTime")).alias("downloadsAllTime")
    ).drop("_row", "_before").write_parquet(target)


def _truncated(path: Path, _: Path, target: Path) -> None:
    body = path.read_bytes()
    target.write_bytes(body[: len(body) // 2])


def _wrong_type(path: Path, _: Path, target: Path) -> None:
    answer = json.loads(
        gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    )
    answer["data"][min(3, len(answer["data"]) - 1)]["architecture"] = "text->text"
    body = json.dumps(answer).encode()
    target.write_bytes(gzip.compress(body, mtime=0) if target.suffix == ".gz" else body)


def _inflated(path: Path, _: Path, target: Path) -> None:
    frame = pl.read_parquet(path)
    clones = [frame.with_columns(pl.col("id") + f"-clone{k}") for k in range(1, 10)]
    pl.concat([frame, *clones]).write_parquet(target)


DAY_FAULTS: dict[str, DayFault] = {
    fault.kind: fault
    for fault in (
        DayFault("stale", "hub", True, _copy, offset=-1),
        DayFault("partly_stale", "hub", True, _partly_stale, offset=-1),
        DayFault("rollback", "hub", False, _copy, offset=-5),
        DayFault("truncated", "hub", False, _truncated),
        DayFault("wrong_type", "prices", False, _wrong_type),
        DayFault("misdated", "hub", False, _copy, offset=3),
        DayFault("inflated", "hub", False, _inflated),
    )
}
