"""The quality gate, in Dagster: the loop every daily raw asset runs (`ingest`: fetch, validate,
store or quarantine), the asset checks it reports (`checks`) and which faults are retried
(`retries`). The rules themselves are plain Python beside each source (`ingestion.<source>.
quality`) and in `ingestion.quality`."""
