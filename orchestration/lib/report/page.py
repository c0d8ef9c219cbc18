"""The report's files: `$DATA_DIR/reports/index.html`, which opens offline, and images of the
charts for the Dagster UI.

The page embeds each figure's Vega-Lite spec and draws it in the browser with the Vega
libraries inlined once into the page (taken from vl-convert's bundled HTML export, so nothing
is fetched from a CDN). That costs milliseconds; rendering the charts to static images costs
vl-convert about 2 s of CPU for all of them (laying out the scene and its text, not encoding
the image), so static images are made only for the UI's metadata, where the page's scripts
cannot run.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path

import vl_convert

from ingestion.atomic import replacing
from orchestration.lib.report.figures import DEMO_NOTE, Figure
from orchestration.lib.report.headline import CARD_FIELDS, VERDICT_WORDS
from orchestration.lib.report.page_assets import SCRIPT, STYLE

_SCRIPT = re.compile(r"<script[^>]*>(.*?)</script>", re.DOTALL)
# The spec's JSON inside a <script> element: `</` would end the element early.
_SAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


def cache_dir() -> Path:
    """Where the bundled libraries are kept between runs and data folders: the user's cache
    (`$XDG_CACHE_HOME`, else `~/.cache`). Read when called, never at import."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "open-model-observatory"


def vega_bundle(cache: Path) -> str:
    """The Vega, Vega-Lite and vega-embed libraries as one script: the first script of
    vl-convert's bundled HTML export. Bundling costs vl-convert about 3 s, so the script is
    kept in `cache`, one file per vl-convert version (the libraries it bundles)."""
    cached = cache / f"vega-bundle-{vl_convert.__version__}.js"
    if cached.exists():
        return cached.read_text(encoding="utf-8")
    page = vl_convert.vegalite_to_html({"mark": "point"}, bundle=True)
    scripts = _SCRIPT.findall(page)
    if not scripts or "vegaEmbed" not in scripts[0]:
        raise RuntimeError(
            f"vl-convert {vl_convert.__version__}: its bundled HTML no longer starts with the "
            "Vega libraries; the report cannot inline them"
        )
    try:
        with replacing(cached) as tmp:
            tmp.write_text(scripts[0], encoding="utf-8")
    except OSError:
        pass  # a cache we cannot write only costs the next report the same seconds
    return scripts[0]


def spec_json(spec: dict) -> str:
    text = json.dumps(spec)  # insertion order: a table and its CSV keep the query's columns
    return "".join(_SAFE.get(char, char) for char in text)


def _notes(notes: Sequence[str]) -> str:
    items = "".join(f"<li>{html.escape(note)}</li>" for note in notes)
    return f'<ul class="notes">{items}</ul>'


def _tiles(figure: Figure) -> str:
    tiles = []
    for row in figure.datasets["headline"]:
        value = html.escape(row["value"])
        value = value.replace("China ", '<span class="cn">China</span> ').replace(
            "US ", '<span class="us">US</span> ', 1
        )
        tiles.append(
            f'<div class="tile" id="tile-{row["key"]}"><div class="label">'
            f'{html.escape(row["label"])}</div><div class="value">{value}</div>'
            f'<div class="detail">{html.escape(row["detail"])}</div></div>'
        )
    return f'<div class="tiles">{"".join(tiles)}</div>'


def _cards(figure: Figure) -> str:
    cards = []
    for row in figure.datasets["claims"]:
        verdict = str(row["verdict"])
        badge = (
            f'<span class="badge {html.escape(verdict)}">'
            f"{html.escape(VERDICT_WORDS.get(verdict, verdict))}</span>"
        )
        source = " ".join(str(row[k]) for k in ("source", "published") if row.get(k))
        fields = "".join(
            f"<dt>{label}</dt><dd>{html.escape(str(row[column]))}</dd>"
            for label, column in CARD_FIELDS
            if row.get(column) is not None
        )
        cards.append(
            f'<article class="card" id="claim-{html.escape(row["claim_id"])}" '
            f'data-verdict="{html.escape(verdict)}"><h3>{html.escape(row["claim"])}{badge}</h3>'
            f'<div class="source">{html.escape(source)}</div><dl>{fields}</dl>'
            f"<details><summary>Evidence</summary>{html.escape(str(row['evidence']))}"
            "</details></article>"
        )
    return f'<div class="cards">{"".join(cards)}</div>'


def _data(figure: Figure) -> str:
    """The figure's rows as a table (built when opened) and one CSV download per dataset."""
    buttons = "".join(
        f'<button class="csv" data-figure="{figure.name}" data-dataset="{name}">'
        f"CSV: {html.escape(name)} ({len(rows):,} rows)</button>"
        for name, rows in figure.datasets.items()
    )
    return (
        f'<details class="data" data-figure="{figure.name}"><summary>Data behind this '
        f"{'chart' if figure.spec is not None else 'section'}</summary>{buttons}"
        '<div class="scroll"></div></details>'
    )


