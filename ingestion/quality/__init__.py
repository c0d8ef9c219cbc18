"""Data quality for raw snapshots: validation, verdicts and the quarantine. No Dagster here.

A source plugs in with its own suite (see `ingestion.hub.quality`): GX expectations for what
one snapshot must satisfy on its own, plus comparisons with the previous accepted snapshot.
"""
