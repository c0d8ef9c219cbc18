"""The marts as an open Hub dataset, after a successful daily run, when a repository is
configured (`OBSERVATORY_PUBLISH_REPO`; the definitions leave the asset out otherwise)."""

import dagster as dg

from orchestration.defs.dbt.assets import PUBLISHED_WAREHOUSE_KEY
from orchestration.lib.resources import StorageResource

HUB_DATASET_KEY = dg.AssetKey(["published", "hub_dataset"])


class HubPublishResource(dg.ConfigurableResource):
    """Where the marts are published: a Hub dataset repository, the Hub's address and a write
    token (`dg.EnvVar("HF_TOKEN")`: resolved when the step runs, never stored)."""

    repo: str
    endpoint: str
    token: str | None = None


@dg.asset(
    key=HUB_DATASET_KEY,
    deps=[PUBLISHED_WAREHOUSE_KEY],
    group_name="warehouse",
    kinds={"huggingface"},
)
def hub_dataset(
    context: dg.AssetExecutionContext, storage: StorageResource, hub_publish: HubPublishResource
) -> dg.MaterializeResult:
    """The published marts on the Hub: every mart as `data/<mart>.parquet` and a dataset card
    from dbt's docs, one commit tagged with the run date (`orchestration.lib.publish`).

    Grain: one commit of a dataset repository per run whose marts changed (none when they did
    not). Source: the published Parquet copies of the marts. Meaning: the Observatory's marts
    as an open dataset; the usage marts carry OpenRouter's CC BY 4.0 citation. Demo data is
    refused (the step fails and says so).
    """
    from orchestration.lib.publish import publish

    done = publish(
        storage.layout.data_dir,
        hub_publish.repo,
        endpoint=hub_publish.endpoint,
        token=hub_publish.token,
    )
    context.log.info(
        f"{'published' if done.created_commit else 'nothing new for'} {done.repo} ({done.commit})"
    )
    return dg.MaterializeResult(
        metadata={
            "repo": done.repo,
            "commit": done.commit or "",
            "created_commit": done.created_commit,
            "run_date": done.run_date.isoformat(),
            "files": len(done.files),
        }
    )
