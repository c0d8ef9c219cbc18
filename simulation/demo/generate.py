"""Write a whole demo folder, and keep one up to date without ever exposing half of one.

`generate_demo` writes every part, then the stamp `DEMO.json` last: a folder with a stamp is
complete. `ensure_demo` generates into a hidden temporary sibling and renames it into place,
so a generation killed halfway leaves only a `.<name>.tmp-*` folder (removed on the next
call), never a folder that looks complete; an outdated folder is replaced the same way.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import polars as pl

from ingestion.atomic import replacing
from simulation.demo.catalog import generate_catalog
from simulation.demo.hub import generate_hub
from simulation.demo.names import tracked_models
from simulation.demo.openrouter import generate_openrouter
from simulation.demo.price_models import hub_anchors
from simulation.demo.rankings import generate_rankings
from simulation.demo.seeds import read_seeds
from simulation.demo.spec import DEMO_VERSION, DemoSpec, DemoSummary, Faults

STAMP = "DEMO.json"
DEFAULT_SPEC = DemoSpec()  # frozen: safe to share as a default argument
README = """# GENERATED demo data: not observed

Everything in this folder was invented by `simulation/demo` (version {version}) from seed
{seed}: Hub download counters, the catalog's community derivatives, OpenRouter prices and usage
rankings. Model ids are made up to look like real ones; no value was measured anywhere.
The generation is deterministic: the same spec gives the same bytes. Faults are planted on
purpose (missing days, stale days, counter corrections, a broken day); `DEMO.json` says where.
"""


def generate_demo(
    out_dir: Path, spec: DemoSpec = DEFAULT_SPEC, *, registry_csv: Path | None = None
) -> DemoSummary:
    """Write the demo data set of `spec` into `out_dir`, which must be missing or empty."""
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise FileExistsError(f"{out_dir} is not empty: use ensure_demo to replace a demo folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    seeds = read_seeds(registry_csv)
    anchors = hub_anchors(seeds)
    models = tracked_models(spec, seeds, anchors)
    hub = generate_hub(spec, models, out_dir)
    registry_orgs = set(seeds.registry["hub_org"].to_list())
    catalog = generate_catalog(spec, hub, registry_orgs, out_dir)
    anchor_ids = [f"{org}/{name}" for org, names in anchors.items() for name in names]
    on_hub = set(models.filter(pl.col("id").is_in(anchor_ids))["id"].to_list())
    prices = generate_openrouter(spec, seeds, hub.catalog_view, on_hub, out_dir)
    paired = set(seeds.pairs["model_id"].to_list()) | set(seeds.pairs["reference_model_id"])
    rankings = generate_rankings(spec, prices, paired, out_dir)
    faults = Faults.for_days(spec.days)
    batch_days = [d for d in prices.days if prices.batch.listed(d)]
    summary = DemoSummary(
        out_dir=str(out_dir),
        spec=spec,
        hub_days=hub.days,
        gap_days=hub.gap_days,
        stale_day=None if faults.stale is None else spec.day(faults.stale),
        partly_stale_day=None if faults.partly_stale is None else spec.day(faults.partly_stale),
        correction_day=None if faults.correction is None else spec.day(faults.correction),
        corrected_ids=hub.corrected_ids,
        bad_day=None if faults.bad is None else spec.day(faults.bad),
        tracked_models=hub.tracked_models,
        crossover_day=hub.crossover_day,
        catalog_day=hub.catalog_day,
        catalog_rows=catalog.rows,
        derivative_rows=catalog.derivative_rows,
        price_days=prices.days,
        price_models=len(prices.listed(prices.days[-1])),
        price_changes=prices.changes,
        batch_variant=prices.batch.id,
        batch_days=(batch_days[0], batch_days[-1]) if batch_days else (spec.start, spec.start),
        rankings_days=tuple(rankings),
    )
    (out_dir / "README.md").write_text(README.format(version=DEMO_VERSION, seed=spec.seed))
    files = sum(1 for p in out_dir.rglob("*") if p.is_file()) + 1  # and the stamp
    summary = dataclasses.replace(summary, files=files)
    stamp = {"version": DEMO_VERSION, "spec": spec.as_json(), "summary": summary.as_json()}
    (out_dir / STAMP).write_text(json.dumps(stamp, indent=2) + "\n")
    return summary


def is_current(out_dir: Path, spec: DemoSpec) -> bool:
    """The folder holds a complete demo of this version and spec."""
    try:
        stamp = json.loads((Path(out_dir) / STAMP).read_text())
    except (OSError, json.JSONDecodeError):
        return False
    return stamp.get("version") == DEMO_VERSION and stamp.get("spec") == spec.as_json()


def ensure_demo(out_dir: Path, spec: DemoSpec = DEFAULT_SPEC) -> bool:
    """Generate the demo into `out_dir` unless it already holds this one; True if it did."""
    out_dir = Path(out_dir)
    if is_current(out_dir, spec):
        return False
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    for leftover in out_dir.parent.glob(f".{out_dir.name}.*"):  # a generation killed earlier
        shutil.rmtree(leftover, ignore_errors=True)
    if out_dir.exists():
        shutil.rmtree(out_dir)  # an outdated demo: a replaced folder must be gone first
    with replacing(out_dir, folder=True) as work:
        generate_demo(work, spec)
    return True
