"""Retries of the raw assets: transient faults get the step again, later; refused input does not.

The API clients retry a request first (timeouts, 429, 5xx, a connection reset: see
`ingestion.http`, waiting what the server asks); when a fault outlasts them (`FetchError`),
Dagster runs the whole step again after a backoff (`RAW_RETRY_POLICY`). Ingest is idempotent (an identical fetch is not stored again), so a retried
step repeats no write. Input the pipeline refuses (`InputError`: a live source asked for the
past, an unparsable file) and faults of the machine (disk full, no permission) would fail the
same way again: `final_on_bad_input` turns them into a `dg.Failure` that Dagster does not retry.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from ingestion.errors import InputError
from orchestration.lib.faults import resource_fault

RAW_RETRY_POLICY = dg.RetryPolicy(
    max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)
# Errors of data, not of the network: a retry sees the same data. (FetchError, the network's,
# is a RuntimeError and stays retried.)
NOT_TRANSIENT = (TypeError, ValueError, KeyError, AttributeError, IndexError, OverflowError)
# Faults of the machine a retry cannot fix.
FINAL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR}


@contextmanager
def final_on_bad_input() -> Iterator[None]:
    """Fail without retry on refused input or a fault of the machine; let the rest retry."""
    try:
        yield
    except InputError as error:
        raise dg.Failure(description=str(error), allow_retries=False) from error
    except NOT_TRANSIENT as error:
        # A fault in our own code on what a source sent: the same data fails the same way again,
        # so a retry only delays the error (issue 26 found an AttributeError retried twice).
        raise dg.Failure(
            description=f"{type(error).__name__}: {error!r}"[:300], allow_retries=False
        ) from error
    except OSError as error:
        if error.errno not in FINAL_ERRNOS:
            raise
        raise dg.Failure(description=resource_fault(error), allow_retries=False) from error
