{#- The cumulative download claims and the day each is read on (the end of the claim's period,
    claims.csv): `int_claims__hub_download_counters` keeps each model's lifetime counters around
    these days, `int_claims__hub_download_readings` bounds the claims' counts with them. -#}
{% macro counter_claim_dates() -%}
    {{ return({'cn_540m_downloads_oct_2025': '2025-10-31', 'atom_cn_1_15b_us_723m_mar_2026': '2026-03-31'}) }}
{%- endmacro %}

{% macro counter_claim_targets() -%}
    select
        target.claim_id,
        target.target_date
    from (
        values
        {%- for claim_id, day in counter_claim_dates().items() %}
        ('{{ claim_id }}', date '{{ day }}'){{ ',' if not loop.last }}
        {%- endfor %}
    ) as target (claim_id, target_date)
{%- endmacro %}
