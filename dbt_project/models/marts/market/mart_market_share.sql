-- Each country's share of every metric, per week and month: selected from
-- `int_market__shares`, where the shares are computed (the claims read them there too).
with

shares as (
    select * from {{ ref('int_market__shares') }}
),

final as (
    select
        period_start,
        period_grain,
        metric,
        scope,
        country,
        value,
        share,
        country_models,
        country_developers,
        period_models,
        period_developers,
        country_coverage
    from shares
)

select * from final
