-- Each country's share of every metric, per week and per month, in long format. The share is
-- the country's value over the total of all countries, `unattributed` included, for that
-- period, grain, metric and scope, so the shares of each such group sum to 1. Every row carries
-- its sample: the models and developers behind the country's value and behind the period's total
-- (a share of 100 % that rests on one model says so), and the fraction of the period's total that
-- carries a country (`country_coverage`).
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
        sum(value) as value,
        sum(model_count) as model_count,
        count(distinct developer_key) as developer_count
    from periods
    where value > 0
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
            value / sum(value) over by_period
            as double
        ) as share,
        cast(model_count as integer) as country_models,
        cast(developer_count as integer) as country_developers,
        cast(sum(model_count) over by_period as integer) as period_models,
        cast(sum(developer_count) over by_period as integer) as period_developers,
        -- How much of the period's total carries a country: every share of the group rests on
        -- that fraction (the rest is `unattributed`: most of the Hub's organisations).
        cast(
            sum(case when country != 'unattributed' then value else 0 end) over by_period
            / sum(value) over by_period
            as double
        ) as country_coverage
    from by_country
    window by_period as (partition by period_start, period_grain, metric, scope)
)

select * from final
