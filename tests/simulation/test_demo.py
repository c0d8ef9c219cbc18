"""The demo generator: same bytes every run, readable by the pipeline's own readers and
quality suites, and every planted fault where the summary says, caught by the Hub gate.

Every expectation is computed from the generated files (or the seeds), never pasted.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import re
from pathlib import Path

import polars as pl
import pytest

from ingestion.hub.quality import MAX_SHARE_DOWN, validate_hub_snapshot
from ingestion.hub.recorded import read_snapshot_file
from ingestion.hub.schema import HUB_SNAPSHOT_SCHEMA
from ingestion.prices.parse import models_frame
from ingestion.prices.quality import UNKNOWN_PRICE, validate_price_snapshot
from ingestion.quality.counters import COUNTER_CORRECTIONS, COUNTERS_WENT_DOWN_AT_ONCE
from ingestion.quality.expectations import shared_validator
from simulation.demo import DEMO_VERSION, DemoSpec, DemoSummary, ensure_demo, generate_demo
from simulation.demo.seeds import SEEDS_DIR
from simulation.demo.spec import MIN_DAYS_FOR_FAULTS

SMALL = DemoSpec(models=30, days=5, price_days=12, rankings_days=3)
REGISTRY = pl.read_csv(SEEDS_DIR / "developer_registry.csv", infer_schema=False)
PAIRS = pl.read_csv(SEEDS_DIR / "reference_model_pairs.csv", infer_schema=False)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, DemoSummary]:
    out = tmp_path_factory.mktemp("demo") / "data"
    return out, generate_demo(out)


def hub_day(out: Path, day: dt.date) -> pl.DataFrame:
    path = out / "hub" / "daily" / f"{day.isoformat()}.parquet"
    return read_snapshot_file(path, day).frame


def price_day(out: Path, day: dt.date) -> dict:
    return json.loads(
        gzip.decompress((out / "openrouter" / "daily" / f"{day}.json.gz").read_bytes())
    )


def digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def changes(out: Path, days: tuple[dt.date, ...], column: str) -> dict[dt.date, pl.DataFrame]:
    """Per day with a file: the models whose `column` is below the previous file's."""
    result, previous = {}, None
    for day in days:
        frame = hub_day(out, day).select("id", column)
        if previous is not None:
            both = frame.join(previous, on="id", suffix="_before")
            result[day] = both.filter(pl.col(column) < pl.col(f"{column}_before"))
        previous = frame
    return result


def test_the_same_spec_gives_the_same_bytes(demo, tmp_path):
    out, _ = demo
    again = tmp_path / "again"
    generate_demo(again)
    assert digests(again) == digests(out)
    assert len(digests(out)) == json.loads((out / "DEMO.json").read_text())["summary"]["files"]


def test_the_stamp_and_readme_say_generated_and_how(demo):
    out, summary = demo
    stamp = json.loads((out / "DEMO.json").read_text())
    assert stamp["version"] == DEMO_VERSION
    assert stamp["spec"] == DemoSpec().as_json()
    assert stamp["summary"]["bad_day"] == summary.bad_day.isoformat()
    readme = (out / "README.md").read_text()
    assert "GENERATED" in readme and str(DemoSpec().seed) in readme and "deterministic" in readme


def test_every_hub_day_reads_and_gaps_have_no_file(demo):
    out, summary = demo
    spec = summary.spec
    files = sorted(p.stem for p in (out / "hub" / "daily").glob("*.parquet"))
    window = [spec.day(i) for i in range(spec.days)]
    assert files == [d.isoformat() for d in summary.hub_days]
    assert set(summary.hub_days) | set(summary.gap_days) == set(window)
    assert 2 <= len(summary.gap_days) <= 3
    for day in summary.hub_days:
        snapshot = read_snapshot_file(out / "hub" / "daily" / f"{day}.parquet", day)
        assert snapshot.report.extra_columns == []
        assert snapshot.frame["id"].is_unique().all()
        assert (
            snapshot.frame.select(pl.col("tags").list.first().str.starts_with("license:"))
            .to_series()
            .all()
        )


