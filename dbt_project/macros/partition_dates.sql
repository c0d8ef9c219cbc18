{#- The partition window Dagster asks for, as SQL date literals, from the environment
    (`OBSERVATORY_START_DATE`, `OBSERVATORY_END_DATE`; the `start_date`/`end_date` vars for a
    hand-run `dbt build`). Unset, the whole history. Environment rather than vars: a var that
    changes makes dbt re-parse the whole project, an environment variable only the files that
    read it. -#}
{% macro partition_start_date() -%}
    {%- set day = env_var('OBSERVATORY_START_DATE', '') or var('start_date') -%}
    {%- if day -%} date '{{ day }}'
    {%- else -%} date '1900-01-01'
    {%- endif -%}
{%- endmacro %}

{% macro partition_end_date() -%}
    {%- set day = env_var('OBSERVATORY_END_DATE', '') or var('end_date') -%}
    {%- if day -%} date '{{ day }}'
    {%- else -%} date '9999-12-31'
    {%- endif -%}
{%- endmacro %}
