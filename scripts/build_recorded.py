"""Build the bundled recorded data (`recorded/`) from the shared recordings.

    python scripts/build_recorded.py [--shared ../shared/data]

Copies every file byte for byte (so the bundle is the recording, not our reading of it), after
checking that each Hub file loads through the same reader the pipeline uses. Re-running it is
safe: it overwrites the bundle with the same bytes and rewrites the provenance file.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingestion.hub.recorded import read_snapshot_file, snapshot_day  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "recorded")
    args = parser.parse_args()
    shared: Path = args.shared
    out: Path = args.out

    daily_out = out / "hub" / "daily"
    catalog_out = out / "hub" / "catalog"
    prices_out = out / "openrouter"
    for folder in (daily_out, catalog_out, prices_out):
        folder.mkdir(parents=True, exist_ok=True)

    for path in sorted((shared / "hub" / "daily").glob("*.parquet")):
        snapshot = read_snapshot_file(path, snapshot_day(path))
        shutil.copyfile(path, daily_out / path.name)
        print(f"hub daily   {path.name}: {snapshot.frame.height} models")

    catalog = shared / "hub" / "hub_stats_2026-05-21.parquet"
    target = catalog_out / "2026-05-21.parquet"
    snapshot = read_snapshot_file(catalog, snapshot_day(target))
    shutil.copyfile(catalog, target)
    print(f"hub catalog {target.name}: {snapshot.frame.height} models")

    for path in sorted((shared / "openrouter").glob("models_*.json")):
        name = path.name.removeprefix("models_")
        shutil.copyfile(path, prices_out / name)
        print(f"openrouter  {name}")

    shutil.copyfile(shared / "README.md", out / "PROVENANCE.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