def test_counters_only_go_down_on_the_correction_and_the_bad_day(demo):
    out, summary = demo
    downloads = changes(out, summary.hub_days, "downloadsAllTime")
    went_down = {day: frame.height for day, frame in downloads.items() if frame.height}
    assert set(went_down) == {summary.correction_day, summary.bad_day}
    corrected = downloads[summary.correction_day]
    assert sorted(corrected["id"]) == sorted(summary.corrected_ids)
    shared = hub_day(out, summary.correction_day).height
    assert corrected.height / shared < MAX_SHARE_DOWN
    after_bad = summary.bad_day + dt.timedelta(days=1)
    before_bad = hub_day(out, summary.bad_day - dt.timedelta(days=1)).select(
        "id", "downloadsAllTime"
    )
    recovered = hub_day(out, after_bad).join(before_bad, on="id", suffix="_before")
    assert recovered.filter(
        pl.col("downloadsAllTime") < pl.col("downloadsAllTime_before")
    ).is_empty()
    assert all(frame.is_empty() for frame in changes(out, summary.hub_days, "likes").values())


def test_the_hub_gate_warns_on_the_correction_and_quarantines_the_bad_day(demo):
    out, summary = demo
    verdicts = {}
    for day in (summary.correction_day, summary.bad_day):
        path = out / "hub" / "daily" / f"{day}.parquet"
        snapshot = read_snapshot_file(path, day)
        verdicts[day] = validate_hub_snapshot(
            day,
            snapshot.frame,
            location=str(path),
            report=snapshot.report,
            previous=hub_day(out, day - dt.timedelta(days=1)),
            validator=shared_validator(),
        )
    correction = verdicts[summary.correction_day]
    assert correction.accepted
    warned = {r.rule: r for r in correction.warnings}
    assert set(warned[COUNTER_CORRECTIONS].sample_ids) == set(summary.corrected_ids)
    bad = verdicts[summary.bad_day]
    assert not bad.accepted
    assert [r.rule for r in bad.blocking_failures] == [COUNTERS_WENT_DOWN_AT_ONCE]
    assert bad.blocking_failures[0].unexpected_count / bad.blocking_failures[0].element_count > 0.5


def test_the_stale_day_is_a_copy_and_the_partly_stale_day_keeps_about_half(demo):
    out, summary = demo
    folder = out / "hub" / "daily"
    stale, before = summary.stale_day, summary.stale_day - dt.timedelta(days=1)
    assert (folder / f"{stale}.parquet").read_bytes() == (folder / f"{before}.parquet").read_bytes()

    def unchanged_share(day: dt.date) -> float:
        today = hub_day(out, day)
        yesterday = hub_day(out, day - dt.timedelta(days=1))
        both = today.join(yesterday, on="id", suffix="_before")
        return (
            both.filter(pl.col("downloadsAllTime") == pl.col("downloadsAllTime_before")).height
            / both.height
        )

    assert 0.45 < unchanged_share(summary.partly_stale_day) < 0.65
    normal = summary.partly_stale_day + dt.timedelta(days=2)
    assert unchanged_share(normal) < 0.05


def test_models_appear_during_the_window_on_or_after_their_creation(demo):
    out, summary = demo
    first_seen: dict[str, dt.date] = {}
    created: dict[str, dt.datetime] = {}
    for day in summary.hub_days:
        for model_id, created_at in hub_day(out, day).select("id", "createdAt").iter_rows():
            first_seen.setdefault(model_id, day)
            created[model_id] = created_at
    assert len(first_seen) == summary.tracked_models == summary.spec.models
    late = [m for m, day in first_seen.items() if day > summary.hub_days[0]]
    assert len(late) >= 0.05 * len(first_seen)
    assert all(created[m].date() <= first_seen[m] for m in first_seen)
    assert all(created[m].date() > summary.hub_days[0] for m in late)


