"""The hub-stats dataset (`cfahlgren1/hub-stats`) through huggingface_hub's public API: its commits,
one revision per UTC day, and `models.parquet` read at a revision with ranged reads.

The dataset re-uploads `models.parquet` (every public model, ~2 million rows) about daily, each
upload its own commit titled "Upload models.parquet ..."; its other files have commits of their
own. The day's revision is the last commit of the UTC day whose title names the file: the
commit listing carries no file list, and asking each commit for its files would cost a request
per commit (thousands). A day without such a commit is a gap.

Reads go through `HfFileSystem` with fsspec's cache off (`cache_type="none"`): each read pyarrow
makes is one ranged GET, so asking for a few columns fetches the footer and those column chunks,
not the file. Rate limits and 5xx are waited out as `ingestion.http` waits them (exactly what the
server asks), by a transport under huggingface_hub's own client (`exact_waits`), so the library's
backoff, a second longer, never sees a 429 unless ours gave up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx2
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
from huggingface_hub import HfApi, HfFileSystem
from huggingface_hub.errors import HfHubHTTPError
from huggingface_hub.utils import set_client_factory

# The default client's factory and event hook (offline mode, request ids) are not re-exported:
# the library has no getter for the current factory, so the default one is restored by name.
from huggingface_hub.utils._http import default_client_factory, hf_request_event_hook

from ingestion.errors import FetchError, InputError
from ingestion.http import TIMEOUT_SECONDS, RetryPolicy, server_wait
from ingestion.hub.schema import HUB_SOURCE

DEFAULT_HUB_STATS_REPO = "cfahlgren1/hub-stats"
HUB_STATS_FILE = "models.parquet"


@dataclass(frozen=True)
class Revision:
    day: dt.date
    sha: str
    committed_at: dt.datetime


def daily_revisions(
    commits: Iterable[object], path: str = HUB_STATS_FILE
) -> dict[dt.date, Revision]:
    """The last commit of each UTC day whose title names `path` (GitCommitInfo-like objects)."""
    days: dict[dt.date, Revision] = {}
    for commit in commits:
        if path not in (getattr(commit, "title", "") or ""):
            continue
        at = commit.created_at.astimezone(dt.UTC)  # type: ignore[attr-defined]
        day = at.date()
        if day not in days or at > days[day].committed_at:
            days[day] = Revision(day, commit.commit_id, at)  # type: ignore[attr-defined]
    return dict(sorted(days.items()))


@dataclass
class FileRead:
    """What one read of the file at a revision cost: the file's size and the bytes fetched."""

    size: int = 0
    fetched: int = 0


@dataclass(frozen=True)
class HubStatsRepo:
    repo: str
    endpoint: str
    token: str | None = field(default=None, repr=False)
    path: str = HUB_STATS_FILE

    @property
    def location(self) -> str:
        return f"{self.endpoint.rstrip('/')}/datasets/{self.repo}"

    def url(self, sha: str) -> str:
        return f"{self.location}/blob/{sha}/{self.path}"

    def revisions(self) -> dict[dt.date, Revision]:
        """Every commit, listed once (pages of 50 newest first), one revision per day."""
        api = HfApi(endpoint=self.endpoint, token=self.token)
        try:
            commits = api.list_repo_commits(self.repo, repo_type="dataset")
        except HfHubHTTPError as exc:
            raise FetchError(HUB_SOURCE, self.location, f"cannot list commits: {exc}") from exc
        return daily_revisions(commits, self.path)

    def read(self, sha: str, columns: Iterable[str] | None = None) -> tuple[pl.DataFrame, FileRead]:
        """The file at revision `sha`: only the `columns` it has (by name, never by position:
        old revisions lack some), or all of them."""
        fs = HfFileSystem(endpoint=self.endpoint, token=self.token, skip_instance_cache=True)
        read = FileRead()
        url = self.url(sha)
        try:
            with fs.open(
                f"datasets/{self.repo}@{sha}/{self.path}", "rb", cache_type="none"
            ) as handle:
                counted = _Counting(handle, read)
                parquet = pq.ParquetFile(counted)
                read.size = handle.size
                present = parquet.schema_arrow.names
                wanted = present if columns is None else [c for c in columns if c in present]
                table = parquet.read(columns=wanted)
        except HfHubHTTPError as exc:
            raise FetchError(HUB_SOURCE, url, f"cannot read the file: {exc}") from exc
        except (pa.ArrowException, OSError) as exc:
            raise InputError(HUB_SOURCE, url, None, f"not a readable Parquet file: {exc}") from exc
        return pl.from_arrow(table), read  # type: ignore[return-value]


class _Counting:
    """A file object that adds what each read returned to `read.fetched` (with fsspec's cache
    off, what was fetched)."""

    def __init__(self, handle: object, read: FileRead) -> None:
        self._handle = handle
        self._read = read
        self.closed = False

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)  # type: ignore[attr-defined]
        self._read.fetched += len(data)
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._handle.seek(offset, whence)  # type: ignore[attr-defined]

    def tell(self) -> int:
        return self._handle.tell()  # type: ignore[attr-defined]

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True


class _ExactWaits(httpx2.BaseTransport):
    """Retries 429, 5xx and transport errors with `ingestion.http`'s waits; gives up with a
    FetchError (which huggingface_hub does not retry) naming the URL."""

    def __init__(self, inner: httpx2.BaseTransport, retry: RetryPolicy) -> None:
        self.inner = inner
        self.retry = retry

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        url = str(request.url)
        for attempt in range(1, self.retry.attempts + 1):
            wait: float | None = None
            try:
                response = self.inner.handle_request(request)
            except httpx2.TransportError as exc:
                why = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code != 429 and response.status_code < 500:
                    return response
                response.close()
                why, wait = f"HTTP {response.status_code}", server_wait(response.headers)
            if attempt == self.retry.attempts:
                raise FetchError(HUB_SOURCE, url, f"failed after {attempt} attempts: {why}")
            wait = self.retry.backoff(attempt) if wait is None else wait
            if wait > self.retry.max_wait:
                raise FetchError(HUB_SOURCE, url, f"{why}; the server asks to wait {wait:g} s")
            self.retry.sleep(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def close(self) -> None:
        self.inner.close()


@contextmanager
def exact_waits(retry: RetryPolicy) -> Iterator[None]:
    """huggingface_hub's shared client, with `_ExactWaits` under it, for the block's duration."""

    def factory() -> httpx2.Client:
        return httpx2.Client(
            transport=_ExactWaits(httpx2.HTTPTransport(), retry),
            event_hooks={"request": [hf_request_event_hook]},
            follow_redirects=True,
            timeout=TIMEOUT_SECONDS,  # huggingface_hub sets its own per call where it has one
        )

    set_client_factory(factory)
    try:
        yield
    finally:
        set_client_factory(default_client_factory)
