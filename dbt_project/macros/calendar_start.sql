{#- The first day of the daily calendars (the price calendar of `int_prices__cost_ratio`), as a
    SQL date literal, from `OBSERVATORY_CALENDAR_START`: decided in Python with the Dagster
    partitions (orchestration/lib/layout.py), so both start on the same day. No default: dbt
    run without the layout's environment fails clearly. -#}
{% macro calendar_start() -%}
    date '{{ env_var("OBSERVATORY_CALENDAR_START") }}'
{%- endmacro %}
