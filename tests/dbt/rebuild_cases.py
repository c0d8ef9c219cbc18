"""The cases of issue 24's "Done when", walked in order on a rebuild chain (rebuild_chain.py):
the data each one plants and the run that follows it."""

from __future__ import annotations

import datetime as dt

import polars as pl

from tests.dbt.rebuild_chain import FETCHED_AT, Chain, Checkpoint

# Planted in the raw layer: a model the Hub deleted after the first day (its family is kept
# from the rules before a change), and one seen only on the day that is later evicted (a broken
# export's stray row).
GONE_AFTER_FIRST_DAY = "mistralai/Mixtral-8x7B-v0.1-gone-after-day-one"
ONLY_ON_EVICTED_DAY = "deepseek-ai/DeepSeek-only-on-the-evicted-day"
# Its lineage (the tag the live API sends): a record of `int_hub__lineage_records`.
LINEAGE = "base_model:finetune:deepseek-ai/DeepSeek-R1"
EVICTED = 3  # the day evicted and re-admitted, and refetched by the rerun


def with_model(frame: pl.DataFrame, model_id: str, *tags: str) -> pl.DataFrame:
    """The day's rows and one more: a copy of its first row under another id, with more tags."""
    row = frame.head(1).with_columns(
        id=pl.lit(model_id), tags=pl.col("tags").list.concat(pl.lit(list(tags), pl.List(pl.String)))
    )
    return pl.concat([frame, row])


def refetched(frame: pl.DataFrame) -> pl.DataFrame:
    """A later fetch of a day that differs from the first: one model missing, every seventh
    lifetime counter higher (the newest fetch of a day wins whole)."""
    counters = pl.col("downloadsAllTime")
    bumped = pl.when(pl.int_range(pl.len()) % 7 == 0).then(counters + 1000).otherwise(counters)
    return frame.slice(1).with_columns(bumped.alias("downloadsAllTime"))


def mixtral_apart(rules: str) -> str:
    """A family rule change: Mixtral models no longer counted as Mistral (a rule ahead of it)."""
    lines = rules.splitlines()
    at = next(i for i, line in enumerate(lines) if line.endswith(",Mistral"))
    priority = int(lines[at].split(",", 1)[0]) - 5
    return "\n".join([*lines[:at], f"{priority},mixtral,Mixtral", *lines[at:]]) + "\n"


def walk(chain: Chain) -> list[Checkpoint]:
    """The cases of issue 24, in order, each ending in a checkpoint. Days 0 to 5; day 2 is a
    gap, day 4 a stale copy of day 3 (the source did not refresh)."""
    chain.store(0, with_model(chain.demo_frame(0), GONE_AFTER_FIRST_DAY))
    chain.store(1, chain.demo_frame(1))
    chain.store(EVICTED, with_model(chain.demo_frame(EVICTED), ONLY_ON_EVICTED_DAY, LINEAGE))
    chain.run(chain.day(0))
    chain.checkpoint("first_days", from_nothing=True)

    chain.store(4, chain.demo_frame(EVICTED))
    chain.run(chain.day(4))
    chain.store(5, chain.demo_frame(5))
    chain.run(chain.day(5))
    chain.checkpoint("day_by_day_to_the_last_day")

    # A run over days 3 and 4 that fetched day 3 again and got other figures.
    later = FETCHED_AT + dt.timedelta(hours=1)
    chain.store(EVICTED, refetched(chain.demo_frame(EVICTED)), fetched_at=later)
    chain.run(chain.day(EVICTED))
    chain.checkpoint("rerun_mid_window")

    # The next runs are reruns of the newest day; the window reaches back on its own.
    chain.evict(EVICTED)
    chain.run(chain.day(5))
    chain.checkpoint("eviction")

    chain.readmit(EVICTED)
    chain.run(chain.day(5))
    chain.checkpoint("re_admission")

    chain.change_family_rules(mixtral_apart)
    chain.run(chain.day(5))
    chain.checkpoint("changed_family_rule")
    return chain.checkpoints
