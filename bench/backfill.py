"""A rehearsed backfill's download step, timed: what `observatory backfill` fetches per day.

    .venv/bin/python bench/backfill.py [--models 200000] [--days 30] [--work /tmp/observatory-backfill]

Generates the demo (`ingestion/demo`) at `--models` x `--days`, writes each day in the whole
hub-stats layout (the day's counters with the catalog's attributes: card, lineage, parameters),
serves the folder as the dataset's revisions (`simulation.rehearsal.hub_stats`) and runs the
backfill's download step (`ingestion.hub.backfill.backfill`) against it through huggingface_hub.
Prints seconds, requests and bytes per past day (the server's count) against the file sizes.
The ingest and dbt build that follow are the recorded run over the same days: their time at
2,000,000 models is in BENCHMARKS.md (case c, a 30-day backfill). Nothing here is a timed test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HOME", tempfile.mkdtemp(prefix="observatory-bench-hf-"))

import polars as pl

from ingestion.hub.backfill import Mirror, backfill
from ingestion.hub.hub_stats import HubStatsRepo
from simulation.demo import DemoSpec, ensure_demo
from simulation.rehearsal.hub_stats import HubStatsServer

ATTRIBUTES = ("lastModified", "trendingScore", "cardData", "safetensors", "baseModels")


def served_days(demo: Path, out: Path) -> None:
    """Each demo day in the whole hub-stats layout (once; kept while the demo is unchanged)."""
    out.mkdir(parents=True, exist_ok=True)
    catalog = pl.read_parquet(next((demo / "hub").glob("hub_stats_*.parquet")))
    catalog = catalog.select("id", *ATTRIBUTES)
    for path in sorted((demo / "hub" / "daily").glob("*.parquet")):
        if not (out / path.name).exists():
            day = pl.read_parquet(path).join(catalog, on="id", how="left")
            day.write_parquet(out / path.name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=200_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--work", type=Path, default=Path("/tmp/observatory-backfill"))
    args = parser.parse_args()
    spec = DemoSpec(models=args.models, days=args.days, price_days=args.days, rankings_days=1)
    demo = args.work / f"demo-{args.models}x{args.days}"
    ensure_demo(demo, spec)
    served = args.work / f"served-{args.models}x{args.days}"
    served_days(demo, served)
    mirror = Mirror(Path(tempfile.mkdtemp(prefix="mirror-", dir=args.work)))
    with HubStatsServer(served) as server:
        repo = HubStatsRepo(server.repo, endpoint=server.url)
        days = sorted(server.files)
        started = time.monotonic()
        done = backfill(repo, days[0], days[-1], mirror)
        seconds = time.monotonic() - started
        newest = max(done.days)
        past = [d for d in done.days if d != newest]
        sizes = {d: server.files[d].stat().st_size for d in done.days}
        report = {
            "models": args.models,
            "days_with_a_revision": len(done.days),
            "seconds": round(seconds, 1),
            "seconds_per_day": round(seconds / len(done.days), 2),
            "requests": len(server.seen),
            "file_mb_per_day": round(sum(sizes.values()) / len(sizes) / 1e6, 2),
            "past_day_sent_mb": round(sum(server.bytes_sent[d] for d in past) / len(past) / 1e6, 2),
            "past_day_share_of_file": round(
                sum(server.bytes_sent[d] for d in past) / sum(sizes[d] for d in past), 3
            ),
            "newest_day_sent_mb": round(server.bytes_sent[newest] / 1e6, 2),
            "mirror_daily_mb": round(
                sum(p.stat().st_size for p in mirror.daily_dir.glob("*.parquet")) / 1e6, 1
            ),
            "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
