{#- Generic tests the package hub would give us (dbt_utils), written here because `dbt deps`
    cannot reach it. Each returns the failing rows. -#}

{% test unique_combination_of_columns(model, combination_of_columns) %}
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as occurrences
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
{% endtest %}


{% test expression_is_true(model, expression) %}
    select *
    from {{ model }}
    where not ({{ expression }})
{% endtest %}


{% test accepted_range(model, column_name, min_value=none, max_value=none) %}
    select *
    from {{ model }}
    where
        {{ column_name }} is not null
        and (
            false
            {%- if min_value is not none %} or {{ column_name }} < {{ min_value }}{% endif %}
            {%- if max_value is not none %} or {{ column_name }} > {{ max_value }}{% endif %}
        )
{% endtest %}


{% test not_empty(model) %}
    select 1 as empty_model
    where not exists (select 1 from {{ model }})
{% endtest %}


{#- `relationships` seen from the parent: every value of source_model.source_column is in this
    column. For a child built before its parent (a daily-partitioned fact and its dimension),
    so the test runs with the parent. -#}
{% test contains_all_values_of(model, column_name, source_model, source_column, source_where=none) %}
    select distinct child.{{ source_column }} as missing_value
    from {{ source_model }} as child
    left join {{ model }} as parent on child.{{ source_column }} = parent.{{ column_name }}
    where child.{{ source_column }} is not null and parent.{{ column_name }} is null
    {%- if source_where %} and ({{ source_where }}){% endif %}
{% endtest %}


{#- `not_null` for several columns of a model in one query (one test node, one Dagster check,
    instead of one per column): the rows where any of them is null. -#}
{% test not_null_columns(model, column_names) %}
    select *
    from {{ model }}
    where
        {% for column in column_names -%}
            {{ column }} is null{% if not loop.last %} or {% endif %}
        {%- endfor %}
{% endtest %}
