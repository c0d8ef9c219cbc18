"""The dbt resource: dagster-dbt's `DbtCliResource`, without the two things it does in the run's
own process before dbt starts.

`DbtCliResource.cli` first runs `dbt --version` (a whole Python process importing dbt, about
2-3 s) to learn which dbt it talks to, then builds dbt's adapter in this process (about 4 s: dbt's
imports, the profile, the manifest) so that `fetch_row_counts` and `fetch_column_metadata` can
query the warehouse afterwards. Here the version is the installed dbt-core's (the `dbt` a run
starts is this environment's: `orchestration.lib.settings.real_dbt`), and no adapter is built:
the row counts and column schemas come from one DuckDB connection once dbt has exited
(`orchestration.defs.dbt.metadata`). Measured in `bench/README.md` ("Before dbt starts").
"""

from functools import cached_property
from importlib.metadata import version as installed_version

from dagster_dbt import DbtCliResource
from packaging.version import Version


class ObservatoryDbtCliResource(DbtCliResource):
    """`DbtCliResource` for the dbt of this environment, with no in-process adapter."""

    @cached_property
    def _cli_version(self) -> Version:
        return Version(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None
