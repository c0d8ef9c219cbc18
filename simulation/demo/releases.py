"""When each generation of an open family came out, so the demo's models are created in their
family's real order (a Qwen3 after a Qwen2.5, no DeepSeek-V4 in 2024).

A model whose name matches a rule is created within a few weeks after its generation's release
(a lab's repackagings and sizes follow the release); a name no rule matches keeps the random
date `hub.model_attributes` draws. Dates are the public release days (month precision where
only the month is known); the demo's 2026 generations are the demo's own fiction, placed
before the OpenRouter listings that name them.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

# First match wins, on the lowercased repository name: the specific generation before the
# family's older ones (`qwen3.5` before `qwen3`, `qwen2.5-coder` before `qwen2.5`).
RELEASES: tuple[tuple[str, str], ...] = (
    (r"qwen3\.6", "2026-04-02"),
    (r"qwen3\.5", "2026-02-16"),
    (r"qwen3-coder", "2025-07-22"),
    (r"qwen3", "2025-04-29"),
    (r"qwq", "2024-11-28"),
    (r"qwen2\.5-vl", "2025-01-28"),
    (r"qwen2\.5-coder", "2024-09-19"),
    (r"qwen2\.5", "2024-09-19"),
    (r"qwen2", "2024-06-07"),
    (r"deepseek-v4", "2026-01-20"),
    (r"deepseek-v3\.2", "2025-09-29"),
    (r"deepseek-v3\.1", "2025-08-21"),
    (r"deepseek-r1", "2025-01-20"),
    (r"deepseek-v3", "2024-12-26"),
    (r"deepseek-coder-v2", "2024-06-17"),
    (r"deepseek-v2", "2024-05-06"),
    (r"deepseek-(coder|llm)", "2023-11-02"),
    (r"kimi-k2\.[5-9]", "2026-01-27"),
    (r"kimi-k2", "2025-07-11"),
    (r"glm-5", "2026-02-11"),
    (r"glm-4\.7", "2025-12-22"),
    (r"glm-4\.6", "2025-09-30"),
    (r"glm-4\.5", "2025-07-28"),
    (r"glm-(4\.1v|z1)", "2025-04-14"),
    (r"minimax-m2\.[5-9]", "2026-02-12"),
    (r"minimax-m2", "2025-10-27"),
    (r"minimax-m1", "2025-06-16"),
    (r"minimax-(vl-|text-)01", "2025-01-14"),
    (r"llama-4", "2025-04-05"),
    (r"llama-3\.3", "2024-12-06"),
    (r"llama-3\.2", "2024-09-25"),
    (r"llama-(guard-3|3\.1)", "2024-07-23"),
    (r"llama-3", "2024-04-18"),
    (r"llama-2", "2023-07-18"),
    (r"gemma-3n", "2025-06-26"),
    (r"t5gemma", "2025-07-09"),
    (r"gemma-3", "2025-03-12"),
    (r"paligemma2", "2024-12-05"),
    (r"gemma-2", "2024-06-27"),
    (r"codegemma", "2024-04-09"),
    (r"phi-4", "2024-12-12"),
    (r"phi-3\.5", "2024-08-20"),
    (r"phi-3", "2024-04-23"),
    (r"yi-coder", "2024-09-05"),
    (r"yi-1\.5", "2024-05-12"),
    (r"aya-vision", "2025-03-04"),
    (r"command-a", "2025-03-13"),
    (r"command-r7b", "2024-12-13"),
    (r"aya-expanse", "2024-10-24"),
    (r"aya-23", "2024-05-23"),
    (r"command-r", "2024-03-11"),
    (r"devstral", "2025-05-21"),
    (r"voxtral", "2025-07-15"),
    (r"pixtral", "2024-09-11"),
)
# Mistral's names carry their release as YYMM (`Mistral-Small-2506`, `Devstral-Small-2507`).
_YYMM = r"(?:^|[^\d.])(2[3-6])(0[1-9]|1[0-2])(?:$|\D)"


def release_dates(names: pl.Series) -> pl.Series:
    """The release of the generation each repository name belongs to (null where no rule
    matches), in the order of `names`."""
    lower = pl.col("name").str.to_lowercase()
    released = pl.lit(None, dtype=pl.Date)
    for pattern, day in reversed(RELEASES):
        released = (
            pl.when(lower.str.contains(pattern))
            .then(pl.lit(dt.date.fromisoformat(day)))
            .otherwise(released)
        )
    stamped = pl.date(
        2000 + lower.str.extract(_YYMM, 1).cast(pl.Int32),
        lower.str.extract(_YYMM, 2).cast(pl.Int32),
        1,
    )
    mistral = lower.str.contains("stral") & lower.str.contains(_YYMM)
    # The rules run once per distinct name (a kit's names repeat over two million models, with
    # `-r2`, `-r3`... suffixes), then join back: seconds, not a minute.
    frame = pl.DataFrame({"name": names}).with_columns(
        pl.col("name").str.replace(r"-r\d+$", "").alias("base")
    )
    distinct = (
        frame.select(pl.col("base").unique().alias("name"))
        .with_columns(pl.when(mistral).then(stamped).otherwise(released).alias("released"))
        .rename({"name": "base"})
    )
    return frame.join(distinct, on="base", how="left", maintain_order="left")["released"]
