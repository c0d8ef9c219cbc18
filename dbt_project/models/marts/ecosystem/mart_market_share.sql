-- Each country's share of every metric, per week and per month, in long format. The share is
-- the country's value over the total of all countries, `unattributed` included, for that
-- period, grain, metric and scope, so the shares of each such group sum to 1.
with

periods as (
    select * from {{ ref('int_market__periods') }}
),

by_country as (
    select
        period_start,
        period_grain,
        metric,
        scope,
        country,
        sum(value) as value
    from periods
    group by all
),

final as (
    select
        period_start,
        period_grain,
        metric,
        scope,
        country,
        cast(value as bigint) as value,
        cast(
            value / sum(value) over (partition by period_start, period_grain, metric, scope)
            as double
        ) as share
    from by_country
    where value > 0
)

select * from final
