"""Both rehearsal servers at once, serving one recordings folder, under one fault plan.

    with Rehearsal(served_from(folder), plan=STANDARD) as rehearsal:
        env = {**os.environ, **rehearsal.environment(), "SOURCE_MODE": "live"}
        # ... run `observatory run` with env: it fetches the day from 127.0.0.1

`environment()` is what points the real clients at the servers: `HF_ENDPOINT`, `HUB_SOURCE`,
`OPENROUTER_BASE_URL`, and the `OPENROUTER_API_KEY` the OpenRouter server accepts (its own,
random unless given: a rehearsal never needs a real key, and never sees one).

The Hub is rehearsed as one of its two live sources: `hub_source="api"`, the model list of the
registry's organisations (`HubServer`, the newest recorded day), or `"hub-stats"`, the hub-stats
dataset whose revisions are the daily files of `hub_stats_dir` (`HubStatsServer`; by default the
served folder's `hub/daily`).
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any, Self

from simulation.rehearsal.data import Served
from simulation.rehearsal.hub import HubServer
from simulation.rehearsal.hub_stats import HubStatsServer
from simulation.rehearsal.openrouter import OpenRouterServer
from simulation.rehearsal.plan import rules

# Smaller than the Hub's 1,000, so that the larger orgs of a recording come in several pages
# and the rehearsal follows `Link` headers (and can be cut in the middle of a second page).
REHEARSAL_PAGE_SIZE = 20


class Rehearsal:
    def __init__(
        self,
        served: Served,
        plan: list[dict[str, Any]] | None = None,
        *,
        api_key: str | None = None,
        hub_port: int = 0,
        openrouter_port: int = 0,
        page_size: int = REHEARSAL_PAGE_SIZE,
        hub_source: str = "api",
        hub_stats_dir: Path | None = None,
    ) -> None:
        self.served = served
        self.api_key = api_key or f"rehearsal-{secrets.token_hex(12)}"
        self.hub_source = hub_source
        self.hub: HubServer | HubStatsServer
        if hub_source == "hub-stats":
            folder = hub_stats_dir or served.folder / "hub" / "daily"
            self.hub = HubStatsServer(folder, port=hub_port)
        else:
            self.hub = HubServer(served.hub_models, page_size=page_size, port=hub_port)
        self.openrouter = OpenRouterServer(
            served.openrouter_models,
            rankings=served.rankings,
            api_key=self.api_key,
            redate=True,
            port=openrouter_port,
        )
        self.plan = plan or []
        # Each server counts the requests of its own copy of the rules.
        self.hub.follow(rules(self.plan))
        self.openrouter.follow(rules(self.plan))

    def environment(self) -> dict[str, str]:
        hub_stats = (
            {"HUB_STATS_REPO": self.hub.repo} if isinstance(self.hub, HubStatsServer) else {}
        )
        return {
            "HF_ENDPOINT": self.hub.url,
            "HUB_SOURCE": self.hub_source,
            **hub_stats,
            "OPENROUTER_BASE_URL": self.openrouter.base_url,
            "OPENROUTER_API_KEY": self.api_key,
        }

    def describe_hub(self) -> str:
        if not isinstance(self.hub, HubStatsServer):
            return ""
        days = list(self.hub.files)
        return (
            f"; the Hub as the dataset {self.hub.repo}: {len(days)} daily revisions of "
            f"models.parquet ({days[0]} .. {days[-1]}) from {self.hub.folder}"
        )

    def faulted(self) -> list[tuple[str, str]]:
        """(path, fault) of every request answered with a fault, Hub first."""
        return [
            (seen.path, seen.fault.describe())
            for server in (self.hub, self.openrouter)
            for seen in server.seen
            if seen.fault is not None
        ]

    def start(self) -> Self:
        self.hub.start()
        self.openrouter.start()
        return self

    def stop(self) -> None:
        self.hub.stop()
        self.openrouter.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
