{#- The line OpenRouter's licence (CC BY 4.0) asks for wherever its rankings are shown. `as_of`
    is a timestamp with time zone; it is written in UTC whatever the session's time zone. -#}
{% macro openrouter_citation(as_of) -%}
    'Source: OpenRouter (openrouter.ai/rankings), as of '
    || {{ format_date(utc_timestamp(as_of), '%Y-%m-%dT%H:%M:%SZ') }}
{%- endmacro %}