def render_html(
    figures: Sequence[Figure],
    *,
    demo: bool,
    warehouse: Path,
    built_at: dt.datetime,
    bundle: str,
    colours: dict[str, str],
) -> str:
    """The whole page: the headline figures, the claims as cards, then each chart with its
    notes and its data."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Open Model Observatory: report</title>",
        f"<style>{STYLE}</style>",
        f"<script>{bundle}</script>",
        "</head><body>",
        "<h1>Open Model Observatory</h1>",
        '<p class="lede">Who makes the open models the world downloads and uses, and what they '
        "cost. Built "
        f"{built_at:%Y-%m-%d %H:%M} UTC from <code>{html.escape(str(warehouse))}</code>; every "
        "chart's data is the marts' rows (query them with <code>make sql</code>).</p>",
        f'<script type="application/json" id="colours">{spec_json(colours)}</script>',
    ]
    if demo:
        parts.append(f'<p class="banner"><strong>Demo data.</strong> {html.escape(DEMO_NOTE)}</p>')
    charts = [f for f in figures if f.spec is not None]
    for figure in figures:
        if figure.kind == "headline":
            parts.append(f'<section id="{figure.name}">{_tiles(figure)}')
        elif figure.kind == "cards":
            parts.append(
                f'<section id="{figure.name}"><h2>{html.escape(figure.title)}</h2>{_cards(figure)}'
            )
        else:
            continue
        parts.append(
            f'<script type="application/json" id="table-{figure.name}">'
            f"{spec_json(figure.datasets)}</script>{_notes(figure.notes)}{_data(figure)}</section>"
        )
    parts.append("<nav><h2>Charts</h2><ol>")
    parts += [f'<li><a href="#{f.name}">{html.escape(f.title)}</a></li>' for f in charts]
    parts.append("</ol></nav>")
    for figure in charts:
        parts.append(
            f'<figure id="{figure.name}"><h2>{html.escape(figure.title)}</h2>'
            f'<div class="chart" id="chart-{figure.name}"></div>'
            f'<script type="application/json" id="spec-{figure.name}">'
            f"{spec_json(figure.spec)}</script>"
            f"<figcaption>{_notes(figure.notes)}{_data(figure)}</figcaption></figure>"
        )
    parts.append(f"<script>{SCRIPT}</script>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(
    figures: Sequence[Figure],
    target: Path,
    *,
    demo: bool,
    warehouse: Path,
    colours: dict[str, str],
) -> Path:
    """Writes the page atomically (a reader never sees half of it)."""
    page = render_html(
        figures,
        demo=demo,
        warehouse=warehouse,
        colours=colours,
        built_at=dt.datetime.now(dt.UTC),
        bundle=vega_bundle(cache_dir()),
    )
    with replacing(target) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return target


# Drawn charts kept in the cache: a day's run redraws about 16, most unchanged since the last.
KEPT_IMAGES = 128


def image_data_uri(
    spec: dict, scale: float = 1.0, quality: int = 85, cache: Path | None = None
) -> str:
    """A chart as a JPEG `data:` URI, for markdown metadata in the Dagster UI (whose markdown
    allows `data:` images). JPEG: a third of the PNG's bytes, which Dagster's event log keeps
    for every run. Drawing one costs vl-convert about 0.2 s: an image is kept in `cache` under
    the hash of what it is drawn from, so a chart whose data did not change is not drawn again."""
    drawn_from = json.dumps([spec, scale, quality, vl_convert.__version__], sort_keys=True)
    key = hashlib.sha256(drawn_from.encode("utf-8")).hexdigest()
    kept = cache / "charts" / f"{key}.jpg" if cache is not None else None
    if kept is not None and kept.exists():
        jpeg = kept.read_bytes()
        kept.touch()  # recently used: kept when the cache is pruned
    else:
        jpeg = vl_convert.vegalite_to_jpeg(spec, scale=scale, quality=quality)
        if kept is not None:
            _keep(kept, jpeg)
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")


def _keep(path: Path, jpeg: bytes) -> None:
    """Writes an image into the cache and drops the least recently used beyond `KEPT_IMAGES`."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with replacing(path) as tmp:
            tmp.write_bytes(jpeg)
        images = sorted(path.parent.glob("*.jpg"), key=lambda image: image.stat().st_mtime)
        for old in images[:-KEPT_IMAGES]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a cache we cannot write only costs the next run the same drawing


def read_embedded(page: str, kind: str = "spec") -> dict[str, dict]:
    """What a page written by `render_html` embeds, by figure name: each chart's spec
    (`kind="spec"`), or each table's datasets (`kind="table"`)."""
    found = re.findall(
        rf'<script type="application/json" id="{kind}-([\w-]+)">(.*?)</script>', page, re.DOTALL
    )
    return {name: json.loads(text) for name, text in found}
