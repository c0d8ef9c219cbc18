{#- The first day of the price calendar of `int_prices__cost_ratio`, as a SQL date literal, from
    `OBSERVATORY_CALENDAR_START`: decided once, in Python (`CALENDAR_START`,
    orchestration/lib/layout.py). A window chosen for the analysis, not the first day of data:
    the Dagster partitions start where the data does, and the calendar reaches back before it
    on genai-prices' list prices. No default: dbt run without the layout's environment fails
    clearly. -#}
{% macro calendar_start() -%}
    date '{{ env_var("OBSERVATORY_CALENDAR_START") }}'
{%- endmacro %}
