"""The demo's tracked Hub models: ids, orgs and attributes, built vectorised.

Models are spread over the registry's orgs by a multinomial draw on the kits' weights, so a
few developers hold most of them and the long tail gets one to three (or none). Each org's
names come from its kit in a per-org shuffled order, after its anchors (names the OpenRouter
part needs on the Hub); an org with more models than names repeats them with `-r2`, `-r3`...
(a suffix no kit name ends with, so ids stay unique).
Everything is NumPy or Polars over whole columns, so two million models cost seconds.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from simulation.demo.kits import kit_for
from simulation.demo.seeds import Seeds
from simulation.demo.spec import STREAM_MODELS, DemoSpec, rng

# First matching rule wins: (regex on the lowercased name, pipeline_tag, library_name).
_TASKS: tuple[tuple[str, str, str], ...] = (
    (r"gguf", "text-generation", "gguf"),
    (r"whisper", "automatic-speech-recognition", "transformers"),
    (r"flux|stable-diffusion|image-2|edit|3d$|world", "text-to-image", "diffusers"),
    (r"wan2|video|t2v|i2v", "text-to-video", "diffusers"),
    (r"embed|bge-|reranker|arctic-embed", "feature-extraction", "sentence-transformers"),
    (r"bert|dinov2|siglip|clip-", "feature-extraction", "transformers"),
    (r"t5|bart|nllb|translate", "text2text-generation", "transformers"),
    (r"audio|tts", "audio-text-to-text", "transformers"),
    (
        r"-vl|vision|pixtral|paligemma|internvl|idefics|molmo|smolvlm|cogvlm|minicpm-[vo]|ocr|"
        r"kosmos|multimodal|glm-4v|4\.1v|r1v|omni|janus",
        "image-text-to-text",
        "transformers",
    ),
)


def org_weights(orgs: list[str]) -> np.ndarray:
    weights = np.array([kit_for(org).weight for org in orgs], dtype=np.float64)
    return weights / weights.sum()


def stem_table(spec: DemoSpec, orgs: list[str], anchors: dict[str, list[str]]) -> pl.DataFrame:
    """One row per (org, slot): the org's names, anchors first, the rest shuffled per org."""
    columns: dict[str, list] = {"org": [], "slot": [], "stem": [], "stems": [], "license": []}
    for index, org in enumerate(orgs):
        first = anchors.get(org, [])
        rest = [n for n in kit_for(org).names() if n not in first]
        order = rng(spec, STREAM_MODELS, 1, index).permutation(len(rest))
        names = [*first, *(rest[i] for i in order)]
        columns["org"] += [org] * len(names)
        columns["slot"] += range(len(names))
        columns["stem"] += names
        columns["stems"] += [len(names)] * len(names)
        columns["license"] += [kit_for(org).license] * len(names)
    return pl.DataFrame(columns, schema_overrides={"slot": pl.Int64, "stems": pl.Int64})


def tracked_models(
    spec: DemoSpec, seeds: Seeds, anchors: dict[str, list[str]] | None = None
) -> pl.DataFrame:
    """`spec.models` tracked models sorted by id: id, author, name, pipeline_tag, library_name,
    license, country. Anchor names come first in their org, so a big org always has them."""
    # Repackagers of a developer's country (quantizers, format converters) would count its
    # copies as that country's originals: the tracked models leave them out. The community
    # repackagers without a country stay, the demo's organisations that carry no country.
    orgs = seeds.registry.filter(
        (pl.col("org_type") != "repackager") | (pl.col("country") == "unattributed")
    )["hub_org"].to_list()
    counts = rng(spec, STREAM_MODELS, 0).multinomial(spec.models, org_weights(orgs))
    org_index = np.repeat(np.arange(len(orgs)), counts)
    offsets = np.repeat(np.cumsum(counts) - counts, counts)
    slot = np.arange(spec.models, dtype=np.int64) - offsets
    stems = stem_table(spec, orgs, anchors or {})
    models = (
        pl.DataFrame({"org": pl.Series(orgs, dtype=pl.String).gather(org_index), "rank": slot})
        .join(stems.select("org", "stems").unique(), on="org", how="left")
        .with_columns((pl.col("rank") % pl.col("stems")).alias("slot"))
        .join(stems.drop("stems"), on=["org", "slot"], how="left")
        .with_columns(
            pl.when(pl.col("rank") >= pl.col("stems"))
            .then(pl.format("{}-r{}", "stem", pl.col("rank") // pl.col("stems") + 1))
            .otherwise(pl.col("stem"))
            .alias("name")
        )
    )
    lower = pl.col("name").str.to_lowercase()
    task, library = pl.lit("text-generation"), pl.lit("transformers")
    for pattern, pipeline_tag, library_name in reversed(_TASKS):
        task = pl.when(lower.str.contains(pattern)).then(pl.lit(pipeline_tag)).otherwise(task)
        library = pl.when(lower.str.contains(pattern)).then(pl.lit(library_name)).otherwise(library)
    country = dict(zip(seeds.registry["hub_org"], seeds.registry["country"], strict=True))
    return (
        models.select(
            pl.format("{}/{}", "org", "name").alias("id"),
            pl.col("org").alias("author"),
            "name",
            task.alias("pipeline_tag"),
            library.alias("library_name"),
            "license",
            pl.col("org").replace_strict(country, return_dtype=pl.String).alias("country"),
        )
        .sort("id")
        .with_row_index("model_index")
    )


def anchor_name(slug: str) -> str:
    """An OpenRouter slug as a Hub repo name: `deepseek-v4-pro` -> `DeepSeek-V4-Pro`,
    `qwen3.5-397b-a17b` -> `Qwen3.5-397B-A17B` (the Hub's usual capitalisation)."""
    special = {"deepseek": "DeepSeek", "glm": "GLM", "minimax": "MiniMax", "qwq": "QwQ"}

    def word(token: str) -> str:
        if token in special:
            return special[token]
        if any(ch.isdigit() for ch in token) and len(token) <= 5:
            return token.upper()
        return token[:1].upper() + token[1:]

    return "-".join(word(token) for token in slug.split("-"))
