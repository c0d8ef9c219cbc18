"""An old hub-stats revision in a run (`modelId` for `id`, only the 30-day `downloads`): stored,
not refused; its figures land in fct_model_downloads_window labelled `hub_30d_window`, and the
counter differences of fct_model_downloads_daily pass over its day as a gap, never mixing the
two measures. Recomputed here from the files."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from tests.plugins.demo import DEMO_DIR
from tests.plugins.pipeline import run_pipeline


def test_a_30_day_only_revision_is_labelled_and_kept_apart(tmp_path, demo):
    folder = tmp_path / "recordings"
    daily = folder / "hub" / "daily"
    daily.mkdir(parents=True)
    days = sorted((DEMO_DIR / "hub" / "daily").glob("*.parquet"))[-5:]
    for path in days:
        (daily / path.name).write_bytes(path.read_bytes())
    (folder / "hub" / f"hub_stats_{days[-1].stem}").with_suffix(".parquet").write_bytes(
        days[-1].read_bytes()
    )
    (folder / "openrouter").symlink_to(DEMO_DIR / "openrouter")
    old_day = days[2].stem
    old = pl.read_parquet(days[2])
    old = old.with_columns((pl.col("downloadsAllTime") // 10).alias("downloads")).drop(
        "downloadsAllTime"
    )
    old.rename({"id": "modelId"}).write_parquet(daily / f"{old_day}.parquet")

    data_dir = tmp_path / "data"
    run_pipeline(data_dir, "--start", days[0].stem, "--end", days[-1].stem, recordings=folder)

    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        window = con.sql(
            "select model_id, snapshot_date, window_start_date, downloads_30d, downloads_method "
            "from marts.fct_model_downloads_window"
        ).pl()
        on_old_day = con.execute(
            "select distinct downloads_method, is_interpolated from marts.fct_model_downloads_daily "
            "where download_date = ?",
            [dt.date.fromisoformat(old_day)],
        ).fetchall()
        across = pl.DataFrame(
            con.execute(
                "select model_id, cast(sum(downloads) as bigint) from marts.fct_model_downloads_daily "
                "where download_date > ? and download_date <= ? group by model_id",
                [dt.date.fromisoformat(days[1].stem), dt.date.fromisoformat(days[3].stem)],
            ).fetchall(),
            schema={"model_id": pl.String, "downloads": pl.Int64},
            orient="row",
        )

    expected = old.select(
        pl.col("id").alias("model_id"), pl.col("downloads").alias("downloads_30d")
    )
    assert (
        window.select("model_id", "downloads_30d")
        .sort("model_id")
        .equals(expected.sort("model_id"))
    )
    assert window["downloads_method"].unique().to_list() == ["hub_30d_window"]
    assert window["snapshot_date"].unique().to_list() == [dt.date.fromisoformat(old_day)]
    assert window["window_start_date"].unique().to_list() == [
        dt.date.fromisoformat(old_day) - dt.timedelta(days=29)
    ]
    # The old day is a gap of the counter: its rows are interpolated counter differences.
    assert on_old_day == [("lifetime_counter", True)]
    before, after = (pl.read_parquet(days[i], columns=["id", "downloadsAllTime"]) for i in (1, 3))
    differences = before.join(after, on="id", suffix="_after").select(
        pl.col("id").alias("model_id"),
        (pl.col("downloadsAllTime_after") - pl.col("downloadsAllTime")).clip(0).alias("expected"),
    )
    compared = across.join(differences, on="model_id")
    assert compared.height > 0
    assert (compared["downloads"] == compared["expected"]).all()
