{#- The partition window Dagster asks for, as SQL date literals. Unset vars (a plain
    `dbt build`) mean the whole history. -#}
{% macro partition_start_date() -%}
    {%- if var('start_date') is none -%} date '1900-01-01'
    {%- else -%} date '{{ var("start_date") }}'
    {%- endif -%}
{%- endmacro %}

{% macro partition_end_date() -%}
    {%- if var('end_date') is none -%} date '9999-12-31'
    {%- else -%} date '{{ var("end_date") }}'
    {%- endif -%}
{%- endmacro %}
