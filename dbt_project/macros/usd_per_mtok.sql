{#- A price in USD per million tokens as the marts publish it: six decimals (a millionth of a
    dollar per million tokens), not the 18 the parsing keeps. The staging models parse the
    sources' strings exactly at decimal(38, 18); rounding happens once, here, at the marts. -#}
{% macro usd_per_mtok(expression) -%}
    cast({{ expression }} as decimal(18, 6))
{%- endmacro %}
