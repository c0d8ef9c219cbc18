"""A local server that answers like the Hub for one dataset repo, the hub-stats dataset: a folder
of daily hub-stats files (`YYYY-MM-DD.parquet`) served as the revisions of `models.parquet`.

Each day's file is one commit ("Upload models.parquet with huggingface_hub", at 06:00 UTC that
day), followed by a commit of another file ("Upload datasets.parquet ...", at 18:00) that leaves
`models.parquet` as it was, as the real dataset's commits do. It answers what huggingface_hub
asks (`HfApi.list_repo_commits`, `repo_info`, `get_paths_info`, `HfFileSystem`, `hf_hub_download`):

- `GET /api/datasets/{repo}/commits/{rev}`: newest first, `commits_page_size` a page, the next
  page's absolute URL in `Link: <...?p=N>; rel="next"`;
- `GET /api/datasets/{repo}/revision/{rev}` and `.../tree/{rev}`: the repo at a revision;
- `POST /api/datasets/{repo}/paths-info/{rev}`: a file's size and ids at a revision;
- `GET|HEAD /datasets/{repo}/resolve/{rev}/models.parquet`: a 302 to `/_blobs/{day}/{sha256}` on
  another host name (`localhost`: as the Hub sends LFS files to its CDN) with `X-Repo-Commit`, `X-Linked-Etag`, `X-Linked-Size`; the
  blob honours `Range` (206 and `Content-Range`).

Faults (`base.Fault`) apply to every path but `/api/agent-harnesses`. `bytes_sent` counts the
file bytes answered, per revision day, so a test can hold a reader to a byte budget.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode

from simulation.rehearsal.base import LocalServer, Reply
from simulation.rehearsal.hub import AGENT_HARNESSES_PATH

HUB_STATS_FILE = "models.parquet"
DEFAULT_REPO = "cfahlgren1/hub-stats"
COMMITS_PAGE_SIZE = 50  # the Hub's page of commits
_API = re.compile(
    r"^/api/datasets/(?P<repo>[^/]+/[^/]+)/(?P<kind>commits|revision|tree|paths-info)/(?P<rev>[^/]+)(?P<rest>/.*)?$"
)
_RESOLVE = re.compile(r"^/datasets/(?P<repo>[^/]+/[^/]+)/resolve/(?P<rev>[^/]+)/(?P<path>.+)$")
# A blob's URL carries the day it was uploaded for: two days with the same bytes are counted apart.
_BLOB = re.compile(r"^/_blobs/(?P<day>\d{4}-\d{2}-\d{2})/(?P<sha>[0-9a-f]{64})$")


@dataclass(frozen=True)
class Commit:
    sha: str
    at: dt.datetime
    title: str
    day: dt.date  # the day whose file `models.parquet` holds at this commit

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.sha,
            "title": self.title,
            "message": "",
            "date": self.at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "authors": [{"user": "rehearsal"}],
        }


def _sha1(*parts: str) -> str:
    return hashlib.sha1("/".join(parts).encode()).hexdigest()


def daily_files(folder: Path) -> dict[dt.date, Path]:
    days = {}
    for path in folder.glob("????-??-??.parquet"):
        try:
            days[dt.date.fromisoformat(path.stem)] = path
        except ValueError:
            continue
    return dict(sorted(days.items()))


class HubStatsServer(LocalServer):
    def __init__(
        self,
        folder: Path,
        repo: str = DEFAULT_REPO,
        *,
        commits_page_size: int = COMMITS_PAGE_SIZE,
        port: int = 0,
    ) -> None:
        super().__init__(port)
        self.folder = folder
        self.repo = repo
        self.commits_page_size = commits_page_size
        self.bytes_sent: Counter[dt.date] = Counter()
        self.files = daily_files(folder)
        if not self.files:
            raise ValueError(f"{folder}: no YYYY-MM-DD.parquet file to serve as a revision")
        commits = []
        for day in self.files:
            noon = dt.datetime.combine(day, dt.time(6), tzinfo=dt.UTC)
            commits.append(
                Commit(
                    _sha1(repo, str(day)),
                    noon,
                    f"Upload {HUB_STATS_FILE} with huggingface_hub",
                    day,
                )
            )
            evening = noon + dt.timedelta(hours=12)
            commits.append(
                Commit(
                    _sha1(repo, str(day), "datasets"),
                    evening,
                    "Upload datasets.parquet with huggingface_hub",
                    day,
                )
            )
        self.commits = sorted(commits, key=lambda c: c.at, reverse=True)  # newest first
        self.by_sha = {c.sha: c for c in self.commits}

    @property
    def url(self) -> str:
        """What `HF_ENDPOINT` is set to."""
        return self.address

    @property
    def cdn(self) -> str:
        """Where files are redirected: this server under another host name, as the Hub sends
        LFS files to its CDN (huggingface_hub reads a file's metadata off the redirect)."""
        return self.url.replace("//127.0.0.1:", "//localhost:")

    @cached_property
    def _blobs(self) -> dict[dt.date, str]:
        """Each day's LFS id: the SHA-256 of its bytes."""
        return {
            day: hashlib.sha256(path.read_bytes()).hexdigest() for day, path in self.files.items()
        }

    def blob_of(self, day: dt.date) -> str:
        return self._blobs[day]

    def sha_of(self, day: dt.date) -> str:
        """The commit that uploaded `day`'s file."""
        return _sha1(self.repo, str(day))

    def reset(self) -> None:
        """No faults, no request seen, no byte counted."""
        super().reset()
        with self._lock:
            self.bytes_sent.clear()

    def is_api(self, path: str) -> bool:
        return path != AGENT_HARNESSES_PATH

    def commit(self, rev: str) -> Commit | None:
        rev = unquote(rev)
        return self.commits[0] if rev == "main" else self.by_sha.get(rev)

    def answer(self, path: str, query: str, headers: Mapping[str, str]) -> Reply:
        if path == AGENT_HARNESSES_PATH:
            return Reply(404, b'{"error": "not found"}')
        if match := _API.match(path):
            return self._api(match, parse_qs(query))
        if match := _RESOLVE.match(path):
            return self._resolve(match)
        if match := _BLOB.match(path):
            return self._blob(match["day"], match["sha"], headers.get("Range"))
        return _not_found("Repository not found")

    def _api(self, match: re.Match[str], query: dict[str, list[str]]) -> Reply:
        commit = self.commit(match["rev"])
        if match["repo"] != self.repo or commit is None:
            return _not_found("Repository or revision not found")
        if match["kind"] == "commits":
            return self._commits(commit, query)
        entry = self._entry(commit)
        if match["kind"] == "revision":
            body: Any = {
                "id": self.repo,
                "sha": commit.sha,
                "private": False,
                "siblings": [{"rfilename": HUB_STATS_FILE}],
            }
        else:  # tree or paths-info: the one file
            body = [entry]
        return Reply(200, json.dumps(body).encode())

    def _entry(self, commit: Commit) -> dict[str, Any]:
        size = self.files[commit.day].stat().st_size
        blob = self.blob_of(commit.day)
        return {
            "type": "file",
            "oid": _sha1("blob", blob),
            "size": size,
            "path": HUB_STATS_FILE,
            "lfs": {"oid": blob, "size": size, "pointerSize": 134},
        }

    def _commits(self, start: Commit, query: dict[str, list[str]]) -> Reply:
        history = self.commits[self.commits.index(start) :]
        page = int(query.get("p", ["0"])[0])
        size = self.commits_page_size
        body = [c.as_json() for c in history[page * size : (page + 1) * size]]
        headers = {}
        if (page + 1) * size < len(history):
            rest = {k: v for k, v in query.items() if k != "p"} | {"p": [str(page + 1)]}
            link = f"{self.url}/api/datasets/{self.repo}/commits/{start.sha}?{urlencode(rest, doseq=True)}"
            headers["Link"] = f'<{link}>; rel="next"'
        return Reply(200, json.dumps(body).encode(), headers)

    def _resolve(self, match: re.Match[str]) -> Reply:
        commit = self.commit(match["rev"])
        if match["repo"] != self.repo or commit is None or match["path"] != HUB_STATS_FILE:
            return _not_found("Entry not found")
        entry = self._entry(commit)
        blob = entry["lfs"]["oid"]
        return Reply(
            302,
            b"",
            {
                "Location": f"{self.cdn}/_blobs/{commit.day}/{blob}",
                "X-Repo-Commit": commit.sha,
                "X-Linked-Etag": f'"{blob}"',
                "X-Linked-Size": str(entry["size"]),
                "ETag": f'"{entry["oid"]}"',
            },
        )

    def _blob(
        self, day_text: str, sha: str, byte_range: str | None, *, count: bool = True
    ) -> Reply:
        day = dt.date.fromisoformat(day_text)
        if self._blobs.get(day) != sha:
            return _not_found("Blob not found")
        data = self.files[day].read_bytes()
        headers = {"ETag": f'"{sha}"', "Accept-Ranges": "bytes"}
        status, body = 200, data
        if byte_range and (found := re.fullmatch(r"bytes=(\d*)-(\d*)", byte_range.strip())):
            first, last = found.groups()
            start = len(data) - int(last) if not first else int(first)
            end = len(data) - 1 if (not last or not first) else min(int(last), len(data) - 1)
            if start >= len(data) or start > end:
                return Reply(416, b"", {"Content-Range": f"bytes */{len(data)}"})
            status, body = 206, data[max(start, 0) : end + 1]
            headers["Content-Range"] = f"bytes {max(start, 0)}-{end}/{len(data)}"
        with self._lock:
            self.bytes_sent[day] += len(body) if count else 0
        return Reply(status, body, headers, content_type="application/octet-stream")

    def _handler(self) -> type:
        """The base handler, plus HEAD (the headers of a GET) and POST (paths-info)."""
        base = super()._handler()
        server = self

        class Handler(base):  # type: ignore[misc,valid-type]
            def do_HEAD(self) -> None:
                path = self.path.split("?", 1)[0]
                blob = _BLOB.match(path)
                reply = (
                    server._blob(blob["day"], blob["sha"], None, count=False)
                    if blob
                    else server.answer(path, "", self.headers)
                )
                self.send_response_only(reply.status)
                for key, value in {
                    **reply.headers,
                    "Content-Length": reply.headers.get("X-Linked-Size", str(len(reply.body))),
                }.items():
                    self.send_header(key, value)
                self.end_headers()

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)  # the paths asked for: this repo has one file
                self.do_GET()

        return Handler


def _not_found(message: str) -> Reply:
    return Reply(404, json.dumps({"error": message}).encode(), {"X-Error-Code": "EntryNotFound"})