def daily_added_by_country(out: Path, summary: DemoSummary) -> pl.DataFrame:
    """True daily downloads by country, from consecutive-day pairs without a planted fault."""
    faults = {summary.stale_day, summary.partly_stale_day, summary.correction_day, summary.bad_day}
    country = dict(zip(REGISTRY["hub_org"], REGISTRY["country"], strict=True))
    rows = []
    for day in summary.hub_days:
        before = day - dt.timedelta(days=1)
        if day in faults or before in faults or before not in summary.hub_days:
            continue
        both = hub_day(out, day).join(hub_day(out, before), on="id", suffix="_before")
        added = both.select(
            pl.col("author").replace_strict(country).alias("country"),
            (pl.col("downloadsAllTime") - pl.col("downloadsAllTime_before")).alias("added"),
        )
        rows.append(
            added.group_by("country").agg(pl.col("added").sum()).with_columns(day=pl.lit(day))
        )
    return pl.concat(rows).pivot("country", index="day", values="added").sort("day")


def test_china_overtakes_the_us_around_the_middle_and_downloads_are_heavy_tailed(demo):
    out, summary = demo
    by_day = daily_added_by_country(out, summary)
    ahead = by_day.filter(pl.col("CN") > pl.col("US"))["day"]
    assert by_day["CN"][0] < by_day["US"][0] and by_day["CN"][-1] > by_day["US"][-1]
    position = (ahead[0] - summary.spec.start).days / summary.spec.days
    assert 0.25 < position < 0.75
    assert summary.crossover_day is not None
    last, before = summary.hub_days[-1], summary.hub_days[-2]
    both = hub_day(out, last).join(hub_day(out, before), on="id", suffix="_before")
    added = both["downloadsAllTime"] - both["downloadsAllTime_before"]
    assert added.quantile(0.99) / max(added.quantile(0.05), 1) > 1_000


def family_of(name: str, rules: list[tuple[re.Pattern, str]]) -> str | None:
    return next((family for pattern, family in rules if pattern.search(name.lower())), None)


def test_model_names_hit_the_family_rules(demo):
    out, summary = demo
    seed = pl.read_csv(SEEDS_DIR / "model_family_rules.csv").sort("priority")
    rules = [(re.compile(p), f) for p, f in zip(seed["pattern"], seed["family"], strict=True)]
    names = hub_day(out, summary.hub_days[-1])["id"].str.split("/").list.last().to_list()
    families = [family_of(name, rules) for name in names]
    assert sum(f is not None for f in families) / len(names) > 0.85
    wanted = {"Qwen", "Llama", "Gemma", "DeepSeek", "GLM", "Kimi", "MiniMax", "Mistral", "Phi"}
    assert wanted <= set(families)


def test_the_catalog_has_the_four_relations_merges_and_chains(demo):
    out, summary = demo
    path = out / "hub" / f"hub_stats_{summary.catalog_day}.parquet"
    snapshot = read_snapshot_file(path, summary.catalog_day)
    assert snapshot.report.missing_columns == [] and snapshot.report.extra_columns == []
    assert pl.read_parquet(path).schema == HUB_SNAPSHOT_SCHEMA
    catalog = snapshot.frame
    edges = catalog.filter(pl.col("baseModels").is_not_null()).select(
        "id",
        pl.col("baseModels").struct.field("relation").alias("relation"),
        pl.col("baseModels")
        .struct.field("models")
        .list.eval(pl.element().struct.field("id"))
        .alias("parents"),
    )
    assert set(edges["relation"]) == {"finetune", "merge", "quantized", "adapter"}
    merges = edges.filter(pl.col("relation") == "merge")["parents"].list.len()
    assert merges.min() >= 2 and merges.max() == 3
    tracked = (
        set(hub_day(out, summary.catalog_day)["id"])
        if summary.catalog_day in summary.hub_days
        else set()
    )
    assert tracked <= set(catalog["id"])
    assert set(edges["id"]).isdisjoint(tracked)
    assert 5 <= edges.height / (catalog.height - edges.height) <= 8
    orgs = set(REGISTRY["hub_org"])
    assert not set(edges["id"].str.split("/").list.first()) & orgs
    flat = edges.explode("parents")
    assert set(flat["parents"]) <= set(catalog["id"])
    relation = dict(zip(edges["id"], edges["relation"], strict=True))
    parent = dict(zip(flat["id"], flat["parents"], strict=False))
    chains = [
        m
        for m, r in relation.items()
        if r == "quantized"
        and relation.get(parent[m]) == "finetune"
        and parent[parent[m]] not in relation
        and parent[parent[m]].startswith("Qwen/")
    ]
    assert chains, "a quantization of a finetune of a Qwen model"
    merge_of_finetunes = edges.filter(
        (pl.col("relation") == "merge")
        & pl.col("parents")
        .list.eval(pl.element().replace_strict(relation, default="root") == "finetune")
        .list.all()
    )
    assert merge_of_finetunes.height > 0
    children = flat.group_by("parents").len()
    counted = catalog.join(children, left_on="id", right_on="parents", how="left")
    assert (counted["childrenModelCount"] == counted["len"].fill_null(0)).all()


