"""How long the live Hub step waits against a server that rate-limits the first request of
every URL for one second (issue 11: "320 s for the registry's organisations").

The rehearsal Hub (`simulation.rehearsal`) serves the demo's newest day to the developer
registry's organisations, one page each, and answers the first request of each URL with a 429
saying `RateLimit: "api";r=0;t=1` (as the Hub says it) or, with `--style`, in another form. Two
clients list the same organisations:

- huggingface_hub's `HfApi.list_models`, which the pipeline used before: its waits are what it
  passes to `time.sleep`, recorded here instead of slept;
- ours (`ingestion.hub.live.LiveHubClient`), whose waits go through `RetryPolicy.sleep`.

It prints, and writes to `bench/rate_limits.json`, the number of 429s and the seconds each client
would have slept. Nothing is slept: the figures are the clients' own decisions, not timings.

    .venv/bin/python bench/rate_limits.py [--style ratelimit|reset|retry-after]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--style", default="ratelimit", choices=["ratelimit", "reset", "retry-after"]
    )
    parser.add_argument("--seconds", type=int, default=1, help="the wait each 429 asks for")
    args = parser.parse_args()
    os.environ["HF_HOME"] = tempfile.mkdtemp(prefix="bench-hf-home-")

    from ingestion.http import RetryPolicy
    from ingestion.hub.live import LiveHubClient
    from ingestion.hub.schema import HUB_EXPAND_FIELDS
    from ingestion.registry import registry_orgs
    from orchestration.lib.settings import DEVELOPER_REGISTRY_CSV
    from simulation.demo import DemoSpec, ensure_demo
    from simulation.rehearsal.base import Fault, FaultRule
    from simulation.rehearsal.data import served_from
    from simulation.rehearsal.hub import HubServer

    demo = Path(tempfile.mkdtemp(prefix="bench-demo-")) / "demo"
    ensure_demo(demo, DemoSpec(days=2, price_days=2, rankings_days=1))
    orgs = registry_orgs(DEVELOPER_REGISTRY_CSV)
    served = served_from(demo)
    results: dict[str, object] = {"orgs": len(orgs), "style": args.style, "asked": args.seconds}
    with HubServer(served.hub_models) as hub:
        os.environ["HF_ENDPOINT"] = hub.url
        from huggingface_hub import HfApi
        from huggingface_hub.errors import HfHubHTTPError

        def limited() -> None:
            hub.reset()
            hub.follow(
                [
                    FaultRule(
                        Fault.rate_limited(args.seconds, args.style),
                        match="/api/models",
                        per_url=True,
                    )
                ]
            )

        limited()
        slept: list[float] = []
        real_sleep, time.sleep = time.sleep, slept.append  # huggingface_hub calls time.sleep
        failed = None
        try:
            api = HfApi(endpoint=hub.url)
            for org in orgs:
                list(api.list_models(author=org, expand=list(HUB_EXPAND_FIELDS)))
        except HfHubHTTPError as error:  # gave up before the server's wait was over
            failed = str(error).splitlines()[0]
        finally:
            time.sleep = real_sleep
        results["huggingface_hub"] = {
            "rate_limited": sum(s.fault is not None for s in hub.seen),
            "requests": len(hub.model_requests()),
            "seconds_waited": sum(slept),
            "failed": failed,
        }
        limited()
        waits: list[float] = []
        client = LiveHubClient(hub.url, tuple(orgs), retry=RetryPolicy(sleep=waits.append))
        client.snapshot(dt.date.today())
        results["ours"] = {
            "rate_limited": sum(s.fault is not None for s in hub.seen),
            "requests": len(hub.model_requests()),
            "seconds_waited": sum(waits),
        }
    print(json.dumps(results, indent=2))
    (ROOT / "bench" / "rate_limits.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
