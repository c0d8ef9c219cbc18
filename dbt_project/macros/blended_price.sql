{#- Blended price per million tokens: (3 x input + output) / 4 (Artificial Analysis). `* 0.25`
    rather than `/ 4`: DuckDB divides decimals as doubles, multiplying keeps the result exact. -#}
{% macro blended_price(input_price, output_price) -%}
    cast((3 * {{ input_price }} + {{ output_price }}) * 0.25 as decimal(38, 18))
{%- endmacro %}
