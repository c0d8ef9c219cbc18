"""The soak: daily runs over generated data with faults, ending with the right marts (issue 26).

    .venv/bin/python bench/soak.py [--days 365] [--run-every 7] [--seed 26] [--out FILE]

It generates a demo of `--days` days, then plays them in order: each day's files appear in a
recordings folder (with a fault drawn from `simulation.rehearsal.plan.SOAK_DAY_FAULTS` on some
days), and every `--run-every` days `observatory run` ingests the days since the last good run
(a subprocess, as a user runs it). Some runs get a fault of their own
(`SOAK_RUN_FAULTS`): killed with SIGKILL, a full disk, a concurrent run holding the lock; the
next run goes on. At the end, one clean run over the days that should have been accepted
(every good day, and the faulty days the pipeline must accept: stale ones) in a fresh
DATA_DIR gives the reference: the soak passes when every mart is identical and no day that
should have been stored is missing. Figures to stdout and to `--out` as JSON.

A full disk needs a tmpfs (root); elsewhere that fault is left out, and the report says so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.soak_runs import Runner, mart_hashes, stored_days  # noqa: E402
from simulation.demo import DemoSpec, generate_demo  # noqa: E402
from simulation.rehearsal.day_faults import DAY_FAULTS  # noqa: E402
from simulation.rehearsal.plan import SOAK_DAY_FAULTS  # noqa: E402

SPACING = 6  # days between two day faults: each fault meets clean neighbours (`rollback` is -5)


def draw_day_faults(days: list, taboo: set, rate: float, rng: random.Random) -> dict:
    """Day -> fault kind. Faults keep `SPACING` days from each other and from the demo's own
    planted faults and gaps, start once a week of history exists and end 4 days before the
    last day (a misdated day is shown wrong by the days after it)."""
    kinds, weights = zip(*SOAK_DAY_FAULTS.items(), strict=True)
    faults: dict = {}
    last = -SPACING
    for index in range(SPACING + 1, len(days) - 4):
        near = any(abs((days[index] - other).days) < SPACING for other in taboo)
        if index - last < SPACING or near or rng.random() >= rate:
            continue
        faults[days[index]] = rng.choices(kinds, weights)[0]
        last = index
    return faults


def serve_day(day, clean: Path, served: Path, fault: str | None) -> None:
    """Copy the day's files into the recordings folder, the faulty one as the fault makes it."""
    for relative in ("hub/daily", "openrouter/daily", "openrouter/rankings_daily"):
        for path in (clean / relative).glob(f"{day}.*"):
            target = served / relative / path.name
            kind = DAY_FAULTS.get(fault) if fault else None
            source = "hub" if relative == "hub/daily" else "prices"
            if (
                kind is not None
                and kind.source == source
                and relative != "openrouter/rankings_daily"
            ):
                neighbour = path.with_name(
                    path.name.replace(str(day), str(day + dt.timedelta(days=kind.offset)))
                )
                kind.apply(path, neighbour, target)
            else:
                shutil.copyfile(path, target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--run-every", type=int, default=7)
    parser.add_argument("--seed", type=int, default=26)
    parser.add_argument("--fault-rate", type=float, default=0.25, help="share of days faulted")
    parser.add_argument("--run-fault-rate", type=float, default=0.3, help="share of runs faulted")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "soak.json")
    parser.add_argument("--workdir", type=Path, help="keep everything here (default: a temp dir)")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    started = time.monotonic()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="observatory-soak-"))
    clean, served = work / "clean", work / "served"
    # The window ends two days ago: a day after today is refused (and a run of such days fails),
    # a usage day is final once it has ended.
    start = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=args.days + 1)
    spec = DemoSpec(
        days=args.days, price_days=args.days, rankings_days=min(42, args.days), start=start
    )
    demo = generate_demo(clean, spec)
    days = list(demo.hub_days)
    planted = {demo.stale_day, demo.partly_stale_day, demo.correction_day, demo.bad_day}
    faults = draw_day_faults(
        days, {d for d in planted if d} | set(demo.gap_days), args.fault_rate, rng
    )
    for relative in ("hub/daily", "openrouter/daily", "openrouter/rankings_daily"):
        (served / relative).mkdir(parents=True, exist_ok=True)
    for catalog in (clean / "hub").glob("hub_stats_*.parquet"):
        shutil.copyfile(catalog, served / "hub" / catalog.name)
    runner = Runner(work, served, rng, args.run_fault_rate)
    every_day = sorted({*days, *(d for d in demo.price_days if spec.start <= d <= spec.end)})
    pending = every_day[0]
    for index, day in enumerate(every_day):
        serve_day(day, clean, served, faults.get(day))
        if (index + 1) % args.run_every == 0 or day == every_day[-1]:
            runner.run_until_done(pending, day)
            pending = day + dt.timedelta(days=1)
    try:
        report = compare(work, served, faults, every_day, runner) | runner.report()
    finally:
        runner.close()
    report |= {
        "days": len(every_day),
        "day_faults": {
            kind: sum(1 for f in faults.values() if f == kind) for kind in SOAK_DAY_FAULTS
        },
        "run_every": args.run_every,
        "seed": args.seed,
        "seconds": round(time.monotonic() - started),
        "workdir": str(work),
    }
    args.out.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(json.dumps(report, indent=2, default=str))
    if args.workdir is None and report["passed"]:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if report["passed"] else 1


RUN_HISTORY_MARTS = ("mart_claim_verdict_history",)


def compare(work: Path, served: Path, faults: dict, days: list, runner: Runner) -> dict:
    """One clean run over the days that should have been accepted; the marts must match."""
    reference = work / "reference"
    shutil.copytree(served, reference)
    refused = [day for day, kind in faults.items() if not DAY_FAULTS[kind].accepted]
    for day in refused:
        relative = "hub/daily" if DAY_FAULTS[faults[day]].source == "hub" else "openrouter/daily"
        for path in (reference / relative).glob(f"{day}.*"):
            path.unlink()
    code = runner.clean_run(work / "reference-data", reference, days[0], days[-1])
    soak, clean = mart_hashes(runner.data_dir), mart_hashes(work / "reference-data")
    # A history of the runs themselves (each verdict as it changed from run to run) differs
    # between many runs and one by design: it is not a state to compare.
    for history in RUN_HISTORY_MARTS:
        soak.pop(history, None)
        clean.pop(history, None)
    expected = {d: stored_days(work / "reference-data", d) for d in ("hub", "prices")}
    actual = {d: stored_days(runner.data_dir, d) for d in ("hub", "prices")}
    lost = {d: sorted(set(expected[d]) - set(actual[d])) for d in expected}
    extra = {d: sorted(set(actual[d]) - set(expected[d])) for d in expected}
    differing = sorted(name for name in clean if soak.get(name) != clean[name])
    return {
        "reference_run_code": code,
        "marts_compared": len(clean),
        "marts_differing": differing,
        "days_lost": lost,
        "days_wrongly_stored": extra,
        "passed": code == 0
        and not differing
        and not any(lost.values())
        and not any(extra.values())
        and runner.all_survived,
    }


if __name__ == "__main__":
    sys.exit(main())
