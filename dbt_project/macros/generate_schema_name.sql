{#- Use the configured schema name as it is (`marts`, not `main_marts`), so analysts query
    `marts.mart_adoption`. Models without a schema go to the target schema. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