def test_every_price_day_parses_passes_the_suite_and_lists_every_pair(demo):
    out, summary = demo
    files = sorted(p.name for p in (out / "openrouter" / "daily").glob("*.json.gz"))
    assert files == [f"{d}.json.gz" for d in summary.price_days]
    assert summary.price_days[0] <= summary.spec.start - dt.timedelta(days=150)
    pair_ids = set(PAIRS["model_id"]) | set(PAIRS["reference_model_id"])
    # The verdict is a function of (frame, previous frame): days whose answer repeats the same
    # pair of bodies share one validation, so the GX suite runs once per distinct pair.
    verdicts: dict[tuple[str, str | None], list[str]] = {}
    previous, previous_key = None, None
    for day in summary.price_days:
        raw = (out / "openrouter" / "daily" / f"{day}.json.gz").read_bytes()
        assert raw[4:8] == b"\x00\x00\x00\x00"  # gzip mtime 0
        frame = models_frame(json.loads(gzip.decompress(raw)), location=f"{day}")
        key = hashlib.sha256(raw).hexdigest()
        if (key, previous_key) not in verdicts:
            verdict = validate_price_snapshot(
                day, frame, location=str(day), previous=previous, validator=shared_validator()
            )
            assert verdict.accepted, verdict.reason()
            verdicts[key, previous_key] = [w.rule for w in verdict.warnings]
        assert verdicts[key, previous_key] == [UNKNOWN_PRICE]
        standard = set(frame.filter(pl.col("price_tier") == "standard")["openrouter_id"])
        assert pair_ids <= standard
        free = frame.filter(pl.col("price_tier") == "free")
        assert free.height == 3 and set(free["price_status"]) == {"free"}
        previous, previous_key = frame, key
    assert 1 < len(verdicts) < len(summary.price_days)


def test_prices_change_only_on_the_summarised_days_and_the_batch_tier_comes_and_goes(demo):
    out, summary = demo
    observed, listed_batch, previous = [], [], None
    for day in summary.price_days:
        prices = {m["id"]: m["pricing"]["prompt"] for m in price_day(out, day)["data"]}
        if summary.batch_variant in prices:
            listed_batch.append(day)
        if previous is not None:
            observed += [
                (day, i, previous[i], p)
                for i, p in prices.items()
                if i in previous and previous[i] != p
            ]
        previous = prices
    expected = [(c.day, c.openrouter_id, c.old_prompt, c.new_prompt) for c in summary.price_changes]
    assert sorted(observed) == sorted(expected)
    ratios = [float(c.new_prompt) / float(c.old_prompt) for c in summary.price_changes]
    assert sum(r < 1 for r in ratios) > sum(r > 1 for r in ratios) > 0
    assert (listed_batch[0], listed_batch[-1]) == summary.batch_days
    assert listed_batch[0] > summary.price_days[0] and listed_batch[-1] < summary.price_days[-1]


def test_open_models_point_at_generated_hub_models(demo):
    out, summary = demo
    hub_ids = set().union(*(set(hub_day(out, d)["id"]) for d in summary.hub_days[-1:]))
    models = price_day(out, summary.price_days[-1])["data"]
    linked = [m["hugging_face_id"] for m in models if m["hugging_face_id"]]
    assert len(linked) >= 20 and set(linked) <= hub_ids
    assert {m["id"].split("/")[0] for m in models if m["hugging_face_id"] == ""} >= {
        "openai",
        "anthropic",
    }


