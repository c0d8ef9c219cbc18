"""dbt tests become asset checks that say in words what they hold."""

from __future__ import annotations

import dagster as dg

from orchestration.defs.dbt.translator import describe_test

MART = dg.AssetKey(["marts", "mart_claims"])


def node(kind: str | None, column: str | None = None, severity: str = "ERROR", **kwargs) -> dict:
    return {
        "name": f"{kind}_mart_claims_{column}",
        "column_name": column,
        "config": {"severity": severity},
        "test_metadata": None
        if kind is None
        else {"name": kind, "namespace": None, "kwargs": {"model": "x", **kwargs}},
    }


def first_line(description: str) -> str:
    return description.split("\n\n")[0]


def test_each_kind_of_test_reads_as_a_sentence():
    cases = {
        "`claim_id` is never null": node("not_null", "claim_id", column_name="claim_id"),
        "`claim_id`, `verdict` are never null": node(
            "not_null_columns", column_names=["claim_id", "verdict"]
        ),
        "`claim_id` is unique: no value appears twice": node("unique", "claim_id"),
        "`verdict` is one of `consistent`, `not_consistent`": node(
            "accepted_values", "verdict", values=["consistent", "not_consistent"]
        ),
        "every `developer_id` is a `developer_id` of `dim_developers`": node(
            "relationships", "developer_id", to="ref('dim_developers')", field="developer_id"
        ),
        "one row per (`claim_id`, `metric`): no combination appears twice": node(
            "unique_combination_of_columns", combination_of_columns=["claim_id", "metric"]
        ),
        "`share` is >= 0 and <= 1": node("accepted_range", "share", min_value=0, max_value=1),
        "the table holds at least one row": node("not_empty"),
        "`claim_id` holds every `claim_id` of `claims`": node(
            "contains_all_values_of",
            "claim_id",
            source_model="ref('claims')",
            source_column="claim_id",
        ),
    }
    for sentence, props in cases.items():
        assert first_line(describe_test(props, MART)) == sentence


def test_the_description_names_the_dbt_test_and_what_a_failure_does():
    blocking = describe_test(node("not_null", "claim_id"), MART)
    warning = describe_test(node("not_empty", severity="warn"), MART)

    assert "dbt test `not_null_mart_claims_claim_id` (not_null) on `marts/mart_claims`" in blocking
    assert "the warehouse is not published" in blocking
    assert "the run goes on" in warning


def test_a_tests_own_description_leads_and_the_rule_follows():
    props = {**node("unique", "claim_id"), "description": "One verdict per claim."}

    description = describe_test(props, MART)

    assert first_line(description) == "One verdict per claim."
    assert "Rule: `claim_id` is unique: no value appears twice." in description


def test_an_enforced_contract_is_said_in_the_asset_description():
    from orchestration.defs.dbt.translator import ObservatoryDbtTranslator

    model = {
        "resource_type": "model",
        "name": "mart_claims",
        "description": "Published claims against the data.",
        "raw_code": "select 1",
        "config": {"contract": {"enforced": True}},
        "columns": {
            "claim_id": {"constraints": [{"type": "not_null"}, {"type": "unique"}]},
            "verdict": {
                "constraints": [{"type": "check", "expression": "verdict in ('consistent')"}]
            },
        },
        "constraints": [],
    }
    text = ObservatoryDbtTranslator().get_description(model)
    assert text.startswith("Published claims against the data.")
    assert "- `claim_id`: never null\n- `claim_id`: unique\n" in text
    assert "- holds `verdict`: `verdict in ('consistent')`" in text
    assert text.index("**Contract**") < text.index("select 1")
    model["config"] = {"contract": {"enforced": False}}
    assert "**Contract**" not in ObservatoryDbtTranslator().get_description(model)
