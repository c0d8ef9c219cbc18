{#- Seeds on Spark. dbt-spark's own seed macros, with two corrections:
    - the `column_types` of seeds/_seeds.yml say `varchar`, as DuckDB spells it; Spark wants
      `string` (its `varchar` needs a length);
    - with `method: session`, dbt-spark fills the insert's `%s` bindings with `'{value}'`
      (dbt/adapters/spark/session.py, `_fix_binding`): a quote in a value breaks the statement
      ("DeepSeek's flagship") and an empty cell becomes the text 'None'. Here every value is
      written as a SQL literal (`sql_string_literal`, quotes and backslashes escaped) cast to its
      column's type, and an empty cell as null, so each seed holds on Spark what it holds on
      DuckDB. -#}

{% macro spark_seed_type(column_type) -%}
    {{- return('string' if column_type | lower in ('varchar', 'text') else column_type) -}}
{%- endmacro %}

{% macro spark_seed_literal(value) -%}
    {%- if value is none -%} null
    {%- else -%} {{ sql_string_literal(value) }}
    {%- endif -%}
{%- endmacro %}

{% macro spark__create_csv_table(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set quote_seed_column = model['config'].get('quote_columns', None) -%}
    {% set sql %}
        create table {{ this.render() }} (
            {%- for col_name in agate_table.column_names -%}
                {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                {%- set type = spark_seed_type(column_override.get(col_name, inferred_type)) -%}
                {{ adapter.quote_seed_column(col_name | string, quote_seed_column) }} {{ type }}
                {%- if not loop.last -%}, {%- endif -%}
            {%- endfor -%}
        )
        {{ file_format_clause() }}
        {{ partition_cols(label="partitioned by") }}
        {{ clustered_cols(label="clustered by") }}
        {{ location_clause() }}
        {{ comment_clause() }}
    {% endset %}
    {% call statement('_') -%}
        {{ sql }}
    {%- endcall %}
    {{ return(sql) }}
{% endmacro %}

{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                    {%- set type = spark_seed_type(column_override.get(col_name, inferred_type)) -%}
                    cast({{ spark_seed_literal(row[loop.index0]) }} as {{ type }})
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first %}{% do statements.append(sql) %}{% endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}
