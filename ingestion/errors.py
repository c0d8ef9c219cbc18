"""Errors that say which source, which file and which field was wrong."""

from __future__ import annotations


class InputError(ValueError):
    """Input the pipeline refuses: names the source, the file (or URL) and the field."""

    def __init__(self, source: str, location: str, field: str | None, message: str) -> None:
        self.source = source
        self.location = location
        self.field = field
        self.message = message
        where = f"{source}: {location}"
        if field:
            where += f": field {field!r}"
        super().__init__(f"{where}: {message}")


class UnavailableError(InputError):
    """The source cannot be asked for this at all (the live Hub for a past day): a usage
    error that fails the run, not a bad snapshot to quarantine."""


class FetchError(RuntimeError):
    """A source could not be reached, or kept failing (timeouts, 429, 5xx), after the client's
    own retries. Transient, not bad input: nothing is stored or quarantined, and Dagster's retry
    policy runs the step again later. Names the source and the URL, and why."""

    def __init__(self, source: str, location: str, message: str) -> None:
        self.source = source
        self.location = location
        self.message = message
        super().__init__(f"{source}: {location}: {message}")
