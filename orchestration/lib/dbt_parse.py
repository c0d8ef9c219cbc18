"""dbt's parse of the project, kept between invocations and shared between DATA_DIRs.

dbt parses the whole project (about 5 s) unless it finds a parse made with the same profile and
the same values of the variables `dbt_project.yml` reads, then it parses again only the files
that changed. Each invocation leaves its parse in its DATA_DIR's target folder for the next one
there, and in the project's own `target/` for the first one of any other DATA_DIR: dbt runs in
its DATA_DIR with that folder's paths named relative to it (`Layout.dbt_run_env`), so every
DATA_DIR gives it the same profile and variables. A parse that does not fit is simply not used:
dbt says why in its log and parses from scratch.
"""

from __future__ import annotations

import contextlib
import shutil
import uuid
from pathlib import Path

from orchestration.lib.layout import Layout

# dbt's own file name for its parse (dbt's, not dagster-dbt's: ours to name).
PARTIAL_PARSE_FILE_NAME = "partial_parse.msgpack"
# The newest parse of a run, beside the project's manifest (`make` builds that one with the
# absolute paths of `observatory exec`, so it is not this one).
SHARED_PARSE_FILE_NAME = "run_partial_parse.msgpack"
# Beside a DATA_DIR's kept parse: the project folder it was made from.
PARSED_BY_FILE_NAME = "partial_parse.project"


def dbt_run_environment(layout: Layout, project_dir: Path, target: Path) -> dict[str, str]:
    """What a dbt invocation of a run needs in its environment, besides the run's own
    variables: the layout's paths, its artifacts' folder, and where the project is (dbt starts
    in the DATA_DIR, not in the project)."""
    return {
        **layout.dbt_run_env(),
        "DBT_TARGET_PATH": target.as_posix(),
        "DBT_PROJECT_DIR": project_dir.as_posix(),
        "DBT_PROFILES_DIR": project_dir.as_posix(),
    }


def seed_parse(project_dir: Path, target: Path) -> None:
    """A DATA_DIR's first invocation starts from the project's newest run parse, and so does
    one whose kept parse another checkout made: dbt keeps the files' absolute paths in its
    parse without checking them (a parse from a deleted checkout loaded no seed)."""
    kept, made_by = target / PARTIAL_PARSE_FILE_NAME, target / PARSED_BY_FILE_NAME
    if kept.exists() and (not made_by.exists() or made_by.read_text() != _project(project_dir)):
        kept.unlink()
    shared = project_dir / "target" / SHARED_PARSE_FILE_NAME
    if not kept.exists() and shared.exists():
        _copy(shared, kept)
        made_by.write_text(_project(project_dir))


def keep_parse(parsed: Path, project_dir: Path, target: Path) -> None:
    """An invocation's parse, kept for the DATA_DIR's next invocation and shared with the
    first one of the others (an unwritable project is left as it is)."""
    if not parsed.exists():
        return
    _copy(parsed, target / PARTIAL_PARSE_FILE_NAME)
    (target / PARSED_BY_FILE_NAME).write_text(_project(project_dir))
    with contextlib.suppress(OSError):
        _copy(parsed, project_dir / "target" / SHARED_PARSE_FILE_NAME)


def _project(project_dir: Path) -> str:
    return str(project_dir.resolve())


def _copy(source: Path, destination: Path) -> None:
    """Whole or not at all: readers in other processes never see half a file."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(f".{destination.name}.{uuid.uuid4().hex}.tmp")
    try:
        shutil.copyfile(source, partial)
        partial.replace(destination)
    finally:
        partial.unlink(missing_ok=True)
