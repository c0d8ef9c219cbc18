{#- The family of a model name: a CASE over the rules of the `model_family_rules` seed, in
    priority order, with each pattern a constant so DuckDB compiles every regex once (a join on
    the pattern column compiles one per row pair: seconds instead of milliseconds). `render()`
    reads the seed whole even under `--empty`, where a CASE without rules would not parse. -#}
{% macro model_family(name_column) -%}
    {%- set rules_query -%}
        select pattern, family from {{ ref('model_family_rules').render() }} order by priority
    {%- endset -%}
    {%- set rules = run_query(rules_query).rows if execute else [] -%}
    case
        {%- for pattern, family in rules %}
            when {{ regex_matches(name_column, sql_string_literal(pattern), case_insensitive=true) }} then '{{ family | replace("'", "''") }}'
        {%- endfor %}
        else 'other'
    end
{%- endmacro %}
