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

{#- A fingerprint of the family seed's rules, in priority order: `int_hub__model_families` keeps
    it beside each family it worked out, so a changed seed is never read through an old answer. -#}
{% macro model_family_rules_version() -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set rules_query -%}
        select priority, pattern, family from {{ ref('model_family_rules').render() }} order by priority
    {%- endset -%}
    {%- set rows = run_query(rules_query).rows -%}
    {{ return(local_md5(rows | map('join', '\t') | join('\n'))) }}
{%- endmacro %}

{#- Whether a model name carries a repackaging marker (GGUF, MLX, a quantisation). -#}
{% macro name_is_repackaging(name_column) -%}
    {{ regex_matches(
        name_column,
        "'(^|[-_.])(gguf|mlx|awq|gptq|exl2|bnb|fp8|int4|int8|4bit|8bit|nvfp4|mxfp4|w4a16|w8a8)([-_.]|$)'",
        case_insensitive=true
    ) }}
{%- endmacro %}
