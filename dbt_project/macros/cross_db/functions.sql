{#- Scalar and aggregate functions whose name or arguments differ between DuckDB and Spark.
    default__ is DuckDB's SQL, as the models had it; spark__ the same on Spark SQL. -#}

{#- Whether `expr` matches the regular expression (RE2 on DuckDB, Java on Spark: the patterns
    of the models and the family seed mean the same in both). -#}
{% macro regex_matches(expr, pattern, case_insensitive=false) -%}
    {{- return(adapter.dispatch('regex_matches', 'open_model_observatory')(expr, pattern, case_insensitive)) -}}
{%- endmacro %}
{% macro default__regex_matches(expr, pattern, case_insensitive) -%}
    regexp_matches({{ expr }}, {{ pattern }}{% if case_insensitive %}, 'i'{% endif %})
{%- endmacro %}
{% macro spark__regex_matches(expr, pattern, case_insensitive) -%}
    {%- if case_insensitive -%} regexp_like({{ expr }}, concat('(?i)', {{ pattern }}))
    {%- else -%} regexp_like({{ expr }}, {{ pattern }})
    {%- endif -%}
{%- endmacro %}

{#- The value of `expr` on the row where `key` is largest (smallest). -#}
{% macro arg_max(expr, key) -%}
    {{- return(adapter.dispatch('arg_max', 'open_model_observatory')(expr, key)) -}}
{%- endmacro %}
{% macro default__arg_max(expr, key) -%}
    arg_max({{ expr }}, {{ key }})
{%- endmacro %}
{% macro spark__arg_max(expr, key) -%}
    max_by({{ expr }}, {{ key }})
{%- endmacro %}

{% macro arg_min(expr, key) -%}
    {{- return(adapter.dispatch('arg_min', 'open_model_observatory')(expr, key)) -}}
{%- endmacro %}
{% macro default__arg_min(expr, key) -%}
    arg_min({{ expr }}, {{ key }})
{%- endmacro %}
{% macro spark__arg_min(expr, key) -%}
    min_by({{ expr }}, {{ key }})
{%- endmacro %}

{#- A CTE read by several parts of a query, to be inlined into each rather than materialized once:
    DuckDB materializes such a CTE whole, before any reader's filter (a daily model's CTE over
    the history, read once for the rebuilt days and once for their anchors, was copied and
    spilled whole). Spark inlines its CTEs. -#}
{% macro not_materialized() -%}
    {{- return(adapter.dispatch('not_materialized', 'open_model_observatory')()) -}}
{%- endmacro %}
{% macro default__not_materialized() -%}
    not materialized
{%- endmacro %}
{% macro spark__not_materialized() -%}
{%- endmacro %}

{#- Integer division of non-negative integers. -#}
{% macro integer_divide(numerator, denominator) -%}
    {{- return(adapter.dispatch('integer_divide', 'open_model_observatory')(numerator, denominator)) -}}
{%- endmacro %}
{% macro default__integer_divide(numerator, denominator) -%}
    ({{ numerator }}) // {{ denominator }}
{%- endmacro %}
{% macro spark__integer_divide(numerator, denominator) -%}
    ({{ numerator }}) div {{ denominator }}
{%- endmacro %}

{#- A date or timestamp as text, `format` in strftime's codes (%Y, %m, %d, %H, %M, %S). -#}
{% macro format_date(expr, format) -%}
    {{- return(adapter.dispatch('format_date', 'open_model_observatory')(expr, format)) -}}
{%- endmacro %}
{% macro default__format_date(expr, format) -%}
    strftime({{ expr }}, '{{ format }}')
{%- endmacro %}
{% macro spark__format_date(expr, format) -%}
    {%- set java = format | replace('%Y', 'yyyy') | replace('%m', 'MM') | replace('%d', 'dd')
        | replace('%H', 'HH') | replace('%M', 'mm') | replace('%S', 'ss') | replace('T', "'T'")
        | replace('Z', "'Z'") -%}
    date_format({{ expr }}, "{{ java }}")
{%- endmacro %}

{#- A text as a SQL string literal: quotes doubled, and on Spark backslashes doubled too (Spark
    reads `\` in a literal as an escape, DuckDB as itself: `^dots\.` must reach both regex
    engines as written). -#}
{% macro sql_string_literal(text) -%}
    {{- return(adapter.dispatch('sql_string_literal', 'open_model_observatory')(text)) -}}
{%- endmacro %}
{% macro default__sql_string_literal(text) -%}
    '{{ text | string | replace("'", "''") }}'
{%- endmacro %}
{% macro spark__sql_string_literal(text) -%}
    '{{ text | string | replace("\\", "\\\\") | replace("'", "''") }}'
{%- endmacro %}

{#- A timestamp with time zone as the UTC wall-clock time (Spark's timestamps are instants shown
    in the session's time zone, UTC in profiles.yml). -#}
{% macro utc_timestamp(expr) -%}
    {{- return(adapter.dispatch('utc_timestamp', 'open_model_observatory')(expr)) -}}
{%- endmacro %}
{% macro default__utc_timestamp(expr) -%}
    timezone('UTC', {{ expr }})
{%- endmacro %}
{% macro spark__utc_timestamp(expr) -%}
    {{ expr }}
{%- endmacro %}

{#- `union all by name` on DuckDB. Spark SQL has no such operator: there the selects are united
    by position, so the models that use it list the same columns in the same order on each
    side (DuckDB's `by name` keeps them safe against a reordering). -#}
{% macro union_all_by_name() -%}
    {{- return(adapter.dispatch('union_all_by_name', 'open_model_observatory')()) -}}
{%- endmacro %}
{% macro default__union_all_by_name() -%}
    union all by name
{%- endmacro %}
{% macro spark__union_all_by_name() -%}
    union all
{%- endmacro %}

{#- One row per day from `first` to `last` (dates, both included), as a table:
    `cross join {{ date_series(...) }} as alias (column)`. -#}
{% macro date_series(first, last) -%}
    {{- return(adapter.dispatch('date_series', 'open_model_observatory')(first, last)) -}}
{%- endmacro %}
{% macro default__date_series(first, last) -%}
    generate_series(
            {{ first }}, {{ last }}, interval 1 day
        )
{%- endmacro %}
{% macro spark__date_series(first, last) -%}
    lateral explode(sequence({{ first }}, {{ last }}, interval 1 day))
{%- endmacro %}

{#- The group's first value of `expr` in the order `order_by` (DuckDB's ordered `first`). Spark
    takes it with `min_by` on `spark_key`, a key whose ascending order is `order_by`'s. -#}
{% macro first_ordered(expr, order_by, spark_key) -%}
    {{- return(adapter.dispatch('first_ordered', 'open_model_observatory')(expr, order_by, spark_key)) -}}
{%- endmacro %}
{% macro default__first_ordered(expr, order_by, spark_key) -%}
    first({{ expr }} order by {{ order_by }})
{%- endmacro %}
{% macro spark__first_ordered(expr, order_by, spark_key) -%}
    min_by({{ expr }}, {{ spark_key }})
{%- endmacro %}

{#- The group's value of `expr` on its row with the largest `key` (DuckDB's ordered
    `any_value`; Spark's `max_by`). -#}
{% macro value_at_latest(expr, key) -%}
    {{- return(adapter.dispatch('value_at_latest', 'open_model_observatory')(expr, key)) -}}
{%- endmacro %}
{% macro default__value_at_latest(expr, key) -%}
    any_value({{ expr }} order by {{ key }} desc)
{%- endmacro %}
{% macro spark__value_at_latest(expr, key) -%}
    max_by({{ expr }}, {{ key }})
{%- endmacro %}

{#- A struct of the named columns, each field named as its column. -#}
{% macro struct_of(columns) -%}
    {{- return(adapter.dispatch('struct_of', 'open_model_observatory')(columns)) -}}
{%- endmacro %}
{% macro default__struct_of(columns) -%}
    struct_pack({% for column in columns %}{{ column }} := {{ column }}{{ ", " if not loop.last }}{% endfor %})
{%- endmacro %}
{% macro spark__struct_of(columns) -%}
    named_struct({% for column in columns %}'{{ column }}', {{ column }}{{ ", " if not loop.last }}{% endfor %})
{%- endmacro %}

{#- The group's `n`th value of `expr` in the ascending order of `keys` (a list of expressions,
    compared in turn; negate one for a descending order), over the rows where `where` holds;
    null when the group has fewer. A top-n aggregate, no window over the group's rows: DuckDB
    keeps the n smallest keys. Spark sorts the group's (keys, value) pairs. -#}
{% macro nth_ordered(expr, keys, n, where=none) -%}
    {{- return(adapter.dispatch('nth_ordered', 'open_model_observatory')(expr, keys, n, where)) -}}
{%- endmacro %}
{% macro default__nth_ordered(expr, keys, n, where) -%}
    (min_by(
        {{ expr }},
        struct_pack({% for key in keys %}k{{ loop.index }} := {{ key }}{{ ", " if not loop.last }}{% endfor %}),
        {{ n }}
    ){% if where %} filter (where {{ where }}){% endif %})[{{ n }}]
{%- endmacro %}
{% macro spark__nth_ordered(expr, keys, n, where) -%}
    try_element_at(
        array_sort(collect_list(named_struct(
            {%- for key in keys %}'k{{ loop.index }}', {{ key }}, {% endfor %}'v', {{ expr }}
        )){% if where %} filter (where {{ where }}){% endif %}),
        {{ n }}
    ).v
{%- endmacro %}
