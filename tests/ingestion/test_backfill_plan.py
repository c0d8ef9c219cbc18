"""Which days a backfill fetches (`ingestion.hub.backfill.plan`): the range's revisions, the
days without one as gaps, the days in the mirror left alone, the newest read again until its
catalog is written."""

from __future__ import annotations

import datetime as dt

from ingestion.hub.backfill import Mirror, plan
from ingestion.hub.hub_stats import Revision

D = dt.date(2025, 3, 1)


def revisions(*offsets: int) -> dict[dt.date, Revision]:
    days = [D + dt.timedelta(days=n) for n in offsets]
    return {d: Revision(d, f"sha{d}", dt.datetime.combine(d, dt.time(6), dt.UTC)) for d in days}


def test_the_range_days_with_a_revision_and_the_gaps(tmp_path):
    done = plan(revisions(-1, 0, 1, 3, 9), D, D + dt.timedelta(days=4), Mirror(tmp_path))

    assert list(done.days) == [D, D + dt.timedelta(days=1), D + dt.timedelta(days=3)]
    assert done.gaps == [D + dt.timedelta(days=2), D + dt.timedelta(days=4)]
    assert done.newest == D + dt.timedelta(days=3)
    assert done.stored == []


def test_stored_days_are_not_fetched_again_but_the_newest_needs_its_catalog(tmp_path):
    mirror = Mirror(tmp_path)
    mirror.daily_dir.mkdir(parents=True)
    for n in (0, 1, 2):
        mirror.day_path(D + dt.timedelta(days=n)).write_bytes(b"stored")

    killed_before_the_catalog = plan(revisions(0, 1, 2), D, D + dt.timedelta(days=2), mirror)
    mirror.catalog_path(D + dt.timedelta(days=2)).write_bytes(b"catalog")
    complete = plan(revisions(0, 1, 2), D, D + dt.timedelta(days=2), mirror)

    assert killed_before_the_catalog.stored == [D, D + dt.timedelta(days=1)]
    assert complete.stored == [D, D + dt.timedelta(days=1), D + dt.timedelta(days=2)]
