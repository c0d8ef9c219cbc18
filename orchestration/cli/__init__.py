"""`observatory`, the command line: everything it prints is written here (`main`, `summary`,
`quarantine`); the pipeline it runs lives in `orchestration.defs` and `ingestion`."""
