{#- The incremental models rebuild every day from `rebuild_from()` on (decided in Python:
    orchestration/lib/rebuild_window.py; `macros/partition_dates.sql`); docs/incremental.md says
    how each uses it. The kept state of the Hub's observations: `macros/model_recent.sql`. -#}

{#- dbt's incremental strategy `rebuild` (`get_incremental_<name>_sql`, its extension point):
    once the model's rows are built, delete the kept rows of the rebuilt days (`meta.rebuilt_column`
    on or after `rebuild_from()`) and, with a `unique_key`, every kept row of a key built again,
    then insert the built rows, in the build's transaction. A kept row of the rebuilt days that
    nothing replaced (its day evicted, or gone from a rerun's newer fetch) goes with them. -#}
{% macro get_incremental_rebuild_sql(arg_dict) -%}
    {%- set key = arg_dict.unique_key -%}
    {%- set key = key if key is string or not key else key | join(', ') -%}
    delete from {{ arg_dict.target_relation }}
    where
        {{ config.get('meta')['rebuilt_column'] }} >= {{ rebuild_from() }}
        {%- if key %} or ({{ key }}) in (select distinct {{ key }} from {{ arg_dict.temp_relation }}){% endif %};
    {{ get_incremental_append_sql(arg_dict) }}
{%- endmacro %}

{#- Whether `sql` returns a row, asked when the model runs (true at parse). The incremental models
    ask whether any state falls short of what the rebuilt days need, and leave the history lookup
    out when none does: DuckDB built the lookup's hash table on the history side (166 million rows
    at 90 days of the whole Hub, 32 s) even with no model to look up. -#}
{% macro any_row(sql) -%}
    {%- if not execute -%}{{ return(true) }}{%- endif -%}
    {{ return(run_query('select exists (' ~ sql ~ ')').columns[0].values()[0]) }}
{%- endmacro %}

{#- `relation` as a table the build can query, or none: missing, or a unit test's fixture (a CTE
    of the test's query, with no database). -#}
{% macro queryable(relation) -%}
    {%- if relation.database is not defined or relation.database is none or not relation.database -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(load_relation(relation)) }}
{%- endmacro %}
