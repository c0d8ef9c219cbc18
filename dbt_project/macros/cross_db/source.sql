{#- `source()` as dbt has it, except on Spark. DuckDB reads each raw dataset through the
    `+external_location` of dbt_project.yml (dbt-duckdb puts it in place of the table name).
    dbt-spark has no such thing, so there the source is the same files read in place,
    `parquet.`<raw dir>/<dataset>/*/*.parquet``, the files' differing columns merged as
    `union_by_name` merges them (`spark.sql.parquet.mergeSchema`, profiles.yml). `builtins.source`
    is still called first, so dbt records the dependency and the lineage as before. -#}
{% macro source(source_name, table_name) -%}
    {%- set relation = builtins.source(source_name, table_name) -%}
    {{- return(adapter.dispatch('raw_source', 'open_model_observatory')(relation)) -}}
{%- endmacro %}

{% macro default__raw_source(relation) -%}
    {{- return(relation) -}}
{%- endmacro %}

{% macro spark__raw_source(relation) -%}
    {{- return("parquet.`" ~ env_var("OBSERVATORY_RAW_DIR") ~ "/" ~ relation.identifier ~ "/*/*.parquet`") -}}
{%- endmacro %}
