"""The community's derivatives of tracked models, generation by generation.

Shares (of all derivatives): about 55% first-generation finetunes, quantizations and adapters
of a tracked model; 18% merges of two or three finetunes (of the same family where there are
enough); about 25% second generation (a GGUF or a finetune of a finetune or a merge); and a
few third-generation quantizations. Roots are drawn by popularity, Qwen and Llama weighted
up, so their derivative ecosystems dominate as they do on the Hub. Small on purpose: plain
Python over a few thousand rows, whatever the number of tracked models.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from simulation.demo.spec import STREAM_CATALOG, DemoSpec, rng


def words(text: str) -> list[str]:
    return text.split()


FINETUNE_TAGS = words(
    "SFT DPO ORPO GRPO Instruct-ft Math Coder Uncensored Roleplay Reasoning Chat Medical Legal"
    " ja de ko fr es abliterated Distill"
)
QUANTS = (  # (name suffix, library): GGUF listed twice, as it is the most common by far
    ("GGUF", "gguf"),
    ("GGUF", "gguf"),
    ("i1-GGUF", "gguf"),
    ("AWQ", "transformers"),
    ("GPTQ-Int4", "transformers"),
    ("FP8-Dynamic", "transformers"),
    ("4bit", "mlx"),
    ("8bit", "mlx"),
    ("bnb-4bit", "transformers"),
)
ADAPTER_TASKS = words("sql chat summarize math tools qa")
MERGE_WORDS = words("Nova Aurora Zephyrine Orion Lumen Tempest Sage Ember Atlas Vesper")
MERGE_METHODS = words("slerp ties dare della Merge")
SYLLABLES = words(
    "ka ren zo mi tal vex lu dor nia qua sen bri ox el fen gra hu jin mar pel ros tiv ul wyn yar"
)
REPACKAGED = r"gguf|awq|gptq|fp8|bnb|4bit|8bit|onnx"  # not what the community builds on
FAMILY_WEIGHT = {
    "qwen": 6.0,
    "qwq": 6.0,
    "llama": 4.0,
    "mistral": 2.0,
    "mixtral": 2.0,
    "gemma": 2.0,
}


@dataclass
class Derivative:
    id: str
    relation: str | None  # None for a tracked root
    parents: tuple[str, ...]
    stem: str  # the root's name, which keeps the family visible in every descendant
    created_at: dt.datetime
    pipeline_tag: str
    library_name: str
    license: str
    parameters: int | None
    last_modified: dt.datetime | None = None
    downloads: int = 0
    downloads_all_time: int = 0
    likes: int = 0
    tags: list[str] = field(default_factory=list)
    card: dict = field(default_factory=dict)


def handles(g: np.random.Generator, count: int, taken: set[str]) -> list[str]:
    """Invented community account names, none of them a registry org."""
    names: list[str] = []
    seen = {t.lower() for t in taken}
    while len(names) < count:
        name = "".join(g.choice(SYLLABLES, size=int(g.integers(2, 4))))
        name += str(int(g.integers(10, 99))) if g.random() < 0.3 else ""
        if name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


def roots(view: pl.DataFrame) -> pl.DataFrame:
    lower = pl.col("name").str.to_lowercase()
    family = pl.lit(1.0)
    for key, weight in FAMILY_WEIGHT.items():
        family = pl.when(lower.str.contains(key)).then(pl.lit(weight)).otherwise(family)
    return view.filter(
        pl.col("pipeline_tag").is_in(["text-generation", "image-text-to-text"])
        & ~lower.str.contains(REPACKAGED)
    ).with_columns((family * (pl.col("downloads") + 10).cast(pl.Float64) ** 0.25).alias("weight"))


def derive(
    spec: DemoSpec, view: pl.DataFrame, day: dt.date, count: int, registry_orgs: set[str]
) -> list[Derivative]:
    candidates = roots(view)
    if count == 0 or candidates.height == 0:
        return []
    g = rng(spec, STREAM_CATALOG, 1)
    end = dt.datetime.combine(day, dt.time(23, 59), dt.UTC)
    accounts = handles(g, max(8, count // 4), registry_orgs)
    account_p = 1 / np.arange(1, len(accounts) + 1) ** 0.8
    account_p /= account_p.sum()
    used: set[str] = set(view["id"].to_list())
    n_merge, n_third = round(0.18 * count), (round(0.02 * count) if count >= 50 else 0)
    n_first = max(round(0.55 * count), 1)
    n_second = max(count - n_first - n_merge - n_third, 0)
    # Drawn at once: one weighted draw per derivative would cost O(accounts) each.
    account_draws = iter(
        g.choice(len(accounts), size=n_first + n_merge + n_second + n_third, p=account_p).tolist()
    )
    weight = candidates["weight"].to_numpy()
    drawn = g.choice(candidates.height, size=n_first, p=weight / weight.sum())
    picked = np.unique(drawn)
    tracked = {
        int(i): Derivative(
            r["id"],
            None,
            (),
            r["name"],
            r["createdAt"],
            r["pipeline_tag"],
            r["library_name"],
            r["license"],
            r["parameters"],
        )
        for i, r in zip(picked, candidates[picked].iter_rows(named=True), strict=True)
    }

    def pick(options: list[str]) -> str:
        return options[int(g.integers(len(options)))]

    def make(relation: str, parents: list[Derivative]) -> Derivative:
        lead = parents[0]
        name, library, params = lead.id.split("/")[1], lead.library_name, lead.parameters
        if relation == "finetune":
            name = f"{name}-{pick(FINETUNE_TAGS)}"
        elif relation == "quantized":
            suffix, library = QUANTS[int(g.integers(len(QUANTS)))]
            name, params = f"{name}-{suffix}", None if library == "gguf" else params
        elif relation == "adapter":
            name, library = f"{name}-lora-{pick(ADAPTER_TASKS)}", "peft"
            params = int(g.integers(10_000_000, 200_000_000))
        else:
            short = "-".join(lead.stem.split("-")[:2])
            name = f"{short}-{pick(MERGE_WORDS)}-{pick(MERGE_METHODS)}"
            library = "transformers"
        author = accounts[next(account_draws)]
        model_id, n = f"{author}/{name}", 1
        while model_id in used:
            n += 1
            model_id = f"{author}/{name}-v{n}"
        used.add(model_id)
        born = max(q.created_at for q in parents)
        created = born + (end - born) * float(g.uniform(0.05, 1.0))
        created = created.replace(microsecond=0)
        return Derivative(
            model_id,
            relation,
            tuple(q.id for q in parents),
            lead.stem,
            created,
            lead.pipeline_tag,
            library,
            lead.license,
            params,
        )

    def weighted(relations: dict[str, float], size: int) -> list[str]:
        keys = list(relations)
        return [keys[i] for i in g.choice(len(keys), size=size, p=list(relations.values()))]

    relations = weighted({"finetune": 0.6, "quantized": 0.28, "adapter": 0.12}, n_first)
    first = [make(rel, [tracked[int(i)]]) for rel, i in zip(relations, drawn, strict=True)]
    finetunes = [d for d in first if d.relation == "finetune"] or list(tracked.values())
    families: dict[str, list[Derivative]] = {}
    for d in finetunes:
        families.setdefault(d.stem.split("-")[0], []).append(d)
    merges = []
    for _ in range(n_merge):
        kin = families[finetunes[int(g.integers(len(finetunes)))].stem.split("-")[0]]
        pool = kin if len(kin) >= 3 else finetunes  # same family where it has enough finetunes
        if len(pool) < 2:  # a single finetune in the whole catalog: nothing to merge
            break
        size = min(len(pool), 2 if g.random() < 0.7 else 3)
        chosen = sorted(g.choice(len(pool), size=size, replace=False).tolist())
        merges.append(make("merge", [pool[i] for i in chosen]))
    bases = finetunes + merges
    second = [
        make(rel, [bases[int(g.integers(len(bases)))]])
        for rel in weighted({"quantized": 0.5, "finetune": 0.35, "adapter": 0.15}, n_second)
    ]
    deep = [d for d in second if d.relation == "finetune"] or merges or finetunes
    third = [make("quantized", [deep[int(g.integers(len(deep)))]]) for _ in range(n_third)]
    derivatives = first + merges + second + third
    for d in derivatives:
        describe(g, d, end)
    return derivatives


def describe(g: np.random.Generator, d: Derivative, end: dt.datetime) -> None:
    """Counters, dates, tags and card of one derivative (GGUFs are downloaded the most)."""
    d.last_modified = (d.created_at + (end - d.created_at) * float(g.random())).replace(
        microsecond=0
    )
    boost = 4 if d.library_name == "gguf" else 1
    d.downloads_all_time = int(min(10 ** g.normal(2.0, 1.0) * boost, 5e6))
    d.downloads = int(d.downloads_all_time * g.uniform(0.05, 0.7))
    d.likes = int(d.downloads_all_time * g.uniform(0.001, 0.03))
    extra = {"gguf": ["gguf"], "mlx": ["mlx"], "peft": ["peft", "lora"]}.get(d.library_name, [])
    extra = extra + (["mergekit", "merge"] if d.relation == "merge" else [])
    lineage = [f"base_model:{p}" for p in d.parents]
    lineage += [f"base_model:{d.relation}:{p}" for p in d.parents]
    d.tags = [*extra, d.pipeline_tag, *lineage, f"license:{d.license}"]
    d.card = {
        "base_model": list(d.parents) if len(d.parents) > 1 else d.parents[0],
        "library_name": d.library_name,
        "license": d.license,
        "tags": extra,
    }