def test_rankings_have_the_documented_shape(demo):
    out, summary = demo
    files = sorted((out / "openrouter" / "rankings_daily").glob("*.json"))
    assert [p.stem for p in files] == [d.isoformat() for d in summary.rankings_days]
    assert summary.rankings_days[-1] == summary.spec.end
    assert len(summary.rankings_days) == summary.spec.rankings_days
    chinese = ("qwen/", "deepseek/", "z-ai/", "moonshotai/", "minimax/")
    for day in summary.rankings_days:
        answer = json.loads((out / "openrouter" / "rankings_daily" / f"{day}.json").read_text())
        rows = answer["data"]
        assert len(rows) == 51 and rows[-1]["model_permaslug"] == "other"
        assert all(
            r["date"] == day.isoformat() and re.fullmatch(r"\d+", r["total_tokens"]) for r in rows
        )
        top = [(-int(r["total_tokens"]), r["model_permaslug"]) for r in rows[:-1]]
        assert top == sorted(top)
        assert answer["meta"] == {
            "as_of": f"{day + dt.timedelta(days=1)}T02:00:00Z",
            "start_date": day.isoformat(),
            "end_date": day.isoformat(),
            "version": "v1",
        }
        models = price_day(out, day)["data"]
        slugs = {
            m["canonical_slug"] + (f":{m['id'].split(':')[1]}" if ":" in m["id"] else ""): m
            for m in models
        }
        assert {r["model_permaslug"] for r in rows[:-1]} <= set(slugs)
        open_rows = [
            (slugs[s]["id"], int(t))
            for t, s in ((r["total_tokens"], r["model_permaslug"]) for r in rows[:-1])
            if slugs[s]["hugging_face_id"]
        ]
        share = sum(t for i, t in open_rows if i.startswith(chinese)) / sum(t for _, t in open_rows)
        assert 0.35 < share < 0.55, (day, share)


def test_ensure_demo_regenerates_only_when_the_stamp_differs(tmp_path):
    out = tmp_path / "demo"
    assert ensure_demo(out, SMALL) is True
    first = digests(out)
    assert ensure_demo(out, SMALL) is False
    longer = DemoSpec(models=30, days=6, price_days=12, rankings_days=3)
    assert ensure_demo(out, longer) is True
    assert len(list((out / "hub" / "daily").glob("*.parquet"))) == 6
    assert ensure_demo(out, SMALL) is True
    assert digests(out) == first  # the outdated folder was replaced, not added to
    (out / "DEMO.json").write_text("{}")
    (tmp_path / ".demo.tmp-killed").mkdir()  # what a killed generation leaves behind
    assert ensure_demo(out, SMALL) is True
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo"]


def test_a_short_window_has_no_faults_and_generate_refuses_a_full_folder(tmp_path):
    summary = generate_demo(tmp_path / "small", SMALL)
    assert SMALL.days < MIN_DAYS_FOR_FAULTS
    assert summary.gap_days == () and summary.bad_day is None and summary.corrected_ids == ()
    assert len(summary.hub_days) == SMALL.days
    with pytest.raises(FileExistsError):
        generate_demo(tmp_path / "small", SMALL)


def test_twenty_thousand_models_over_three_days(tmp_path):
    spec = DemoSpec(models=20_000, days=3, price_days=10, rankings_days=2)
    summary = generate_demo(tmp_path / "big", spec)
    last = read_snapshot_file(tmp_path / "big" / "hub" / "daily" / f"{spec.end}.parquet", spec.end)
    assert last.frame.height == summary.tracked_models > 0.9 * spec.models
    assert last.frame["id"].is_unique().all()
    assert summary.catalog_rows > summary.derivative_rows > 0


def test_a_custom_registry_limits_the_tracked_orgs(tmp_path):
    registry = tmp_path / "registry.csv"
    REGISTRY.filter(pl.col("country").is_in(["CN", "US"])).head(6).write_csv(registry)
    summary = generate_demo(tmp_path / "custom", SMALL, registry_csv=registry)
    frame = hub_day(tmp_path / "custom", summary.hub_days[-1])
    assert set(frame["author"]) <= set(pl.read_csv(registry)["hub_org"])
