"""What a DATA_DIR holds: generated demo data or observations, never both.

The raw layer is append-only and the marts read all of it, so a run on the real recordings into
a DATA_DIR that already holds demo days (or the reverse) would silently mix generated numbers
into observed ones. The first run stamps the folder; a later run of the other kind is refused
with a message that names the folder. The summary and the report read the same stamp to say
when their figures are generated.
"""

from __future__ import annotations

from pathlib import Path

from orchestration.lib.settings import Settings, SettingsError

ORIGIN_FILE = "DATA_ORIGIN"
DEMO, OBSERVED = "demo", "observed"


def origin_of(settings: Settings) -> str:
    return DEMO if settings.source_mode == "recorded" and settings.uses_demo else OBSERVED


def stamped_origin(data_dir: Path) -> str | None:
    path = data_dir / ORIGIN_FILE
    return path.read_text(encoding="utf-8").strip() if path.exists() else None


def is_demo(data_dir: Path) -> bool:
    return stamped_origin(data_dir) == DEMO


def claim(settings: Settings) -> str:
    """Stamp DATA_DIR with this run's origin, or refuse a run that would mix origins."""
    origin = origin_of(settings)
    found = stamped_origin(settings.data_dir)
    if found is not None and found != origin:
        raise SettingsError(
            f"DATA_DIR={settings.data_dir} holds {found} data and this run would add {origin} "
            "data to it; use another DATA_DIR (make run-recorded uses data-recorded/), or empty "
            "this one first"
        )
    if found is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        (settings.data_dir / ORIGIN_FILE).write_text(origin + "\n", encoding="utf-8")
    return origin
