"""A local server that answers huggingface_hub's write calls the way the Hub does: what
`create_repo`, `create_commit` / `upload_folder`, `create_tag`, `repo_info` and
`list_repo_refs` / `list_repo_commits` ask of a dataset repository, kept in memory.

The calls and answers (huggingface_hub 2.x, `_commit_api.py`, `lfs.py`):
- `POST /api/repos/create` `{name, organization, type}`: 200 `{url}`, 409 when it exists;
- `POST /api/validate-yaml`: the card's metadata is accepted (`{}`);
- `POST /api/datasets/{repo}/preupload/{rev}` `{files: [{path, sample, size}]}`: each file's
  `uploadMode` (`lfs` for Parquet, as the Hub decides for binary files; `regular` otherwise),
  `shouldIgnore`, and the `oid` of the file already stored (SHA-256 for LFS, git's SHA-1 for a
  regular file): the client drops unchanged files and skips a commit left empty;
- `POST /datasets/{repo}.git/info/lfs/objects/batch`: an `upload` action (a `PUT` to this
  server) for each object not stored yet (the Xet protocol is not served: clients must run
  with Xet off, `HF_HUB_DISABLE_XET`);
- `POST /api/datasets/{repo}/commit/{rev}` (NDJSON: `header`, `file` in base64, `lfsFile` by
  its SHA-256, `deletedFile`): `{commitUrl, commitOid}`;
- `POST /api/datasets/{repo}/tag/{rev}` `{tag, message}`: 409 when the tag exists;
- `GET /api/datasets/{repo}/revision/{rev}`, `/refs`, `/commits/{rev}`: what is stored.
Writes without an `Authorization` header get the Hub's 401 (the LFS upload URL is pre-signed:
none needed). Headers are kept in `seen` only.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from simulation.rehearsal.base import LocalServer, Reply, Seen
from simulation.rehearsal.hub import AGENT_HARNESSES_PATH

REPO = r"/(?P<repo>[^/]+/[^/]+)"
ROUTES = {
    ("POST", "create"): re.compile(r"^/api/repos/create$"),
    ("POST", "validate"): re.compile(r"^/api/validate-yaml$"),
    ("POST", "preupload"): re.compile(rf"^/api/datasets{REPO}/preupload/(?P<rev>[^/]+)$"),
    ("POST", "batch"): re.compile(rf"^/datasets{REPO}\.git/info/lfs/objects/batch$"),
    ("PUT", "lfs"): re.compile(r"^/lfs-upload/(?P<oid>[0-9a-f]{64})$"),
    ("POST", "commit"): re.compile(rf"^/api/datasets{REPO}/commit/(?P<rev>[^/]+)$"),
    ("POST", "tag"): re.compile(rf"^/api/datasets{REPO}/tag/(?P<rev>[^/]+)$"),
    ("GET", "info"): re.compile(rf"^/api/datasets{REPO}(/revision/(?P<rev>[^/]+))?$"),
    ("GET", "refs"): re.compile(rf"^/api/datasets{REPO}/refs$"),
    ("GET", "commits"): re.compile(rf"^/api/datasets{REPO}/commits/(?P<rev>[^/]+)$"),
}


def git_blob_sha1(content: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


@dataclass
class Commit:
    oid: str
    title: str
    files: dict[str, bytes]  # the whole tree after the commit


@dataclass
class Repo:
    commits: list[Commit] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def files(self) -> dict[str, bytes]:
        return self.commits[-1].files if self.commits else {}

    @property
    def head(self) -> str:
        return self.commits[-1].oid if self.commits else "0" * 40


class HubRepoServer(LocalServer):
    """Dataset repositories in memory, written through huggingface_hub's own client."""

    def __init__(self, port: int = 0) -> None:
        super().__init__(port)
        self.repos: dict[str, Repo] = {}
        self.lfs: dict[str, bytes] = {}  # uploaded LFS objects by SHA-256

    @property
    def url(self) -> str:
        return self.address

    def is_api(self, path: str) -> bool:
        return path != AGENT_HARNESSES_PATH

    def answer(self, path: str, query: str, headers: Mapping[str, str]) -> Reply:
        return self.handle("GET", path, headers, b"")

    def handle(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Reply:
        for (verb, name), pattern in ROUTES.items():
            match = pattern.match(path)
            if verb == method and match:
                # The LFS upload URL is pre-signed, as the Hub's storage URLs are: no token.
                if method != "GET" and name != "lfs" and not headers.get("Authorization"):
                    return Reply(401, b'{"error": "Invalid credentials in Authorization header"}')
                return getattr(self, f"_{name}")(match.groupdict(), body)
        return Reply(404, b'{"error": "Repository not found"}')

    def _repo(self, groups: dict[str, str]) -> Repo | None:
        return self.repos.get(groups["repo"])

    def _create(self, groups: dict[str, str], body: bytes) -> Reply:
        payload = json.loads(body)
        repo_id = f"{payload['organization']}/{payload['name']}"
        url = f"{self.url}/datasets/{repo_id}"
        if repo_id in self.repos:  # the Hub's 409 names the repository too
            body = {"error": "You already created this dataset repo", "url": url}
            return Reply(409, json.dumps(body).encode())
        self.repos[repo_id] = Repo()
        return Reply(200, json.dumps({"url": url}).encode())

    def _validate(self, groups: dict[str, str], body: bytes) -> Reply:
        return Reply(200, b"{}")

    def _preupload(self, groups: dict[str, str], body: bytes) -> Reply:
        repo = self._repo(groups)
        if repo is None:
            return Reply(404, b'{"error": "Repository not found"}')
        files = []
        for entry in json.loads(body)["files"]:
            mode = "lfs" if entry["path"].endswith(".parquet") else "regular"
            stored = repo.files.get(entry["path"])
            oid = None
            if stored is not None:
                oid = hashlib.sha256(stored).hexdigest() if mode == "lfs" else git_blob_sha1(stored)
            files.append(
                {"path": entry["path"], "uploadMode": mode, "shouldIgnore": False, "oid": oid}
            )
        return Reply(200, json.dumps({"files": files, "commitOid": repo.head}).encode())

    def _batch(self, groups: dict[str, str], body: bytes) -> Reply:
        objects = []
        for item in json.loads(body)["objects"]:
            answer = {"oid": item["oid"], "size": item["size"], "authenticated": True}
            if item["oid"] not in self.lfs:
                href = f"{self.url}/lfs-upload/{item['oid']}"
                answer["actions"] = {"upload": {"href": href, "header": {}}}
            objects.append(answer)
        return Reply(200, json.dumps({"transfer": "basic", "objects": objects}).encode())

    def _lfs(self, groups: dict[str, str], body: bytes) -> Reply:
        if hashlib.sha256(body).hexdigest() != groups["oid"]:
            return Reply(400, b'{"error": "the content does not match its oid"}')
        self.lfs[groups["oid"]] = body
        return Reply(200, b"")

    def _commit(self, groups: dict[str, str], body: bytes) -> Reply:
        repo = self._repo(groups)
        if repo is None:
            return Reply(404, b'{"error": "Repository not found"}')
        files, title = dict(repo.files), ""
        for line in body.splitlines():
            item = json.loads(line)
            value = item["value"]
            if item["key"] == "header":
                title = value["summary"]
            elif item["key"] == "file":
                files[value["path"]] = base64.b64decode(value["content"])
            elif item["key"] == "lfsFile":
                if value["oid"] not in self.lfs:
                    return Reply(422, b'{"error": "LFS object not uploaded"}')
                files[value["path"]] = self.lfs[value["oid"]]
            elif item["key"] == "deletedFile":
                files.pop(value["path"], None)
        digest = hashlib.sha1(repo.head.encode() + title.encode())
        for path in sorted(files):
            digest.update(path.encode() + hashlib.sha256(files[path]).digest())
        oid = digest.hexdigest()
        repo.commits.append(Commit(oid, title, files))
        url = f"{self.url}/datasets/{groups['repo']}/commit/{oid}"
        return Reply(200, json.dumps({"commitUrl": url, "commitOid": oid}).encode())

    def _tag(self, groups: dict[str, str], body: bytes) -> Reply:
        repo = self._repo(groups)
        if repo is None:
            return Reply(404, b'{"error": "Repository not found"}')
        tag = json.loads(body)["tag"]
        if tag in repo.tags:
            return Reply(409, b'{"error": "Tag already exists"}')
        repo.tags[tag] = repo.head if groups["rev"] == "main" else groups["rev"]
        return Reply(200, b"{}")

    def _info(self, groups: dict[str, str], body: bytes) -> Reply:
        repo = self._repo(groups)
        if repo is None:
            return Reply(404, b'{"error": "Repository not found"}')
        info = {
            "id": groups["repo"],
            "sha": repo.head,
            "private": False,
            "siblings": [{"rfilename": path} for path in sorted(repo.files)],
        }
        return Reply(200, json.dumps(info).encode())

    def _refs(self, groups: dict[str, str], body: bytes) -> Reply:
        repo = self._repo(groups)
        if repo is None:
            return Reply(404, b'{"error": "Repository not found"}')
        tags = [
            {"name": tag, "ref": f"refs/tags/{tag}", "targetCommit": oid}
            for tag, oid in sorted(repo.tags.items())
        ]
        branch = {"name": "main", "ref": "refs/heads/main", "targetCommit": repo.head}
        return Reply(200, json.dumps({"branches": [branch], "tags": tags, "converts": []}).encode())

    def _commits(self, groups: dict[str, str], body: bytes) -> Reply:
        repo = self._repo(groups)
        if repo is None:
            return Reply(404, b'{"error": "Repository not found"}')
        listed = [
            {
                "id": c.oid,
                "title": c.title,
                "message": "",
                "date": "2026-01-01T00:00:00.000Z",
                "authors": [{"user": "observatory"}],
            }
            for c in reversed(repo.commits)
        ]
        return Reply(200, json.dumps(listed).encode())

    def _handler(self):
        base = super()._handler()
        server = self

        class Handler(base):  # type: ignore[misc,valid-type]
            def do_POST(self) -> None:
                self.write_request("POST")

            def do_PUT(self) -> None:
                self.write_request("PUT")

            def read_body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    chunks = []
                    while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                    self.rfile.readline()
                    return b"".join(chunks)
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def write_request(self, method: str) -> None:
                body = self.read_body()
                path = self.path.split("?", 1)[0]
                with server._lock:
                    server.seen.append(
                        Seen(0.0, self.path, self.headers.get("Authorization"), None)
                    )
                    reply = server.handle(method, path, self.headers, body)
                self.send(reply)

        return Handler
