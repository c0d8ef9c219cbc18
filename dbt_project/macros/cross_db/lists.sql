{#- Lists (DuckDB) and arrays (Spark): the few operations the models use, each written once per
    engine. default__ is DuckDB's SQL, as the models had it; spark__ the same on Spark SQL. dbt's
    own cross-database macros cover what they can (`dbt.array_construct`, `dbt.array_append`);
    these cover what dbt has no macro for. `var` names the lambda's variable; `expr` uses it. -#}

{% macro list_transform(list, var, expr) -%}
    {{- return(adapter.dispatch('list_transform', 'open_model_observatory')(list, var, expr)) -}}
{%- endmacro %}
{% macro default__list_transform(list, var, expr) -%}
    list_transform({{ list }}, lambda {{ var }}: {{ expr }})
{%- endmacro %}
{% macro spark__list_transform(list, var, expr) -%}
    transform({{ list }}, {{ var }} -> {{ expr }})
{%- endmacro %}

{% macro list_filter(list, var, expr) -%}
    {{- return(adapter.dispatch('list_filter', 'open_model_observatory')(list, var, expr)) -}}
{%- endmacro %}
{% macro default__list_filter(list, var, expr) -%}
    list_filter({{ list }}, lambda {{ var }}: {{ expr }})
{%- endmacro %}
{% macro spark__list_filter(list, var, expr) -%}
    filter({{ list }}, {{ var }} -> {{ expr }})
{%- endmacro %}

{#- The number of elements (null for a null list). -#}
{% macro list_size(list) -%}
    {{- return(adapter.dispatch('list_size', 'open_model_observatory')(list)) -}}
{%- endmacro %}
{% macro default__list_size(list) -%}
    len({{ list }})
{%- endmacro %}
{% macro spark__list_size(list) -%}
    size({{ list }})
{%- endmacro %}

{#- The first element, null for an empty list. -#}
{% macro list_first(list) -%}
    {{- return(adapter.dispatch('list_first', 'open_model_observatory')(list)) -}}
{%- endmacro %}
{% macro default__list_first(list) -%}
    {{ list }}[1]
{%- endmacro %}
{% macro spark__list_first(list) -%}
    try_element_at({{ list }}, 1)
{%- endmacro %}

{#- One row per element, in a select list (`unnest(x) as y`). -#}
{% macro list_unnest(list) -%}
    {{- return(adapter.dispatch('list_unnest', 'open_model_observatory')(list)) -}}
{%- endmacro %}
{% macro default__list_unnest(list) -%}
    unnest({{ list }})
{%- endmacro %}
{% macro spark__list_unnest(list) -%}
    explode({{ list }})
{%- endmacro %}

{#- One row per element, as a table joined to the row it comes from:
    `cross join {{ unnest_table(...) }} as alias (column)`. -#}
{% macro unnest_table(list) -%}
    {{- return(adapter.dispatch('unnest_table', 'open_model_observatory')(list)) -}}
{%- endmacro %}
{% macro default__unnest_table(list) -%}
    unnest({{ list }})
{%- endmacro %}
{% macro spark__unnest_table(list) -%}
    lateral explode({{ list }})
{%- endmacro %}

{#- The integers first .. last, both included. -#}
{% macro integer_range(first, last) -%}
    {{- return(adapter.dispatch('integer_range', 'open_model_observatory')(first, last)) -}}
{%- endmacro %}
{% macro default__integer_range(first, last) -%}
    range({{ first }}, {{ last }} + 1)
{%- endmacro %}
{% macro spark__integer_range(first, last) -%}
    sequence({{ first }}, {{ last }})
{%- endmacro %}

{#- Whether the list shares an element with the other. -#}
{% macro list_has_any(list, other) -%}
    {{- return(adapter.dispatch('list_has_any', 'open_model_observatory')(list, other)) -}}
{%- endmacro %}
{% macro default__list_has_any(list, other) -%}
    list_has_any({{ list }}, {{ other }})
{%- endmacro %}
{% macro spark__list_has_any(list, other) -%}
    arrays_overlap({{ list }}, {{ other }})
{%- endmacro %}

{#- The values of `expr` of a group as a list, ordered by `order_by`, over the rows where
    `where` holds (every row when none). -#}
{% macro ordered_list_agg(expr, order_by, where=none) -%}
    {{- return(adapter.dispatch('ordered_list_agg', 'open_model_observatory')(expr, order_by, where)) -}}
{%- endmacro %}
{% macro default__ordered_list_agg(expr, order_by, where) -%}
    list({{ expr }} order by {{ order_by }}){% if where %} filter (where {{ where }}){% endif %}
{%- endmacro %}
{#- collect_list keeps no order: collect (key, value) pairs, sort them, keep the values. An empty
    group gives an empty array on Spark where DuckDB gives null: nullif makes it null too. -#}
{% macro spark__ordered_list_agg(expr, order_by, where) -%}
    nullif(
        transform(
            array_sort(collect_list(named_struct('k', {{ order_by }}, 'v', {{ expr }}))
                {%- if where %} filter (where {{ where }}){% endif %}),
            pair -> pair.v
        ),
        array()
    )
{%- endmacro %}

{#- `string_agg(expr, separator order by order_by)`. -#}
{% macro ordered_string_agg(expr, separator, order_by) -%}
    {{- return(adapter.dispatch('ordered_string_agg', 'open_model_observatory')(expr, separator, order_by)) -}}
{%- endmacro %}
{% macro default__ordered_string_agg(expr, separator, order_by) -%}
    string_agg({{ expr }}, {{ separator }} order by {{ order_by }})
{%- endmacro %}
{% macro spark__ordered_string_agg(expr, separator, order_by) -%}
    string_agg({{ expr }}, {{ separator }}) within group (order by {{ order_by }})
{%- endmacro %}

{#- The sum, as `type`, of `expr` over the elements where `where` holds: 0 for none or a null
    list. A scalar on each row, where a join to the unnested list and a group by would cost a
    pass over every row. -#}
{% macro list_sum_where(list, var, where, expr, type) -%}
    {{- return(adapter.dispatch('list_sum_where', 'open_model_observatory')(list, var, where, expr, type)) -}}
{%- endmacro %}
{% macro default__list_sum_where(list, var, where, expr, type) -%}
    cast(coalesce(list_sum(list_transform(list_filter({{ list }}, lambda {{ var }}: {{ where }}), lambda {{ var }}: {{ expr }})), 0) as {{ type }})
{%- endmacro %}
{% macro spark__list_sum_where(list, var, where, expr, type) -%}
    coalesce(
        aggregate(
            filter({{ list }}, {{ var }} -> {{ where }}),
            cast(0 as {{ type }}),
            (acc, {{ var }}) -> cast(acc + {{ expr }} as {{ type }})
        ),
        cast(0 as {{ type }})
    )
{%- endmacro %}
