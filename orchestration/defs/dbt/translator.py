"""How dbt nodes appear in Dagster: keyed and grouped by warehouse layer, tests explained."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtProject


class ObservatoryDbtTranslator(DagsterDbtTranslator):
    """Models and seeds become `<schema>/<name>` (`marts/mart_adoption`), in a group per layer,
    so the UI's lineage reads raw -> reference/staging -> intermediate -> marts. Sources keep
    the asset key set in their `meta.dagster.asset_key`: the raw assets Dagster writes. dbt
    tests become asset checks whose description says, in words, what the test holds."""

    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_code_references=False))

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        return dg.AssetKey([_schema(dbt_resource_props), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return "raw"
        return _schema(dbt_resource_props)

    def get_description(self, dbt_resource_props: Mapping[str, Any]) -> str:
        """The model's description, then the rules of its enforced contract: DuckDB holds them
        as the table is built, so they are no check in the UI, and here they are said."""
        description = super().get_description(dbt_resource_props)
        rules = contract_rules(dbt_resource_props)
        if not rules:
            return description
        listed = "\n".join(f"- {rule}" for rule in rules)
        contract = (
            "**Contract** (enforced as the table is built: a row that breaks a rule fails the "
            f"build, and the warehouse is not published):\n{listed}"
        )
        # Before dagster-dbt's raw SQL block, where a reader of the page still looks.
        text, sql, code = description.partition("#### Raw SQL")
        return f"{text.rstrip()}\n\n{contract}" + (f"\n\n{sql}{code}" if sql else "")

    def get_asset_check_spec(
        self,
        asset_spec: dg.AssetSpec,
        manifest: Mapping[str, Any],
        unique_id: str,
        project: DbtProject | None,
    ) -> dg.AssetCheckSpec | None:
        """dagster-dbt's check, described from the test's own metadata (its kind, column and
        arguments): "`model_id` is never null", not only `not_null_dim_models_model_id`.

        The check keeps dbt's test name: dagster-dbt 0.29 files each test result under that
        name (`get_asset_check_key_for_test`), so a check renamed here would never receive its
        result. The readable sentence leads the description, which the UI shows beside it."""
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None:
            return None
        return dg.AssetCheckSpec(
            name=spec.name,
            asset=spec.asset_key,
            description=describe_test(manifest["nodes"][unique_id], asset_spec.key),
            additional_deps=spec.additional_deps,
            blocking=spec.blocking,
            metadata=spec.metadata,
        )


def describe_test(test: Mapping[str, Any], asset_key: dg.AssetKey) -> str:
    """What a dbt data test holds, in words, then where it comes from and what failing does."""
    metadata = test.get("test_metadata") or {}
    kind = metadata.get("name")
    arguments = {k: v for k, v in (metadata.get("kwargs") or {}).items() if k != "model"}
    column = arguments.pop("column_name", None) or test.get("column_name")
    rule = _rule(kind, column, arguments) if kind else None
    own = (test.get("description") or "").strip()
    lines = [own or rule or f"the singular test `{test['name']}` returns no row"]
    if own and rule:
        lines.append(f"Rule: {rule}.")
    origin = f"{metadata['namespace']}.{kind}" if metadata.get("namespace") else kind
    lines.append(
        f"dbt test `{test['name']}` ({origin or 'singular'}) on `{asset_key.to_user_string()}`."
    )
    severity = str((test.get("config") or {}).get("severity") or "error").lower()
    lines.append(
        "Severity error: a failure fails the build, and the warehouse is not published."
        if severity == "error"
        else "Severity warn: a failure is reported and the run goes on."
    )
    return "\n\n".join(lines)


def contract_rules(node: Mapping[str, Any]) -> list[str]:
    """An enforced contract's constraints in words: the columns' (not null, unique, primary
    key, check) and the model's own."""
    if not ((node.get("config") or {}).get("contract") or {}).get("enforced"):
        return []
    by_kind: dict[str, list[str]] = {}
    checks = []
    for name, column in (node.get("columns") or {}).items():
        for constraint in column.get("constraints") or []:
            kind = constraint.get("type")
            if kind == "check":
                checks.append(f"`{name}`: `{constraint.get('expression')}`")
            else:
                by_kind.setdefault(kind, []).append(f"`{name}`")
    words = {"not_null": "never null", "unique": "unique", "primary_key": "the primary key"}
    rules = [f"{', '.join(cols)}: {words.get(kind, kind)}" for kind, cols in by_kind.items()]
    rules += [f"holds {check}" for check in checks]
    for constraint in node.get("constraints") or []:
        columns = ", ".join(f"`{c}`" for c in constraint.get("columns") or [])
        expression = constraint.get("expression")
        rules.append(
            f"{constraint.get('type')} ({columns})" + (f": `{expression}`" if expression else "")
        )
    return rules


def _rule(kind: str, column: str | None, arguments: Mapping[str, Any]) -> str:
    """One sentence for the generic tests this project uses; the arguments for the others."""
    subject = f"`{column}`" if column else "each row"
    if kind == "not_null":
        return f"{subject} is never null"
    if kind == "not_null_columns":
        columns = ", ".join(f"`{c}`" for c in arguments.get("column_names", []))
        return f"{columns} are never null"
    if kind == "unique":
        return f"{subject} is unique: no value appears twice"
    if kind == "accepted_values":
        values = ", ".join(f"`{v}`" for v in arguments.get("values", []))
        return f"{subject} is one of {values}"
    if kind == "relationships":
        return (
            f"every {subject} is a `{arguments.get('field')}` of "
            f"{_ref_name(str(arguments.get('to', '')))}"
        )
    if kind == "unique_combination_of_columns":
        columns = ", ".join(f"`{c}`" for c in arguments.get("combination_of_columns", []))
        return f"one row per ({columns}): no combination appears twice"
    if kind == "accepted_range":
        bounds = []
        if "min_value" in arguments:
            sign = ">=" if arguments.get("inclusive", True) else ">"
            bounds.append(f"{sign} {arguments['min_value']}")
        if "max_value" in arguments:
            sign = "<=" if arguments.get("inclusive", True) else "<"
            bounds.append(f"{sign} {arguments['max_value']}")
        return f"{subject} is {' and '.join(bounds) or 'in range'}"
    if kind == "not_empty":
        return "the table holds at least one row"
    if kind == "contains_all_values_of":
        return (
            f"{subject} holds every `{arguments.get('source_column')}` of "
            f"{_ref_name(str(arguments.get('source_model', '')))}"
        )
    if kind == "expression_is_true":
        return f"`{arguments.get('expression')}` holds for every row"
    details = ", ".join(f"{k}={v!r}" for k, v in sorted(arguments.items()))
    return f"`{kind}` holds for {subject}" + (f" ({details})" if details else "")


def _ref_name(ref: str) -> str:
    """`ref('dim_models')` -> `dim_models`; anything else as written."""
    inner = ref.removeprefix("ref(").removesuffix(")").strip("'\" ")
    return f"`{inner}`" if ref.startswith("ref(") else f"`{ref}`"


def _schema(dbt_resource_props: Mapping[str, Any]) -> str:
    return dbt_resource_props.get("config", {}).get("schema") or "main"
