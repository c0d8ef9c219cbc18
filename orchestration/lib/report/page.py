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
import html
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path

import vl_convert

from ingestion.atomic import replacing
from orchestration.lib.report.figures import DEMO_NOTE, Figure

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
    text = json.dumps(spec, sort_keys=True)
    return "".join(_SAFE.get(char, char) for char in text)


STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; color: #222; }
.banner { background: #fff3cd; border: 1px solid #e0c36c; padding: .75rem 1rem; }
figure { margin: 2rem 0; }
figcaption, .notes { font-size: .9rem; color: #444; }
.notes li { margin: .2rem 0; }
table { border-collapse: collapse; font-size: .85rem; }
th, td { border: 1px solid #ccc; padding: .3rem .5rem; vertical-align: top; text-align: left; }
.consistent { background: #d4edda; } .not_consistent { background: #f8d7da; }
.not_measurable { background: #fff3cd; }
"""


def _notes(notes: Sequence[str]) -> str:
    items = "".join(f"<li>{html.escape(note)}</li>" for note in notes)
    return f'<ul class="notes">{items}</ul>'


def _table(figure: Figure) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in figure.columns)
    body = []
    verdict = figure.columns.index("verdict") if "verdict" in figure.columns else None
    for row in figure.rows:
        css = f' class="{html.escape(str(row[verdict]))}"' if verdict is not None else ""
        cells = "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in row)
        body.append(f"<tr{css}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def render_html(
    figures: Sequence[Figure], *, demo: bool, warehouse: Path, built_at: dt.datetime, bundle: str
) -> str:
    """The whole page: figures in order, each with its notes; the claims as a table."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>Open Model Observatory: report</title>",
        f"<style>{STYLE}</style>",
        f"<script>{bundle}</script>",
        "</head><body>",
        "<h1>Open Model Observatory</h1>",
        f"<p>From <code>{html.escape(str(warehouse))}</code>, built "
        f"{built_at:%Y-%m-%d %H:%M} UTC. Every chart's data is the marts' rows; query them "
        "with <code>make sql</code>.</p>",
    ]
    if demo:
        parts.append(f'<p class="banner"><strong>Demo data.</strong> {html.escape(DEMO_NOTE)}</p>')
    parts.append("<ul>")
    parts += [f'<li><a href="#{f.name}">{html.escape(f.title)}</a></li>' for f in figures]
    parts.append("</ul>")
    for figure in figures:
        parts.append(f'<figure id="{figure.name}"><h2>{html.escape(figure.title)}</h2>')
        if figure.spec is None:
            parts.append(_table(figure))
            parts.append(
                f'<script type="application/json" id="table-{figure.name}">'
                f"{spec_json(figure.datasets)}</script>"
            )
        else:
            parts.append(f'<div class="chart" id="chart-{figure.name}"></div>')
            parts.append(
                f'<script type="application/json" id="spec-{figure.name}">'
                f"{spec_json(figure.spec)}</script>"
            )
        parts.append(f"<figcaption>{_notes(figure.notes)}</figcaption></figure>")
    parts.append(
        "<script>for (const el of document.querySelectorAll('script[id^=\"spec-\"]')) {"
        "const spec = JSON.parse(el.textContent);"
        "vegaEmbed('#chart-' + el.id.slice(5), spec, {actions: false, renderer: 'svg'})"
        ".catch((error) => { el.previousElementSibling.textContent = String(error); });}"
        "</script>"
    )
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(figures: Sequence[Figure], target: Path, *, demo: bool, warehouse: Path) -> Path:
    """Writes the page atomically (a reader never sees half of it)."""
    page = render_html(
        figures,
        demo=demo,
        warehouse=warehouse,
        built_at=dt.datetime.now(dt.UTC),
        bundle=vega_bundle(cache_dir()),
    )
    with replacing(target) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return target


def image_data_uri(spec: dict, scale: float = 1.0, quality: int = 85) -> str:
    """A chart as a JPEG `data:` URI, for markdown metadata in the Dagster UI (whose markdown
    allows `data:` images). JPEG: a third of the PNG's bytes, which Dagster's event log keeps
    for every run."""
    jpeg = vl_convert.vegalite_to_jpeg(spec, scale=scale, quality=quality)
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")


def read_embedded(page: str, kind: str = "spec") -> dict[str, dict]:
    """What a page written by `render_html` embeds, by figure name: each chart's spec
    (`kind="spec"`), or each table's datasets (`kind="table"`)."""
    found = re.findall(
        rf'<script type="application/json" id="{kind}-([\w-]+)">(.*?)</script>', page, re.DOTALL
    )
    return {name: json.loads(text) for name, text in found}
