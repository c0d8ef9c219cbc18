"""The report's images for the Dagster UI: a chart whose spec did not change is read from the
cache, not drawn again; the cache keeps the most recently used."""

from __future__ import annotations

import base64
import os

from orchestration.lib.report import page

SPEC = {
    "data": {"values": [{"x": 1, "y": 2}, {"x": 2, "y": 3}]},
    "mark": "line",
    "encoding": {"x": {"field": "x", "type": "quantitative"}},
}


def decoded(uri: str) -> bytes:
    return base64.b64decode(uri.removeprefix("data:image/jpeg;base64,"))


def test_a_chart_drawn_once_is_read_from_the_cache(tmp_path):
    first = page.image_data_uri(SPEC, cache=tmp_path)
    (kept,) = (tmp_path / "charts").glob("*.jpg")
    assert kept.read_bytes() == decoded(first) and decoded(first)[:2] == b"\xff\xd8"  # a JPEG

    kept.write_bytes(b"\xff\xd8 kept")  # what the cache holds is what is shown
    assert decoded(page.image_data_uri(SPEC, cache=tmp_path)) == b"\xff\xd8 kept"

    other = {**SPEC, "mark": "point"}  # another chart: drawn, kept beside the first
    assert decoded(page.image_data_uri(other, cache=tmp_path))[:2] == b"\xff\xd8"
    assert len(list((tmp_path / "charts").glob("*.jpg"))) == 2
    assert page.image_data_uri(SPEC, scale=0.5, cache=tmp_path) != first  # drawn at its scale


def test_the_cache_keeps_the_most_recently_used(tmp_path, monkeypatch):
    monkeypatch.setattr(page, "KEPT_IMAGES", 2)
    drawn = []
    for n in range(3):
        drawn.append(decoded(page.image_data_uri({**SPEC, "title": str(n)}, cache=tmp_path)))
        for image in (tmp_path / "charts").glob("*.jpg"):  # older than the next one drawn
            os.utime(image, (image.stat().st_mtime - 10, image.stat().st_mtime - 10))
    kept = {image.read_bytes() for image in (tmp_path / "charts").glob("*.jpg")}
    assert kept == set(drawn[1:])
